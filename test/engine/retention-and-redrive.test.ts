/**
 * How long messages live (docs/aws-semantics.md SQS-25, SQS-33) and what redrive does: a queue's retention
 * drops old messages whether or not anyone consumes them, a DLQ keeps the original enqueue time, and
 * `redrive()` gives dead letters a fresh start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue } from 'sluice';
import { fixture, invocations, startLocal } from '../helpers/local.js';

const worker = () => fn('worker', { handler: fixture('copy-or-throw'), timeout: 5 });

test('a message past its queue retention is deleted, neither delivered again nor dead-lettered', async (t) => {
  // GIVEN a queue keeping messages 60 s, whose consumer fails
  const local = await startLocal(t, pipeline('r-retention', [queue('work', { retention: 60 }).to(worker())]));
  // WHEN a message fails, and would be received at 0 s, 30 s and 60 s
  await local.send('work', 'poison');
  await local.settle();
  await local.advance('10m');
  // THEN the receive at 60 s finds it expired: two invocations, and it is gone (SQS-33)
  assert.equal(invocations(local, 'worker'), 2);
  assert.deepEqual(await local.messages('work'), []);
  assert.deepEqual(await local.dlq('work'), []);
});

test('a message nobody consumes disappears once the default 4-day retention has passed', async (t) => {
  // GIVEN a queue with no consumer holding one message
  const local = await startLocal(t, pipeline('r-idle', [queue('idle')]));
  await local.send('idle', 'x');
  // WHEN almost 4 days pass, then the rest
  await local.advance('5759m');
  assert.equal((await local.messages('idle')).length, 1);
  await local.advance('1m');
  // THEN it is gone (SQS-33: 345,600 s by default)
  assert.deepEqual(await local.messages('idle'), []);
});

test("a dead-lettered message keeps its original enqueue time, so it expires 14 days after it was sent", async (t) => {
  // GIVEN a message that reaches the DLQ 90 s after it was sent
  const local = await startLocal(t, pipeline('r-dlq-age', [queue('work').to(worker())]));
  await local.send('work', 'poison');
  await local.settle();
  await local.advance('90s');
  assert.equal((await local.dlq('work')).length, 1);
  // WHEN 14 days from the original send pass
  await local.advance(14 * 86_400 - 91);
  assert.equal((await local.dlq('work')).length, 1, 'still there 1 s before 14 days after the send');
  await local.advance('1s');
  // THEN it has expired, counted from the send, not from the move (SQS-25)
  assert.deepEqual(await local.dlq('work'), []);
});

test("redrive() moves a queue's dead letters back, and each gets maxReceiveCount fresh receives", async (t) => {
  // GIVEN a poison message in the DLQ after 3 receives
  const local = await startLocal(t, pipeline('r-redrive-queue', [queue('work').to(worker()).to(bucket('out'))]));
  await local.send('work', 'poison');
  await local.settle();
  await local.advance('90s');
  assert.equal(invocations(local, 'worker'), 3);
  // WHEN it is redriven
  assert.equal(await local.redrive('work'), 1);
  // THEN it is back in the queue and out of the DLQ
  assert.deepEqual((await local.messages('work')).map((m) => m.body), ['poison']);
  assert.deepEqual(await local.dlq('work'), []);
  // AND it is received three more times before returning to the DLQ
  await local.settle();
  await local.advance('90s');
  assert.equal(invocations(local, 'worker'), 6);
  const [letter] = await local.dlq('work');
  assert.equal(letter!.attempts, 3);
});

test("redrive() of a function's DLQ invokes it again with the original event and fresh retries", async (t) => {
  // GIVEN an S3 event dead-lettered after three failed attempts
  const local = await startLocal(t, pipeline('r-redrive-fn', [bucket('raw').to(fn('fail', { handler: fixture('always-throws') }))]));
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  await local.advance('3m');
  const [before] = await local.dlq('fail');
  // WHEN it is redriven
  assert.equal(await local.redrive('fail'), 1);
  await local.settle();
  // THEN the function runs again at once, and after its retries the same event is back in the DLQ
  assert.equal(invocations(local, 'fail'), 4);
  assert.deepEqual(await local.dlq('fail'), []);
  await local.advance('3m');
  const [after] = await local.dlq('fail');
  assert.equal(invocations(local, 'fail'), 6);
  assert.equal(after!.attempts, 3);
  assert.deepEqual(after!.event, before!.event);
});
