/**
 * Bad input meets a clear error: invalid handler files fail `localPipeline()` with every problem
 * listed, unknown nodes and keys are named with what exists, and a poison message's DLQ entry says
 * why it failed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, topic, InputError, PipelineValidationError, SluiceError } from 'sluice';
import { localPipeline } from 'sluice/testing';
import { fixture, startLocal } from '../helpers/local.js';

/** Assert `promise` rejects with a SluiceError of this class and code; returns the error. */
async function rejectsWith<E extends SluiceError>(promise: Promise<unknown>, kind: new (...args: any[]) => E, code: string): Promise<E> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof kind, `expected a ${kind.name}, got ${String(caught)}`);
  assert.equal((caught as E).code, code, (caught as E).message);
  return caught as E;
}

for (const isolation of ['in-process', 'worker'] as const) {
  test(`handler files that are missing, export nothing usable, fail to load or never finish loading are all reported at once (${isolation})`, async () => {
    // GIVEN four functions with four different handler problems
    const pipe = pipeline('bad-handlers', [
      bucket('a').to(fn('missing', { handler: fixture('does-not-exist') })),
      bucket('b').to(fn('empty', { handler: fixture('no-export') })),
      bucket('c').to(fn('broken', { handler: fixture('throws-on-import') })),
      bucket('d').to(fn('waits', { handler: fixture('unsettled') })),
    ]);
    // WHEN the pipeline starts
    const error = await rejectsWith(localPipeline(pipe, { isolation }), PipelineValidationError, 'SLUICE_E_PIPELINE_INVALID');
    // THEN one error lists every problem, each naming its node and what to do
    const byNode = Object.fromEntries(error.problems.map((p) => [p.node, p]));
    assert.deepEqual(Object.keys(byNode).sort(), ['broken', 'empty', 'missing', 'waits']);
    assert.equal(byNode.missing!.code, 'SLUICE_E_HANDLER_MISSING');
    assert.match(byNode.missing!.message, /fn 'missing': handler file '.*does-not-exist\.ts' does not exist .*; create it or fix the path/);
    assert.equal(byNode.empty!.code, 'SLUICE_E_HANDLER_EXPORT');
    assert.match(byNode.empty!.message, /fn 'empty': .* exports neither a default component\(\)\/source\(\)\/sink\(\) nor a 'handler' function; add: export default component/);
    assert.equal(byNode.broken!.code, 'SLUICE_E_HANDLER_LOAD');
    assert.match(byNode.broken!.message, /fn 'broken': .* failed to load: broken at import time/);
    // AND the handler that never finishes loading is stopped at Lambda's Init limit (LA-11)
    assert.equal(byNode.waits!.code, 'SLUICE_E_HANDLER_INIT_TIMEOUT');
    assert.match(byNode.waits!.message, /fn 'waits': handler file '.*unsettled\.ts' did not finish loading within 10 seconds/);
    assert.match(error.message, /pipeline 'bad-handlers' has 4 problems/);
    // AND nothing is left running: the exit guard (test/helpers/exit-guard.ts) fails this file otherwise
  });
}

test('a missing handler file is reported together with the pipeline model problems', async () => {
  // GIVEN a function with an out-of-range timeout and a missing handler file
  const pipe = pipeline('bad-mixed', [bucket('a').to(fn('slow', { handler: fixture('does-not-exist'), timeout: 5000 }))]);
  // WHEN the pipeline starts
  const error = await rejectsWith(localPipeline(pipe), PipelineValidationError, 'SLUICE_E_PIPELINE_INVALID');
  // THEN both problems are listed, not just the first kind found
  assert.deepEqual(error.problems.map((p) => p.code).sort(), ['SLUICE_E_FN_TIMEOUT', 'SLUICE_E_HANDLER_MISSING']);
});

test('putting to an unknown bucket fails with an InputError listing the buckets', async (t) => {
  // GIVEN a pipeline with buckets raw and curated
  const local = await startLocal(t, pipeline('bad-put', [bucket('raw').to(fn('copy', { handler: fixture('copy-or-throw') })).to(bucket('curated'))]));
  // WHEN a test puts to a bucket that does not exist
  const error = await rejectsWith(local.put('rwa', 'a.txt', 'x'), InputError, 'SLUICE_E_UNKNOWN_NODE');
  // THEN the message names the bucket and the ones that exist
  assert.match(error.message, /bucket 'rwa' is not in pipeline 'bad-put' \(its buckets: raw, curated\)/);
});

test('sending to a node that is not a queue or topic fails naming the queues and topics', async (t) => {
  const local = await startLocal(t, pipeline('bad-send', [topic('events').to(queue('orders'))]));
  const error = await rejectsWith(local.send('order', 'x'), InputError, 'SLUICE_E_UNKNOWN_NODE');
  assert.match(error.message, /'order' is not a queue or topic of pipeline 'bad-send' \(queues: orders; topics: events\)/);
});

test('reading a missing object, or the DLQ of a bucket, fails with an error that says what exists', async (t) => {
  // GIVEN a pipeline with one object written
  const local = await startLocal(t, pipeline('bad-read', [bucket('raw').to(fn('copy', { handler: fixture('copy-or-throw') })).to(bucket('curated'))]));
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  // WHEN a test reads a key that is not there, or asks a bucket for its DLQ
  const missing = await rejectsWith(local.text('curated', 'a.txt'), InputError, 'SLUICE_E_NO_SUCH_KEY');
  const noDlq = await rejectsWith(local.dlq('curated'), InputError, 'SLUICE_E_NO_DLQ');
  // THEN the errors list the keys held and the nodes that have DLQs
  assert.match(missing.message, /object 'a.txt' does not exist in bucket 'curated' \(it holds 'out\/a.txt'\)/);
  assert.match(noDlq.message, /'curated' has no dead-letter queue: only queues and functions do/);
});

test('advance() with a duration it cannot read fails with an InputError', async (t) => {
  const local = await startLocal(t, pipeline('bad-advance', [bucket('raw')]));
  await rejectsWith(local.advance('soon'), InputError, 'SLUICE_E_DURATION');
});

test('a message that is not JSON fails ctx.json, and its DLQ entry names the queue and the cause', async (t) => {
  // GIVEN a queue consumer that parses each message as JSON
  const local = await startLocal(t, pipeline('bad-json', [queue('orders').to(fn('parse', { handler: fixture('json-consumer'), timeout: 5 })).to(bucket('parsed'))]));
  // WHEN a good message and a message that is not JSON are sent, and the queue's receives run out
  await local.send('orders', { name: 'good' });
  await local.send('orders', 'name=bad');
  await local.settle();
  await local.advance('2m');
  // THEN the good one was processed and the bad one is in the DLQ, saying why
  assert.deepEqual(await local.list('parsed'), ['parsed/good']);
  const [letter, ...others] = await local.dlq('orders');
  assert.equal(others.length, 0);
  assert.equal(letter!.body, 'name=bad');
  assert.equal(letter!.attempts, 3);
  assert.equal(letter!.error?.code, 'SLUICE_E_NOT_JSON');
  assert.match(letter!.error!.errorMessage, new RegExp(`function 'parse': message ${letter!.id} from queue 'orders' is not JSON .*; starts with "name=bad"`));
});
