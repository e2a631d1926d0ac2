/**
 * `localPipeline()` over a state folder: the same manual clock as in memory (so `advance()` drives
 * retries), and the state is still there when the pipeline is opened again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline } from 'sluice';
import { localPipeline } from 'sluice/testing';
import { fixture, invocations, T0, tempDir } from '../helpers/local.js';

test('a localPipeline with a state folder still has advance(), which runs retries', async (t) => {
  // GIVEN a failing function on a durable engine
  const local = await localPipeline(pipeline('sd-clock', [bucket('raw').to(fn('fail', { handler: fixture('always-throws') }))]), { stateDir: tempDir(t), startTime: T0 });
  t.after(() => local.close());
  // WHEN an object lands and three minutes pass on the test clock
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  await local.advance('3m');
  // THEN all three attempts ran and the event is dead-lettered
  assert.equal(invocations(local, 'fail'), 3);
  assert.equal((await local.dlq('fail'))[0]!.condition, 'RetriesExhausted');
  assert.equal(local.now().getTime(), T0 + 180_000);
});

test('objects and dead letters written to a state folder are there when it is opened again', async (t) => {
  // GIVEN a copy pipeline on a state folder that processed one good and one poison object
  const dir = tempDir(t);
  const pipe = pipeline('sd-reopen', [bucket('raw').to(fn('copy', { handler: fixture('copy-or-throw'), retryAttempts: 0 })).to(bucket('curated'))]);
  const first = await localPipeline(pipe, { stateDir: dir, startTime: T0 });
  await first.put('raw', 'good.txt', 'fine');
  await first.put('raw', 'poison.txt', 'bad');
  await first.settle();
  await first.close();
  // WHEN the same folder is opened again
  const second = await localPipeline(pipe, { stateDir: dir, startTime: T0 });
  t.after(() => second.close());
  // THEN the outputs and the DLQ entry are still there, and nothing ran again
  assert.equal(await second.text('curated', 'out/good.txt'), 'fine');
  assert.equal((await second.dlq('copy')).length, 1);
  await second.settle();
  assert.equal(invocations(second, 'copy'), 0);
});
