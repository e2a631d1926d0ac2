/**
 * Idempotency on the local engine: `component(step, { idempotencyKey })` runs a step once per key; a
 * redelivery of an input already processed is acknowledged without running it, a failed execution
 * gives its key back for the retry, and a key is remembered for `idempotencyTtl`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue } from 'sluice';
import { localPipeline } from 'sluice/testing';
import type { EngineEvent } from '../../src/engine/index.js';
import { fixture, startLocal, tempDir, T0 } from '../helpers/local.js';

const envelope = (body: Record<string, unknown>) => ({ schemaVersion: 1, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'producer-1', body });
const idempotentPipeline = (name: string, batchSize = 1) => pipeline(name, [queue('work').to(fn('once', { handler: fixture('idempotent-step') }), { batchSize }).to(bucket('out'))]);
const runs = async (local: Awaited<ReturnType<typeof startLocal>>, id: string) => (await local.list('out', `runs/${id}/`)).length;

test('a redelivered message is processed once: the second is acknowledged without running', async (t) => {
  // GIVEN an idempotent step, and every invocation recorded
  const events: EngineEvent[] = [];
  const local = await startLocal(t, idempotentPipeline('idem-redelivered'), { onEvent: (e) => events.push(e) });
  // WHEN the same message is delivered twice
  await local.send('work', envelope({ id: 'order-1' }));
  await local.settle();
  await local.send('work', envelope({ id: 'order-1' }));
  await local.settle();
  // THEN the step ran once, and the redelivery left the queue with nothing written
  assert.equal(await runs(local, 'order-1'), 1);
  assert.deepEqual(await local.messages('work'), []);
  const invocations = events.filter((e): e is Extract<EngineEvent, { type: 'invocation' }> => e.type === 'invocation');
  assert.deepEqual(invocations.map((i) => [i.ok, i.executions, i.duplicates]), [[true, 1, 0], [true, 0, 1]]);
  assert.match(invocations[1]!.logs[0]!.message, /^skipped a duplicate: idempotency key 'order-1' was processed by ingestion [0-9a-f-]{36}$/);
  // AND other keys still run
  await local.send('work', envelope({ id: 'order-2' }));
  await local.settle();
  assert.equal(await runs(local, 'order-2'), 1);
});

test('two copies in one batch run once: the second waits for the first, then is acknowledged', async (t) => {
  const local = await startLocal(t, idempotentPipeline('idem-same-batch', 10));
  await local.send('work', envelope({ id: 'order-1' }));
  await local.send('work', envelope({ id: 'order-1' }));
  await local.settle();
  // THEN one ran; the copy found the key in progress and was returned to the queue
  assert.equal(await runs(local, 'order-1'), 1);
  assert.equal((await local.messages('work')).length, 1);
  // AND when it comes back it is a duplicate, acknowledged without running
  await local.advance('10m');
  assert.equal(await runs(local, 'order-1'), 1);
  assert.deepEqual(await local.messages('work'), []);
  assert.deepEqual(await local.dlq('work'), []);
});

test('a failed execution gives its key back: the retry runs the step', async (t) => {
  const local = await startLocal(t, idempotentPipeline('idem-retry'));
  await local.send('work', envelope({ id: 'order-1', failFirst: true }));
  await local.settle();
  assert.equal(await runs(local, 'order-1'), 0);
  await local.advance('10m');
  assert.equal(await runs(local, 'order-1'), 1);
  assert.deepEqual(await local.messages('work'), []);
});

test('a key is remembered for idempotencyTtl, then the input runs again', async (t) => {
  const local = await startLocal(t, idempotentPipeline('idem-ttl'));
  await local.send('work', envelope({ id: 'order-1' }));
  await local.settle();
  await local.advance('9m');
  await local.send('work', envelope({ id: 'order-1' }));
  await local.settle();
  assert.equal(await runs(local, 'order-1'), 1, 'within 10 minutes: a duplicate');
  await local.advance('2m');
  await local.send('work', envelope({ id: 'order-1' }));
  await local.settle();
  assert.equal(await runs(local, 'order-1'), 2, 'after 10 minutes: processed again');
});

test('with handlers in worker threads on durable state, a redelivered message is processed once', async (t) => {
  const local = await localPipeline(idempotentPipeline('idem-durable'), { stateDir: tempDir(t), isolation: 'worker', startTime: T0 });
  t.after(() => local.close());
  await local.send('work', envelope({ id: 'order-1' }));
  await local.settle();
  await local.send('work', envelope({ id: 'order-1' }));
  await local.settle();
  assert.equal((await local.list('out', 'runs/order-1/')).length, 1);
  assert.deepEqual(await local.messages('work'), []);
});
