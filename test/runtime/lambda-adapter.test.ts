/**
 * The Lambda entry (`lambdaHandler`) against moto_server: the same handler files the local engine runs
 * read and write real S3, SQS, SNS and DynamoDB APIs when deployed, from AWS-shaped events.
 * moto gaps met here: none (moto does not run the Lambda itself, so the handler is called in process).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { lambdaHandler } from '../../src/runtime/aws/lambda.js';
import { objectCreatedEvent, sequencerFor } from '../../src/model/s3-event.js';
import { motoUnavailable, type Moto } from '../helpers/moto.js';
import { captureOutput, startTestAws, type OutputCapture } from './aws-helpers.js';
import * as copyModule from '../../examples/three-node-copy/handlers/copy.js';
import * as copyOrThrow from '../fixtures/handlers/copy-or-throw.js';
import * as recordAndAnnounce from '../fixtures/aws/record-and-announce.js';

const skip = motoUnavailable();
let moto: Moto;
let s3: S3Client, sqs: SQSClient, sns: SNSClient, dynamo: DynamoDBClient;
// Powertools' heartbeat and timing lines, kept out of the test report (aws-components.test.ts checks them).
let output: OutputCapture;
const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 };

before(async () => {
  output = captureOutput();
  if (skip) return;
  ({ moto, s3, sqs, sns, dynamo } = await startTestAws());
});
after(async () => {
  output.restore();
  await moto?.stop();
});

/** The environment synth gives a function, for physical names `p-dev-<node>`. */
function env(node: string, bindings: Record<string, unknown>): NodeJS.ProcessEnv {
  return { ...process.env, SLUICE_PIPELINE: 'p', SLUICE_STAGE: 'dev', SLUICE_NODE: node, SLUICE_BINDINGS: JSON.stringify(bindings) };
}

const s3Event = (bucket: string, key: string, size: number) =>
  objectCreatedEvent({ bucket, key, size, eTag: 'e', sequencer: sequencerFor(1), eventTime: new Date(), configurationId: 'raw-to-copy' });

test('a component copies an S3 object between real buckets, keys with spaces included', { skip }, async () => {
  // GIVEN the deployed buckets of raw -> copy -> curated, and an object in raw
  for (const b of ['p-dev-raw', 'p-dev-curated']) await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new PutObjectCommand({ Bucket: 'p-dev-raw', Key: 'reports/q3 summary.txt', Body: 'quarterly' }));
  const handler = lambdaHandler(copyModule, { env: env('copy', { raw: { kind: 'bucket', name: 'p-dev-raw', uses: ['read'] }, curated: { kind: 'bucket', name: 'p-dev-curated', uses: ['write'] } }) });
  // WHEN Lambda invokes it with the S3 event (key form-encoded, as S3 sends it)
  const response = await handler(s3Event('p-dev-raw', 'reports/q3 summary.txt', 9), context);
  // THEN the object is in curated under the decoded key
  const out = await s3.send(new GetObjectCommand({ Bucket: 'p-dev-curated', Key: 'reports/q3 summary.txt' }));
  assert.equal(await out.Body!.transformToString(), 'quarterly');
  assert.equal(response, undefined);
});

test('an SQS batch reports only the failing record in batchItemFailures and writes the rest', { skip }, async () => {
  // GIVEN a bucket the step writes to
  await s3.send(new CreateBucketCommand({ Bucket: 'p-dev-out' }));
  const handler = lambdaHandler(copyOrThrow, { env: env('worker', { work: { kind: 'queue', name: 'p-dev-work', uses: ['consume'], url: 'https://sqs.us-east-1.amazonaws.com/123456789012/p-dev-work' }, out: { kind: 'bucket', name: 'p-dev-out', uses: ['write'] } }) });
  const record = (id: string, body: string) => ({
    messageId: id, receiptHandle: `r-${id}`, body, attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1700000000000' },
    messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:p-dev-work', awsRegion: 'us-east-1',
  });
  // WHEN a batch of three with one poison message arrives
  const response = await handler({ Records: [record('m1', 'a'), record('m2', 'poison'), record('m3', 'c')] }, context);
  // THEN only the poison message is reported, and the others' outputs were written
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: 'm2' }] });
  for (const key of ['out/a', 'out/c']) {
    const out = await s3.send(new GetObjectCommand({ Bucket: 'p-dev-out', Key: key }));
    assert.equal(await out.Body!.transformToString(), 'req-1');
  }
});

test('writes a table item and publishes to a topic whose queue subscription gets the SNS envelope', { skip }, async () => {
  // GIVEN a table, a topic with a subscribed queue, and a bucket the step reads
  await dynamo.send(new CreateTableCommand({ TableName: 'p-dev-seen', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'p-dev-events' }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'p-dev-audit' }));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn;
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn }));
  await s3.send(new CreateBucketCommand({ Bucket: 'p-dev-landing' }));
  const handler = lambdaHandler(recordAndAnnounce, {
    env: env('record', {
      landing: { kind: 'bucket', name: 'p-dev-landing', uses: ['read'] },
      seen: { kind: 'table', name: 'p-dev-seen', uses: ['write'], partitionKey: 'id' },
      events: { kind: 'topic', name: 'p-dev-events', uses: ['publish'], arn: TopicArn, maxMessageSize: 262144 },
    }),
  });
  // WHEN an object lands
  await handler(s3Event('p-dev-landing', 'orders.csv', 42), context);
  // THEN the table holds its item
  const item = await dynamo.send(new GetItemCommand({ TableName: 'p-dev-seen', Key: { id: { S: 'orders.csv' } } }));
  assert.equal(item.Item?.size?.N, '42');
  // AND the subscribed queue got the SNS notification with the attributes, String.Array kept
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  const envelope = JSON.parse(Messages![0]!.Body!);
  assert.equal(envelope.Type, 'Notification');
  assert.deepEqual(JSON.parse(envelope.Message), { key: 'orders.csv' });
  assert.deepEqual(envelope.MessageAttributes.objectType, { Type: 'String', Value: 'update-notification' });
  assert.deepEqual(envelope.MessageAttributes.tags, { Type: 'String.Array', Value: '["a","b"]' });
});

test('a scheduled EventBridge event reaches the step as a schedule input named by its rule', { skip }, async () => {
  const handler = lambdaHandler(recordAndAnnounce, { env: env('record', { seen: { kind: 'table', name: 'p-dev-seen', uses: ['write'], partitionKey: 'id' } }) });
  await handler({ version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: '2026-01-01T00:05:00Z', region: 'us-east-1', resources: ['arn:aws:events:us-east-1:123456789012:rule/p-dev-every-5'], detail: {} }, context);
  const item = await dynamo.send(new GetItemCommand({ TableName: 'p-dev-seen', Key: { id: { S: 'tick:2026-01-01T00:05:00Z' } } }));
  // the physical rule name maps back to the node name through the naming scheme
  assert.equal(item.Item?.schedule?.S, 'every-5');
});

test('a step touching a table it has no binding for fails the invocation with the edge to declare', { skip }, async () => {
  const handler = lambdaHandler(recordAndAnnounce, { env: env('record', { landing: { kind: 'bucket', name: 'p-dev-landing', uses: ['read'] } }) });
  await assert.rejects(handler(s3Event('p-dev-landing', 'x.csv', 1), context), /function 'record' has no 'write' permission on table 'seen'; declare record.writes\(seen\)/);
});
