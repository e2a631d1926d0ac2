/**
 * Lineage on the local engine: every execution records an ingestion step (Pylon's fields, the step's
 * version, times, metadata, inputs, outputs) in the same transaction as its outputs; every object a
 * step writes carries its ingestion id; the chain walks from any output back to the root input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bucket, fn, pipeline, queue, topic } from 'sluice';
import { fixture, startLocal, T0 } from '../helpers/local.js';

const versionOf = (name: string) => createHash('sha256').update(readFileSync(fileURLToPath(fixture(name)))).digest('hex');

/** in -> emit (envelopes) -> work -> store (sink, writes objects) -> out. */
function emitAndStore(name: string, options: { lineage?: boolean } = {}) {
  return pipeline(name, [bucket('in').to(fn('emit', { handler: fixture('envelope-emit') })).to(queue('work')).to(fn('store', { handler: fixture(options.lineage === false ? 'envelope-sink-no-lineage' : 'envelope-sink') })).to(bucket('out'))]);
}

test('lineage walks from a sink\'s output back to the source\'s input, each step with its time and metadata', async (t) => {
  // GIVEN a producer of envelopes and a sink that writes each one
  const local = await startLocal(t, emitAndStore('lin-walk'));
  // WHEN a plan lands in 'in' and flows through
  await local.put('in', 'plan.json', JSON.stringify({ envelopes: [{ body: { n: 1 } }], metadata: { planned: 1 } }));
  await local.settle();
  // THEN the sink's output leads back through the sink and the producer to the object put into 'in'
  const [key] = await local.list('out');
  const lineage = await local.lineage('out', key!);
  assert.deepEqual(lineage.steps.map((s) => [s.artifactName, s.role]), [['store', 'sink'], ['emit', 'component']]);
  assert.deepEqual(lineage.root, [{ kind: 'object', bucket: 'in', key: 'plan.json', eTag: createHash('md5').update(JSON.stringify({ envelopes: [{ body: { n: 1 } }], metadata: { planned: 1 } })).digest('hex') }]);
  // AND each step names its parent, its version, its time and the metadata its step returned
  const [store, emit] = lineage.steps;
  assert.equal(store!.parentIngestionId, emit!.ingestionId);
  assert.deepEqual(store!.parentIngestionIds, [emit!.ingestionId]);
  assert.equal(emit!.parentIngestionId, null);
  assert.equal(emit!.artifactVersion, versionOf('envelope-emit'));
  assert.deepEqual(emit!.metadata, { planned: 1 });
  assert.equal(emit!.startedAt, new Date(T0).toISOString());
  assert.deepEqual([emit!.dimUTCTimestamp, emit!.dimUTCDateId, emit!.dimUTCHour], [T0 / 1000, 20260105, 10]);
  assert.equal(typeof emit!.coreMs, 'number');
  assert.ok(emit!.totalMs >= emit!.coreMs);
  assert.equal(emit!.pipeline, 'lin-walk');
  assert.equal(emit!.stage, 'local');
  // AND its inputs and outputs: the object it read, the envelope it sent
  assert.deepEqual(emit!.outputs, [{ kind: 'message', to: 'work', targetKind: 'queue', objectType: 'rawContent' }]);
  assert.deepEqual(store!.inputs.map((i) => i.kind), ['message']);
  assert.deepEqual(store!.outputs, [{ kind: 'object', bucket: 'out', key: key! }]);
});

test('every object a step writes carries its ingestion id in its metadata, beside the step\'s own metadata', async (t) => {
  const local = await startLocal(t, pipeline('lin-metadata', [bucket('in').to(fn('copy', { handler: fixture('copy-or-throw') })).to(bucket('out'))]));
  await local.put('in', 'a.txt', 'hello');
  await local.settle();
  const head = await local.head('out', 'out/a.txt');
  const step = await local.ingestionStep(head.metadata!['ingestion-id']!);
  assert.equal(step?.artifactName, 'copy');
  assert.deepEqual(step?.outputs, [{ kind: 'object', bucket: 'out', key: 'out/a.txt' }]);
});

test('a failed execution records no ingestion step, and a batch records only the records that succeeded', async (t) => {
  // GIVEN a batch of three messages, one poison
  const local = await startLocal(t, pipeline('lin-partial', [queue('work').to(fn('copy', { handler: fixture('copy-or-throw') }), { batchSize: 10 }).to(bucket('out'))]));
  for (const body of ['a', 'poison', 'b']) await local.send('work', body);
  await local.settle();
  // THEN two executions are recorded, and the poison one none
  assert.equal(local.steps().length, 2);
  const recorded = local.steps({ limit: 10 }).map((s) => (s.inputs[0] as { id: string }).id);
  const poison = (await local.messages('work'))[0]!.id;
  assert.ok(!recorded.includes(poison));
});

test('an execution whose outputs the engine refuses at commit leaves no lineage either (one transaction)', async (t) => {
  // GIVEN a producer whose plain message is too large for its queue (refused when committed)
  const local = await startLocal(t, pipeline('lin-refused', [bucket('in').to(fn('emit', { handler: fixture('emit'), retryAttempts: 0 })).to(queue('small', { maxMessageSize: 1024 }))]));
  await local.put('in', 'plan.json', JSON.stringify({ messages: [{ body: 'x'.repeat(2000) }] }));
  await local.settle();
  // THEN the invocation failed and nothing of it was recorded
  assert.equal((await local.dlq('emit')).length, 1);
  assert.equal(local.steps().length, 0);
});

test('with lineage off a step records nothing and stamps nothing, and the walk says where the chain ends', async (t) => {
  const local = await startLocal(t, emitAndStore('lin-off', { lineage: false }));
  await local.put('in', 'plan.json', JSON.stringify({ envelopes: [{ body: { n: 1 } }] }));
  await local.settle();
  const [key] = await local.list('out');
  assert.equal((await local.head('out', key!)).metadata?.['ingestion-id'], undefined);
  assert.equal(local.steps().length, 1, 'only emit, whose lineage is on');
  await assert.rejects(local.lineage('out', key!), { code: 'SLUICE_E_NO_LINEAGE', message: new RegExp(`object '${key}' in bucket 'out' carries no ingestion id`) });
});

test('lineage follows envelopes through a topic fan-out and a topic-triggered function', async (t) => {
  // GIVEN emit -> topic -> (queue -> store) and topic -> record (async invoke)
  const events = topic('events');
  const local = await startLocal(t, pipeline('lin-topic', [
    bucket('in').to(fn('emit', { handler: fixture('envelope-emit') })).to(events),
    events.to(queue('work')).to(fn('store', { handler: fixture('envelope-sink') })).to(bucket('out')),
    events.to(fn('record', { handler: fixture('envelope-record') })).to(bucket('seen')),
  ]));
  await local.put('in', 'plan.json', JSON.stringify({ envelopes: [{ body: { n: 1 } }] }));
  await local.settle();
  const viaQueue = await local.lineage('out', (await local.list('out'))[0]!);
  const viaTopic = await local.lineage('seen', (await local.list('seen'))[0]!);
  assert.deepEqual(viaQueue.steps.map((s) => s.artifactName), ['store', 'emit']);
  assert.deepEqual(viaTopic.steps.map((s) => s.artifactName), ['record', 'emit']);
  assert.equal(viaQueue.steps[1]!.ingestionId, viaTopic.steps[1]!.ingestionId, 'one execution fanned out to both');
  assert.deepEqual(viaTopic.steps[0]!.inputs.map((i) => i.kind === 'message' && i.topic), ['events']);
});
