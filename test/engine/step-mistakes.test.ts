/**
 * Mistakes in a handler's own code fail its invocation with a coded error, never a bare TypeError, and
 * the input reaches the dead-letter destination with that error: one case per mistake (the fixture
 * `misbehave` does the one its input's key names).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, table, topic, type ErrorCode } from 'sluice';
import { fixture, startLocal } from '../helpers/local.js';

const cases: Array<[string, ErrorCode]> = [
  ['object-body', 'SLUICE_E_OBJECT_BODY'],
  ['object-key-empty', 'SLUICE_E_OBJECT_KEY'],
  ['object-key-surrogate', 'SLUICE_E_OBJECT_KEY'],
  ['message-body', 'SLUICE_E_MESSAGE_BODY'],
  ['message-delay-topic', 'SLUICE_E_MESSAGE_DELAY'],
  ['message-delay-range', 'SLUICE_E_MESSAGE_DELAY'],
  ['attribute-type', 'SLUICE_E_MESSAGE_ATTRIBUTES'],
  ['step-result', 'SLUICE_E_STEP_RESULT'],
  ['item-key', 'SLUICE_E_ITEM_KEY'],
  ['item-too-large', 'SLUICE_E_ITEM_TOO_LARGE'],
];

test('each mistake a step can make fails its invocation with its own code, kept with the dead letter', async (t) => {
  // GIVEN a step with every kind of downstream node, that dead-letters at once
  const items = table('items', { partitionKey: 'id' });
  const step = fn('misbehave', { handler: fixture('misbehave'), retryAttempts: 0 }).writes(items);
  const pipe = pipeline('mistakes', [bucket('in').to(step).to(bucket('out')), step.to(queue('work')), step.to(topic('events'))]);
  const local = await startLocal(t, pipe);
  // WHEN it gets one input per mistake
  for (const [name] of cases) await local.put('in', `${name}.txt`, name);
  await local.settle();
  // THEN each input is a dead letter whose error carries the mistake's code
  const codes = new Map((await local.dlq('misbehave')).map((l) => [(l.event as { Records: Array<{ s3: { object: { key: string } } }> }).Records[0]!.s3.object.key.replace(/\.txt$/, ''), l.error?.code]));
  assert.deepEqual(Object.fromEntries(cases.map(([name]) => [name, codes.get(name)])), Object.fromEntries(cases));
  // AND nothing was half-written
  assert.deepEqual(await local.list('out'), []);
  assert.deepEqual(await local.messages('work'), []);
});

test('a sink that returns a message fails with SLUICE_E_SINK_OUTPUT', async (t) => {
  const local = await startLocal(t, pipeline('sink-out', [bucket('in').to(fn('sink', { handler: fixture('sink-sends'), retryAttempts: 0 }))]));
  await local.put('in', 'a.txt', 'x');
  await local.settle();
  assert.equal((await local.dlq('sink'))[0]?.error?.code, 'SLUICE_E_SINK_OUTPUT');
});

test("a message sent to a name no node has says so and lists what the step can reach, instead of an edge to declare", async (t) => {
  // GIVEN a step that sends to queue 'work' and topic 'events', beside a queue 'elsewhere' it is not wired to
  const split = fn('split', { handler: fixture('emit'), retryAttempts: 0 });
  const pipe = pipeline('to-nowhere', [bucket('in').to(split).to(queue('work')), split.to(topic('events')), queue('elsewhere').to(fn('other', { handler: fixture('emit') }))]);
  const local = await startLocal(t, pipe);
  // WHEN it sends to 'nowhere', to the bucket 'in', and to the queue 'elsewhere'
  const plan = (to: string) => JSON.stringify({ messages: [{ body: 'x', to }] });
  await local.put('in', 'nowhere', plan('nowhere'));
  await local.put('in', 'bucket', plan('in'));
  await local.put('in', 'elsewhere', plan('elsewhere'));
  await local.settle();
  const errors = new Map((await local.dlq('split')).map((l) => [(l.event as { Records: Array<{ s3: { object: { key: string } } }> }).Records[0]!.s3.object.key, l.error]));
  // THEN 'nowhere' is named as no node at all, with the nodes the step can reach and no edge to declare
  assert.equal(errors.get('nowhere')?.code, 'SLUICE_E_NO_TARGET');
  assert.equal(errors.get('nowhere')?.errorMessage, "function 'split': ctx.message(..., { to: 'nowhere' }): no node of pipeline 'to-nowhere' is named 'nowhere'; it can reach queue 'work', topic 'events': name one of those, or leave 'to' out to send to all of them");
  // AND a bucket is named as a node that takes no messages
  assert.equal(errors.get('bucket')?.code, 'SLUICE_E_NO_TARGET');
  assert.match(errors.get('bucket')!.errorMessage, /'in' is a bucket, which takes no messages; it can reach queue 'work', topic 'events'/);
  // AND a queue of the pipeline that is not downstream still gets the edge to declare
  assert.equal(errors.get('elsewhere')?.code, 'SLUICE_E_PERMISSION');
  assert.match(errors.get('elsewhere')!.errorMessage, /has no 'send' or 'publish' permission on queue 'elsewhere'; declare split\.to\(elsewhere\)/);
});
