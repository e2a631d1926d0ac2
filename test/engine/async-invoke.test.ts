/**
 * Asynchronous invocation (bucket -> fn) on the local engine (docs/aws-semantics.md LA-02, LA-03, LA-07):
 * a failing event is attempted three times, about one and then two minutes apart, then lands in the
 * function's on-failure destination with the error and the original event.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline } from 'sluice';
import { fixture, invocations, startLocal } from '../helpers/local.js';

test('retries a failing async invocation after ~1 min and ~2 min, then moves it to the DLQ as RetriesExhausted', async (t) => {
  // GIVEN a bucket notifying a function that always throws
  const local = await startLocal(t, pipeline('async-retry', [bucket('raw').to(fn('fail', { handler: fixture('always-throws') }))]));
  // WHEN an object lands
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  // THEN it is attempted once, and not again before a minute has passed
  assert.equal(invocations(local, 'fail'), 1);
  await local.advance('59s');
  assert.equal(invocations(local, 'fail'), 1, 'no retry before ~1 minute');
  await local.advance('1s');
  assert.equal(invocations(local, 'fail'), 2, 'first retry after ~1 minute');
  await local.advance('119s');
  assert.equal(invocations(local, 'fail'), 2, 'no second retry before another ~2 minutes');
  assert.deepEqual(await local.dlq('fail'), [], 'not dead-lettered while retries remain');
  await local.advance('1s');
  assert.equal(invocations(local, 'fail'), 3, 'second retry after ~2 more minutes');
  // AND after the third failure the event is in the function's DLQ with the error and the original event
  const letters = await local.dlq('fail');
  assert.equal(letters.length, 1);
  const [letter] = letters;
  assert.equal(letter!.condition, 'RetriesExhausted');
  assert.equal(letter!.attempts, 3);
  assert.equal(letter!.error?.errorType, 'Error');
  assert.equal(letter!.error?.errorMessage, 'boom: the handler always fails');
  const event = letter!.event as any;
  assert.equal(event.Records[0].eventSource, 'aws:s3');
  assert.equal(event.Records[0].s3.object.key, 'a.txt');
  assert.deepEqual(JSON.parse(letter!.body), event);
  // AND nothing more happens, however long we wait
  await local.advance('1h');
  assert.equal(invocations(local, 'fail'), 3);
  assert.deepEqual(local.stats().fail, { ...local.stats().fail, invocations: 3, failures: 3, retries: 2, deadLettered: 1 });
});

test('settleAll() runs the retries of a failing async invocation on the engine clock until its failure destination has it, 3 minutes on', async (t) => {
  // GIVEN a bucket notifying a function that always throws, with the default 2 retries
  const local = await startLocal(t, pipeline('async-settle-all', [bucket('raw').to(fn('fail', { handler: fixture('always-throws') }))]));
  await local.put('raw', 'a.txt', 'x');
  // WHEN the test settles everything, waits included
  const movedMs = await local.settleAll();
  // THEN it was attempted 3 times (at 0, ~1 min and ~3 min) and is in the failure destination; the clock moved 3 minutes
  assert.equal(invocations(local, 'fail'), 3);
  assert.equal((await local.dlq('fail'))[0]?.condition, 'RetriesExhausted');
  assert.equal(movedMs, 180_000);
});

test('a poison object does not hold up the rest of the pipeline', async (t) => {
  // GIVEN a copy step that fails for keys containing 'poison'
  const local = await startLocal(t, pipeline('async-poison', [bucket('raw').to(fn('copy', { handler: fixture('copy-or-throw') })).to(bucket('curated'))]));
  // WHEN a poison object and a good one land together
  await local.put('raw', 'poison.txt', 'bad');
  await local.put('raw', 'good.txt', 'fine');
  await local.settle();
  // THEN the good one is copied at once
  assert.equal(await local.text('curated', 'out/good.txt'), 'fine');
  // AND after the retries the poison one is dead-lettered, naming the cause, and never written
  await local.advance('3m');
  const letters = await local.dlq('copy');
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.error?.errorMessage, "cannot process 'poison.txt'");
  assert.equal((letters[0]!.event as any).Records[0].s3.object.key, 'poison.txt');
  assert.deepEqual(await local.list('curated'), ['out/good.txt']);
  // AND a good object put later is still processed
  await local.put('raw', 'later.txt', 'still fine');
  await local.settle();
  assert.equal(await local.text('curated', 'out/later.txt'), 'still fine');
});

test('retryAttempts: 0 sends a failed event straight to the DLQ after one attempt', async (t) => {
  // GIVEN a failing function that allows no retries
  const local = await startLocal(t, pipeline('async-no-retry', [bucket('raw').to(fn('fail', { handler: fixture('always-throws'), retryAttempts: 0 }))]));
  // WHEN an object lands
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  // THEN it was attempted once and is already in the DLQ
  assert.equal(invocations(local, 'fail'), 1);
  const letters = await local.dlq('fail');
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.condition, 'RetriesExhausted');
  assert.equal(letters[0]!.attempts, 1);
  await local.advance('10m');
  assert.equal(invocations(local, 'fail'), 1);
});

test('an event older than maxEventAge is dropped to the DLQ as EventAgeExceeded without another attempt', async (t) => {
  // GIVEN a failing function whose events expire after 90 s
  const local = await startLocal(t, pipeline('async-age', [bucket('raw').to(fn('fail', { handler: fixture('always-throws'), maxEventAge: 90 }))]));
  // WHEN an object lands and the clock runs past both retry times
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  await local.advance('1m');
  assert.equal(invocations(local, 'fail'), 2, 'the retry at 60 s is within the 90 s age');
  await local.advance('2m');
  // THEN the second retry (at 180 s) is not attempted: the event is recorded as EventAgeExceeded (LA-03)
  assert.equal(invocations(local, 'fail'), 2);
  const letters = await local.dlq('fail');
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.condition, 'EventAgeExceeded');
  assert.equal(letters[0]!.attempts, 2, 'approximateInvokeCount counts invocations, not receives');
});
