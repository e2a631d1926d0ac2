/**
 * Queues consumed by functions on the local engine (docs/aws-semantics.md SQS-*, LSQS-*): batches, partial
 * batch failure, visibility timeout, receive count and redrive to the DLQ, delays and size limits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bucket, fn, pipeline, queue, type QueueProps } from 'sluice';
import { fixture, invocations, startLocal, T0 } from '../helpers/local.js';
import { eventsOf, received } from '../fixtures/handlers/raw-recorder.js';

/** in -> split (emits the messages in the object) -> work -> worker (copy-or-throw) -> out. */
function splitAndWork(name: string, options: { batchSize?: number; queue?: QueueProps } = {}) {
  const split = fn('split', { handler: fixture('emit') });
  const work = queue('work', options.queue);
  const worker = fn('worker', { handler: fixture('copy-or-throw'), timeout: 5 });
  return pipeline(name, [bucket('in').to(split).to(work).to(worker, options.batchSize ? { batchSize: options.batchSize } : {}).to(bucket('out'))]);
}

const plan = (...bodies: string[]) => JSON.stringify({ messages: bodies.map((body) => ({ body })) });

/** queue 'q' consumed by the raw sqs-responder, one message per batch unless said otherwise. */
function responderPipeline(name: string, batchSize = 1) {
  return pipeline(name, [queue('q').to(fn('responder', { handler: fixture('sqs-responder'), timeout: 5 }), { batchSize })]);
}

test('a function consumes a queue in batches of at most batchSize', async (t) => {
  // GIVEN a producer sending 7 messages to a queue consumed with batchSize 3
  const local = await startLocal(t, splitAndWork('q-batches', { batchSize: 3 }));
  // WHEN the producer runs
  await local.put('in', 'plan.json', plan('m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'));
  await local.settle();
  // THEN every message was processed, in three invocations of 3, 3 and 1 messages
  assert.deepEqual(await local.list('out'), ['out/m1', 'out/m2', 'out/m3', 'out/m4', 'out/m5', 'out/m6', 'out/m7']);
  const requestOf = await Promise.all((await local.list('out')).map((k) => local.text('out', k)));
  const sizes = [...new Set(requestOf)].map((id) => requestOf.filter((r) => r === id).length).sort();
  assert.deepEqual(sizes, [1, 3, 3]);
  assert.equal(invocations(local, 'worker'), 3);
  assert.deepEqual(await local.messages('work'), [], 'processed messages are deleted');
});

test('moves a message to the DLQ after 3 failed receives, while the rest of its batch succeeds', async (t) => {
  // GIVEN a batch of four messages, one of which always fails
  const local = await startLocal(t, splitAndWork('q-partial', { batchSize: 10 }));
  await local.put('in', 'plan.json', plan('a', 'poison', 'b', 'c'));
  // WHEN the batch is processed
  await local.settle();
  // THEN the others are deleted and their outputs written; only the failed one stays (LSQS-07)
  assert.deepEqual(await local.list('out'), ['out/a', 'out/b', 'out/c']);
  assert.deepEqual((await local.messages('work')).map((m) => m.body), ['poison']);
  assert.equal(invocations(local, 'worker'), 1);
  // AND it is received again each time its visibility timeout (30 s) expires, alone
  await local.advance('30s');
  assert.equal(invocations(local, 'worker'), 2);
  await local.advance('30s');
  assert.equal(invocations(local, 'worker'), 3);
  assert.deepEqual(await local.dlq('work'), [], 'received 3 times: not yet moved');
  // AND the receive that would be its 4th moves it to the DLQ instead (SQS-21)
  await local.advance('30s');
  assert.equal(invocations(local, 'worker'), 3);
  const letters = await local.dlq('work');
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.body, 'poison');
  assert.equal(letters[0]!.attempts, 3);
  assert.deepEqual(await local.messages('work'), []);
  assert.deepEqual(await local.list('out'), ['out/a', 'out/b', 'out/c'], 'outputs written once, never duplicated');
});

test("counts a message its queue moves to the DLQ in the queue's stats().deadLettered", async (t) => {
  // GIVEN a poison message in a queue whose consumer always fails it
  const local = await startLocal(t, splitAndWork('q-dead-stats'));
  await local.send('work', 'poison');
  await local.settle();
  assert.equal(local.stats().work!.deadLettered, 0);
  // WHEN its receives run out and the next receive moves it to the DLQ
  await local.advance('90s');
  // THEN the queue counts it, as its DLQ holds it, and the consumer counts none (it never saw the move)
  assert.equal((await local.dlq('work')).length, 1);
  assert.equal(local.stats().work!.deadLettered, 1);
  assert.equal(local.stats().worker!.deadLettered, 0);
});

test("settleAll() runs a poison message's receives on the engine clock until its DLQ has it: maxReceiveCount x the visibility timeout", async (t) => {
  // GIVEN a queue with the default maxReceiveCount (3) whose consumer (timeout 5 s, so visibility 6 x 5 = 30 s) fails one message
  const local = await startLocal(t, splitAndWork('q-settle-all'));
  await local.send('work', 'poison');
  await local.send('work', 'fine');
  // WHEN the test settles everything, waits included
  const movedMs = await local.settleAll();
  // THEN the good message is processed, the poison one is in the DLQ after 3 receives, and the clock moved 3 x 30 s
  assert.deepEqual(await local.list('out'), ['out/fine']);
  assert.deepEqual((await local.dlq('work')).map((l) => [l.body, l.attempts]), [['poison', 3]]);
  assert.deepEqual(await local.messages('work'), []);
  assert.equal(movedMs, 3 * 30_000);
  assert.equal(local.now().getTime(), T0 + 90_000);
});

test('maxReceiveCount sets how many receives a message gets before the DLQ', async (t) => {
  // GIVEN a queue allowing 5 receives
  const local = await startLocal(t, splitAndWork('q-receive-count', { queue: { maxReceiveCount: 5 } }));
  // WHEN a poison message is sent and the clock runs well past every visibility timeout
  await local.send('work', 'poison');
  await local.settle();
  await local.advance('10m');
  // THEN it was received exactly 5 times before moving
  assert.equal(invocations(local, 'worker'), 5);
  assert.equal((await local.dlq('work'))[0]!.attempts, 5);
});

test('a failed message is not redelivered before the visibility timeout expires', async (t) => {
  // GIVEN a queue with a 2 minute visibility timeout
  const local = await startLocal(t, splitAndWork('q-visibility', { queue: { visibilityTimeout: '2m' } }));
  // WHEN a message fails
  await local.send('work', 'poison');
  await local.settle();
  assert.equal(invocations(local, 'worker'), 1);
  // THEN it stays invisible for the whole timeout (SQS-11)
  await local.advance('119s');
  assert.equal(invocations(local, 'worker'), 1);
  // AND is received again as soon as the timeout expires
  await local.advance('1s');
  assert.equal(invocations(local, 'worker'), 2);
});

test('a Lambda SQS event record has the documented shape, and a redelivery a new receipt and a higher count', async (t) => {
  // GIVEN a raw Lambda handler consuming a queue
  received.length = 0;
  const local = await startLocal(t, pipeline('q-record', [queue('work').to(fn('rec', { handler: fixture('raw-recorder'), timeout: 5 }))]));
  // WHEN a message with attributes is sent and fails once
  await local.send('work', 'fail', { objectType: 'order', count: 3 });
  await local.settle();
  await local.advance('30s');
  // THEN the record carries every LSQS-05 field, all attribute values strings
  const [first, second] = eventsOf('rec').map((e) => e.Records[0]);
  assert.equal(first.body, 'fail');
  assert.equal(typeof first.messageId, 'string');
  assert.equal(first.eventSource, 'aws:sqs');
  assert.match(first.eventSourceARN, /^arn:aws:sqs:[a-z0-9-]+:\d{12}:work$/);
  assert.equal(typeof first.awsRegion, 'string');
  assert.equal(first.md5OfBody, createHash('md5').update('fail').digest('hex'));
  assert.equal(typeof first.md5OfMessageAttributes, 'string');
  assert.deepEqual(first.attributes, {
    ApproximateReceiveCount: '1', SentTimestamp: String(T0), SenderId: first.attributes.SenderId, ApproximateFirstReceiveTimestamp: String(T0),
  });
  assert.deepEqual(first.messageAttributes, {
    objectType: { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' },
    count: { stringValue: '3', stringListValues: [], binaryListValues: [], dataType: 'Number' },
  });
  // AND the redelivery is the same message, received a second time with a new receipt handle (SQS-03, SQS-20)
  assert.equal(second.messageId, first.messageId);
  assert.equal(second.attributes.ApproximateReceiveCount, '2');
  assert.equal(second.attributes.ApproximateFirstReceiveTimestamp, String(T0));
  assert.notEqual(second.receiptHandle, first.receiptHandle);
});

const successForms: Array<[string, unknown]> = [
  ['an empty batchItemFailures list', { respond: { batchItemFailures: [] } }],
  ['a null batchItemFailures list', { respond: { batchItemFailures: null } }],
  ['an empty response object', { respond: {} }],
  ['a null response', { respond: null }],
  ['no response at all', {}],
];
for (const [form, body] of successForms) {
  test(`LSQS-08: ${form} counts as complete success and deletes the batch`, async (t) => {
    // GIVEN a raw handler that returns ${form}
    const local = await startLocal(t, responderPipeline('q-success'));
    // WHEN it processes a message
    await local.send('q', body as object);
    await local.settle();
    await local.advance('5m');
    // THEN the message was deleted after one invocation and never retried
    assert.equal(invocations(local, 'responder'), 1);
    assert.deepEqual(await local.messages('q'), []);
    assert.deepEqual(await local.dlq('q'), []);
  });
}

const failureForms: Array<[string, unknown]> = [
  ['the function throwing', { throw: 'handler failed' }],
  ['an empty-string itemIdentifier', { respond: { batchItemFailures: [{ itemIdentifier: '' }] } }],
  ['a null itemIdentifier', { respond: { batchItemFailures: [{ itemIdentifier: null }] } }],
  ['an itemIdentifier under the wrong key name', { respond: { batchItemFailures: [{ ItemIdentifier: '$self' }] } }],
  ['an itemIdentifier not in the batch', { respond: { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] } }],
  ['a batchItemFailures that is not a list (invalid response)', { respond: { batchItemFailures: 'everything' } }],
];
for (const [form, body] of failureForms) {
  test(`LSQS-09: ${form} fails the batch, which returns after the visibility timeout`, async (t) => {
    // GIVEN a raw handler whose response is ${form}
    const local = await startLocal(t, responderPipeline('q-failure'));
    // WHEN it processes a message
    await local.send('q', body as object);
    await local.settle();
    // THEN the message is kept, invisible, and received again after 30 s
    assert.equal(invocations(local, 'responder'), 1);
    assert.equal((await local.messages('q')).length, 1);
    await local.advance('29s');
    assert.equal(invocations(local, 'responder'), 1);
    await local.advance('1s');
    assert.equal(invocations(local, 'responder'), 2);
  });
}

test('an invalid batch response retries every message of the batch, not just one', async (t) => {
  // GIVEN a batch of three where the first record's response names a message not in the batch
  const local = await startLocal(t, responderPipeline('q-invalid-batch', 10));
  await local.send('q', { respond: { batchItemFailures: [{ itemIdentifier: 'elsewhere' }] } });
  await local.send('q', {});
  await local.send('q', {});
  // WHEN the batch is processed
  await local.settle();
  // THEN all three stay in the queue (LSQS-09: complete failure)
  assert.equal(invocations(local, 'responder'), 1);
  assert.equal((await local.messages('q')).length, 3);
});

test('a raw handler reporting one failed record gets only that record again', async (t) => {
  // GIVEN a batch of three where the handler reports the middle one failed
  const local = await startLocal(t, responderPipeline('q-raw-partial', 10));
  await local.send('q', { n: 1 });
  await local.send('q', { n: 2, failMe: true });
  await local.send('q', { n: 3 });
  // WHEN the batch is processed
  await local.settle();
  // THEN the other two are deleted and the failed one alone is redelivered
  assert.deepEqual((await local.messages('q')).map((m) => JSON.parse(m.body).n), [2]);
  await local.advance('30s');
  assert.equal(invocations(local, 'responder'), 2);
});

test('a queue delay hides new messages until it has passed', async (t) => {
  // GIVEN a queue with a 10 s delay
  const local = await startLocal(t, splitAndWork('q-delay', { queue: { delay: '10s' } }));
  // WHEN a message is sent
  await local.send('work', 'late');
  await local.settle();
  // THEN it is not received until 10 s later (SQS-30, SQS-32)
  await local.advance('9s');
  assert.equal(invocations(local, 'worker'), 0);
  await local.advance('1s');
  assert.deepEqual(await local.list('out'), ['out/late']);
});

test('a message delaySeconds overrides the queue delay, in both directions', async (t) => {
  // GIVEN a queue with a 10 s delay and a producer setting per-message delays
  const local = await startLocal(t, splitAndWork('q-message-delay', { queue: { delay: '10s' } }));
  await local.put('in', 'plan.json', JSON.stringify({
    messages: [{ body: 'now', delaySeconds: 0 }, { body: 'default' }, { body: 'later', delaySeconds: 25 }],
  }));
  // WHEN the producer runs
  await local.settle();
  // THEN delaySeconds 0 is received at once, the others after their own delay (SQS-30)
  assert.deepEqual(await local.list('out'), ['out/now']);
  await local.advance('10s');
  assert.deepEqual(await local.list('out'), ['out/default', 'out/now']);
  await local.advance('14s');
  assert.deepEqual(await local.list('out'), ['out/default', 'out/now']);
  await local.advance('1s');
  assert.deepEqual(await local.list('out'), ['out/default', 'out/later', 'out/now']);
});

test('a message over the queue maxMessageSize fails the producing step and nothing is half-written', async (t) => {
  // GIVEN a producer writing an object and a 2,000-byte message to a queue that takes at most 1,024
  const split = fn('split', { handler: fixture('emit') });
  const pipe = pipeline('q-size', [bucket('in').to(split).to(queue('work', { maxMessageSize: 1024 })), split.to(bucket('staging'))]);
  const local = await startLocal(t, pipe);
  // WHEN the producer runs, and its retries run out
  await local.put('in', 'plan.json', JSON.stringify({ objects: [{ key: 'partial.txt', body: 'x' }], messages: [{ body: 'x'.repeat(2000) }] }));
  await local.settle();
  await local.advance('3m');
  // THEN the input is dead-lettered with an error naming the size, the limit and the queue
  const letters = await local.dlq('split');
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.attempts, 3);
  assert.equal(letters[0]!.error?.code, 'SLUICE_E_MESSAGE_TOO_LARGE');
  assert.match(letters[0]!.error!.errorMessage, /2000 bytes exceeds the 1024-byte limit of queue 'work'/);
  // AND neither the object nor the message was written
  assert.deepEqual(await local.list('staging'), []);
  assert.deepEqual(await local.messages('work'), []);
});

test('message attributes count toward the queue size limit', async (t) => {
  // GIVEN a 1,000-byte body, under the 1,024-byte limit, with a 40-byte attribute
  const split = fn('split', { handler: fixture('emit') });
  const local = await startLocal(t, pipeline('q-size-attrs', [bucket('in').to(split).to(queue('work', { maxMessageSize: 1024 }))]));
  await local.put('in', 'plan.json', JSON.stringify({ messages: [{ body: 'x'.repeat(1000), attributes: { objectType: 'y'.repeat(30) } }] }));
  // WHEN the producer runs
  await local.settle();
  // THEN body plus attribute name, type and value exceed the limit (SQS-08)
  assert.equal(local.stats().split!.lastError?.code, 'SLUICE_E_MESSAGE_TOO_LARGE');
  assert.deepEqual(await local.messages('work'), []);
});

test('with maxBatchingWindow a batch waits until it is full or the window has passed', async (t) => {
  // GIVEN a consumer with a 20 s batching window and batchSize 10
  const pipe = pipeline('q-window', [queue('work').to(fn('worker', { handler: fixture('copy-or-throw'), timeout: 5 }), { batchSize: 10, maxBatchingWindow: '20s' }).to(bucket('out'))]);
  const windowed = await startLocal(t, pipe);
  // WHEN three messages arrive 5 s apart
  await windowed.send('work', 'a');
  await windowed.advance('5s');
  await windowed.send('work', 'b');
  await windowed.advance('5s');
  await windowed.send('work', 'c');
  await windowed.settle();
  // THEN nothing is delivered before the window closes, then all three in one invocation
  assert.equal(invocations(windowed, 'worker'), 0);
  await windowed.advance('10s');
  assert.equal(invocations(windowed, 'worker'), 1);
  assert.deepEqual(await windowed.list('out'), ['out/a', 'out/b', 'out/c']);
});

test('a message with more than 10 attributes fails the sending step with a coded error', async (t) => {
  // GIVEN a producer sending a message with 11 attributes to a queue, no retries
  const split = fn('split', { handler: fixture('emit'), retryAttempts: 0 });
  const local = await startLocal(t, pipeline('q-attr-count', [bucket('in').to(split).to(queue('work'))]));
  await local.put('in', 'plan.json', JSON.stringify({ messages: [{ body: 'x', attributes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, 'v'])) }] }));
  // WHEN it runs
  await local.settle();
  // THEN SQS's 10-attribute limit fails it (SQS-06), with the error code kept for callers to branch on
  const [letter] = await local.dlq('split');
  assert.equal(letter!.error?.code, 'SLUICE_E_MESSAGE_ATTRIBUTES');
  assert.match(letter!.error!.errorMessage, /queue 'work': a message can carry at most 10 attributes \(given 11/);
  assert.deepEqual(await local.messages('work'), []);
});
