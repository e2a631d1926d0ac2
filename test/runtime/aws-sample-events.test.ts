/**
 * The step adapter (`invokeHandler`, shared by the local engine and the Lambda entry) fed the sample
 * events from the AWS documentation (test/fixtures/events/): each must become the inputs a component
 * expects, whichever way the data travelled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invokeHandler, type InvocationRequest, type ResolvedHandler } from '../../src/runtime/invoke.js';
import { recordingComponent, recordingIo, sampleEvent, stepBindings } from '../helpers/runtime.js';

const invoke = (handler: ResolvedHandler, event: unknown, extra: Partial<InvocationRequest> = {}) =>
  invokeHandler(handler, { event, requestId: 'req-1', deadline: Date.now() + 30_000, bindings: stepBindings(), io: recordingIo(), ...extra });

/** The SQS record of the documented sample, carrying `body` instead. */
function sqsEventWithBody(body: string): unknown {
  const event = sampleEvent('sqs-event');
  return { Records: [{ ...event.Records[0], body }] };
}

test('the documented S3 put event becomes one object input, versionId kept', async () => {
  // GIVEN a component, WHEN it gets the S3 user guide's PUT event
  const { handler, inputs } = recordingComponent();
  const outcome = await invoke(handler, sampleEvent('s3-put'));
  // THEN it received the object, and an S3 event has no per-record response
  assert.deepEqual(inputs, [{
    kind: 'object', bucket: 'mybucket', key: 'HappyFace.jpg', size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e',
    versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko', eventName: 'ObjectCreated:Put', eventTime: '1970-01-01T00:00:00.000Z', via: [],
  }]);
  assert.equal(outcome.response, null);
});

test("the Lambda tutorial's S3 test event has its encoded key decoded ('test%2Fkey' -> 'test/key')", async () => {
  const { handler, inputs } = recordingComponent();
  await invoke(handler, sampleEvent('s3-lambda-test-event'));
  assert.equal(inputs.length, 1);
  const input = inputs[0]!;
  assert.equal(input.kind, 'object');
  assert.equal(input.kind === 'object' && input.key, 'test/key');
  assert.equal(input.kind === 'object' && input.bucket, 'example-bucket');
  assert.ok(!('versionId' in input), 'no versionId when the event has none');
});

test('ctx.body reads the object through the node name the physical bucket name maps to', async () => {
  // GIVEN a component that reads the body, deployed with bucket 'mybucket' standing for node 'raw'
  const io = recordingIo();
  const bodies: string[] = [];
  const { handler } = recordingComponent(async (input, ctx) => void bodies.push(await ctx.text(input)));
  // WHEN it gets the documented S3 put event
  await invoke(handler, sampleEvent('s3-put'), { io, bindings: stepBindings({ readableBuckets: ['raw'] }), nodeNameOf: (name) => (name === 'mybucket' ? 'raw' : name) });
  // THEN it read raw/HappyFace.jpg
  assert.deepEqual(io.reads, [['raw', 'HappyFace.jpg']]);
  assert.deepEqual(bodies, ['raw/HappyFace.jpg']);
});

test('the documented SQS event becomes one message input per record', async () => {
  // GIVEN a component, WHEN it gets the Lambda guide's two-record SQS event
  const { handler, inputs } = recordingComponent();
  const outcome = await invoke(handler, sampleEvent('sqs-event'));
  // THEN each record is a message with its id, body, queue (from the ARN), receive count and send time
  assert.deepEqual(inputs, [
    { kind: 'message', id: '059f36b4-87a3-44ab-83d2-661975830a7d', body: 'test', attributes: {}, queue: 'my-queue', receiveCount: 1, sentAt: new Date(1545082649183).toISOString() },
    { kind: 'message', id: '2e1424d4-f796-459a-8184-9c92662be6da', body: 'test', attributes: {}, queue: 'my-queue', receiveCount: 1, sentAt: new Date(1545082650636).toISOString() },
  ]);
  // AND the response reports no failures (LSQS-08)
  assert.deepEqual(outcome.response, { batchItemFailures: [] });
});

test('a component failing one record of the documented SQS batch reports only that record', async () => {
  // GIVEN a component that fails for the second record and sends a message for the others
  const { handler } = recordingComponent(async (input, ctx) => {
    if (input.kind === 'message' && input.id.startsWith('2e14')) throw new Error('bad record');
    return ctx.message('done');
  });
  // WHEN it gets the documented SQS event
  const outcome = await invoke(handler, sampleEvent('sqs-event'), { bindings: stepBindings({ queues: [{ name: 'next', maxMessageSize: 1_048_576 }] }) });
  // THEN the response lists the second messageId (LSQS-07), and only the first record's output is kept
  assert.deepEqual(outcome.response, { batchItemFailures: [{ itemIdentifier: '2e1424d4-f796-459a-8184-9c92662be6da' }] });
  assert.deepEqual(outcome.failedRecords.map((f) => [f.recordId, (f.error as Error).message]), [['2e1424d4-f796-459a-8184-9c92662be6da', 'bad record']]);
  assert.deepEqual(outcome.outputs.map((o) => o.type === 'message' && [o.to, o.body]), [['next', 'done']]);
});

test('SQS message attributes in the Lambda event form become typed attributes', async () => {
  // GIVEN the documented SQS record carrying LSQS-05 message attributes, some without list fields
  const event = sampleEvent('sqs-event');
  event.Records = [{ ...event.Records[0], messageAttributes: {
    objectType: { stringValue: 'order', stringListValues: [], binaryListValues: [], dataType: 'String' },
    count: { stringValue: '3', dataType: 'Number' },
    blob: { binaryValue: 'AAEC', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    price: { stringValue: '9.5', dataType: 'Number.float' },
  } }];
  const { handler, inputs } = recordingComponent();
  await invoke(handler, event);
  // THEN the component sees them by type, custom labels folded into their base type (SQS-06)
  const input = inputs[0]!;
  assert.deepEqual(input.kind === 'message' && input.attributes, {
    objectType: { type: 'String', value: 'order' }, count: { type: 'Number', value: '3' }, blob: { type: 'Binary', value: 'AAEC' }, price: { type: 'Number', value: '9.5' },
  });
});

test('the documented SNS event becomes a message input with subject, topic and typed attributes', async () => {
  const { handler, inputs } = recordingComponent();
  const outcome = await invoke(handler, sampleEvent('sns-event'));
  assert.deepEqual(inputs, [{
    kind: 'message', id: '95df01b4-ee98-5cb9-9903-4c221d41eb5e', body: 'Hello from SNS!',
    attributes: { Test: { type: 'String', value: 'TestString' }, TestBinary: { type: 'Binary', value: 'TestBinary' } },
    subject: 'TestInvoke', topic: 'sns-lambda', sentAt: '2019-01-02T12:45:07.000Z',
  }]);
  assert.equal(outcome.response, null);
});

test('the documented scheduled event becomes a schedule input named after the rule', async () => {
  const { handler, inputs } = recordingComponent();
  await invoke(handler, sampleEvent('scheduled-event'));
  assert.deepEqual(inputs, [{ kind: 'schedule', schedule: 'my-schedule', time: '2019-03-01T01:23:45Z', detail: {} }]);
});

test('an EventBridge event that is not a schedule is refused with a clear error', async () => {
  const { handler, inputs } = recordingComponent();
  await assert.rejects(invoke(handler, sampleEvent('eventbridge-rds-event')), /the event is not an S3, SQS, SNS or scheduled event \(keys: version, id, detail-type, source/);
  assert.equal(inputs.length, 0);
});

test('an S3 event delivered through a queue (S3 -> SQS) becomes the object input', async () => {
  // GIVEN the documented SQS record whose body is the documented S3 put event
  const { handler, inputs } = recordingComponent();
  await invoke(handler, sqsEventWithBody(JSON.stringify(sampleEvent('s3-put'))));
  // THEN the component gets the object, noting the queue it came through
  assert.equal(inputs.length, 1);
  assert.deepEqual(inputs[0], { ...(await recordedS3Put()), via: ['my-queue'] });
});

test('an S3 event delivered through a topic and a queue (S3 -> SNS -> SQS) becomes the object input', async () => {
  // GIVEN the documented SNS notification, as SNS writes it into a queue (SNS-01), wrapping the S3 put event
  const sns = sampleEvent('sns-event').Records[0].Sns;
  const envelope = { Type: 'Notification', MessageId: sns.MessageId, TopicArn: sns.TopicArn, Subject: 'Amazon S3 Notification', Message: JSON.stringify(sampleEvent('s3-put')), Timestamp: sns.Timestamp, SignatureVersion: '1', Signature: sns.Signature, SigningCertURL: sns.SigningCertUrl, UnsubscribeURL: sns.UnsubscribeUrl };
  const { handler, inputs } = recordingComponent();
  await invoke(handler, sqsEventWithBody(JSON.stringify(envelope)));
  // THEN the component gets the object, noting the topic and then the queue
  assert.deepEqual(inputs, [{ ...(await recordedS3Put()), via: ['sns-lambda', 'my-queue'] }]);
});

test("S3's s3:TestEvent arriving through a queue is tolerated and gives the component nothing", async () => {
  // GIVEN the test message S3 sends when a notification configuration is saved (S3-07), in a queue
  const { handler, inputs } = recordingComponent();
  const outcome = await invoke(handler, sqsEventWithBody(JSON.stringify(sampleEvent('s3-test-event'))));
  // THEN the component is not called and the record succeeds
  assert.equal(inputs.length, 0);
  assert.deepEqual(outcome.response, { batchItemFailures: [] });
});

test('a wrapped SNS notification in a queue gives the component the published message and attributes', async () => {
  // GIVEN the documented SNS message as SNS delivers it to a queue without raw delivery
  const sns = sampleEvent('sns-event').Records[0].Sns;
  const envelope = { Type: 'Notification', MessageId: sns.MessageId, TopicArn: sns.TopicArn, Subject: sns.Subject, Message: sns.Message, Timestamp: sns.Timestamp, SignatureVersion: '1', Signature: sns.Signature, SigningCertURL: sns.SigningCertUrl, UnsubscribeURL: sns.UnsubscribeUrl, MessageAttributes: sns.MessageAttributes };
  const { handler, inputs } = recordingComponent();
  await invoke(handler, sqsEventWithBody(JSON.stringify(envelope)));
  // THEN the envelope is unwrapped: body, subject and attributes as published, topic and queue known
  assert.deepEqual(inputs, [{
    kind: 'message', id: sns.MessageId, body: 'Hello from SNS!', attributes: { Test: { type: 'String', value: 'TestString' }, TestBinary: { type: 'Binary', value: 'TestBinary' } },
    subject: 'TestInvoke', topic: 'sns-lambda', sentAt: '2019-01-02T12:45:07.000Z', queue: 'my-queue', receiveCount: 1,
  }]);
});

test('a plain Lambda handler gets the documented event unchanged and its return value is the response', async () => {
  // GIVEN a plain (event, context) handler reporting the first SQS record as failed
  const seen: unknown[] = [];
  const handler: ResolvedHandler = {
    kind: 'lambda',
    handler: async (event: any, context: any) => {
      seen.push({ event, functionName: context.functionName, requestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis() > 0 });
      return { batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] };
    },
  };
  // WHEN it gets the documented SQS event
  const event = sampleEvent('sqs-event');
  const outcome = await invoke(handler, event);
  // THEN it saw exactly that event and a Lambda-like context, and its response is passed on as is
  assert.deepEqual(seen, [{ event: sampleEvent('sqs-event'), functionName: 'step', requestId: 'req-1', remaining: true }]);
  assert.deepEqual(outcome.response, { batchItemFailures: [{ itemIdentifier: '059f36b4-87a3-44ab-83d2-661975830a7d' }] });
  assert.deepEqual(outcome.outputs, []);
});

/** The object input the documented S3 put event gives, without `via`. */
async function recordedS3Put() {
  const { handler, inputs } = recordingComponent();
  await invoke(handler, sampleEvent('s3-put'));
  return inputs[0]!;
}
