/**
 * Worker isolation (`isolation: 'worker'`): each function runs in worker threads, as Lambda runs it in
 * a sandbox. A handler past its timeout is killed, one past its memory fails, and concurrency caps
 * how many invocations overlap. These run real threads and real time, so they are few.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, table } from 'sluice';
import { fixture, startLocal, tempDir } from '../helpers/local.js';

test('a handler that runs past its timeout is killed and its invocation fails as Lambda reports it', async (t) => {
  // GIVEN a 1 s function in a worker, with no retries
  const pipe = pipeline('w-timeout', [bucket('raw').to(fn('spin', { handler: fixture('spin-or-copy'), timeout: 1, retryAttempts: 0 })).to(bucket('out'))]);
  const local = await startLocal(t, pipe, { isolation: 'worker', stateDir: tempDir(t) });
  // WHEN it loops forever on one object
  const started = performance.now();
  await local.put('raw', 'spin.txt', 'x');
  await local.settle();
  // THEN the invocation ends after about a second with Lambda's timeout error
  assert.ok(performance.now() - started < 5_000, 'the worker was terminated, not waited for');
  const [letter] = await local.dlq('spin');
  assert.equal(letter!.error?.errorMessage, 'Task timed out after 1.00 seconds');
  // AND the function still works for the next object, in a fresh worker
  await local.put('raw', 'ok.txt', 'fine');
  await local.settle();
  assert.equal(await local.text('out', 'out/ok.txt'), 'fine');
});

test('a handler that allocates past its memory fails with an out-of-memory error and the pipeline keeps working', async (t) => {
  // GIVEN a 128 MB function in a worker, with no retries
  const pipe = pipeline('w-memory', [bucket('raw').to(fn('hog', { handler: fixture('hog-or-copy'), memory: 128, retryAttempts: 0 })).to(bucket('out'))]);
  const local = await startLocal(t, pipe, { isolation: 'worker', stateDir: tempDir(t) });
  // WHEN it allocates without bound
  await local.put('raw', 'hog.txt', 'x');
  await local.settle();
  // THEN the invocation fails with an out-of-memory error naming the limit
  const [letter] = await local.dlq('hog');
  assert.equal(letter!.error?.errorType, 'Runtime.OutOfMemory');
  assert.match(letter!.error!.errorMessage, /ran out of memory: its limit is 128 MB/);
  // AND the next object is processed normally
  await local.put('raw', 'ok.txt', 'fine');
  await local.settle();
  assert.equal(await local.text('out', 'out/ok.txt'), 'fine');
});

test('a handler that holds more Buffers than its memory fails as Lambda fails it, though its heap stays small', async (t) => {
  // GIVEN a 128 MB function in a worker, with no retries
  const pipe = pipeline('w-buffers', [bucket('raw').to(fn('hog', { handler: fixture('hog-or-copy'), memory: 128, retryAttempts: 0 })).to(bucket('out'))]);
  const local = await startLocal(t, pipe, { isolation: 'worker', stateDir: tempDir(t) });
  // WHEN it holds 1 GB of Buffers across an await
  await local.put('raw', 'buffer-hog.txt', 'x');
  await local.settle();
  // THEN the invocation fails with an out-of-memory error naming the limit and what it used, and wrote nothing
  const [letter] = await local.dlq('hog');
  assert.equal(letter!.error?.errorType, 'Runtime.OutOfMemory', JSON.stringify(letter));
  assert.match(letter!.error!.errorMessage, /ran out of memory: its limit is 128 MB \(it used \d+ MB of heap and buffers\)/);
  assert.equal(await local.exists('out', 'out/buffer-hog.txt'), false);
  // AND the next object is processed normally, by a fresh worker
  await local.put('raw', 'ok.txt', 'fine');
  await local.settle();
  assert.equal(await local.text('out', 'out/ok.txt'), 'fine');
});

/** Runs 3 slow invocations of a function with this concurrency; returns their [start, end] times in start order. */
async function runThree(t: TestContext, concurrency: number): Promise<Array<[number, number]>> {
  const runs = table('runs', { partitionKey: 'id' });
  const pipe = pipeline('w-concurrency', [bucket('raw').to(fn('slow', { handler: fixture('slow-recorder'), concurrency }).writes(runs))]);
  const local = await startLocal(t, pipe, { isolation: 'worker', stateDir: tempDir(t) });
  for (const key of ['a', 'b', 'c']) await local.put('raw', key, 'x');
  await local.settle();
  return local.table('runs').scan().map((r) => [r.start as number, r.end as number] as [number, number]).sort((x, y) => x[0] - y[0]);
}

test('with concurrency 1 no two invocations of a function overlap', async (t) => {
  // GIVEN a function limited to one invocation at a time, WHEN three objects land together
  const spans = await runThree(t, 1);
  // THEN each invocation started after the previous one ended
  assert.equal(spans.length, 3);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], `run ${i} started before run ${i - 1} ended: ${JSON.stringify(spans)}`);
});

test('with concurrency 3 the same invocations do overlap (the check above can fail)', async (t) => {
  const spans = await runThree(t, 3);
  assert.equal(spans.length, 3);
  assert.ok(spans.some((span, i) => i > 0 && span[0] < spans[i - 1]![1]), `expected overlap: ${JSON.stringify(spans)}`);
});
