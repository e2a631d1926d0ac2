/**
 * The components on Lambda against moto_server, driven by real-shaped EventBridge, SNS, SQS and S3
 * events: a large envelope body offloaded to the payload bucket by its producer and read back by its
 * consumers across a topic and a queue, ingestion steps in the lineage table chaining each step to the
 * one before (through envelopes and through object metadata), and Powertools heartbeats and EMF
 * timings on stdout.
 * moto gaps met here: none (moto does not run the Lambda itself, so the handler is called in process).
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EnvBinding } from '../../src/runtime/aws/bindings-env.js';
import { createHash, randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { component, source } from 'sluice/runtime';
import { lambdaHandler } from '../../src/runtime/aws/lambda.js';
import { writeLineage } from '../../src/runtime/aws/lineage.js';
import { writeOutputs } from '../../src/runtime/aws/write-outputs.js';
import type { AwsClients } from '../../src/runtime/aws/clients.js';
import type { ExecutionRecord } from '../../src/runtime/invoke.js';
import { motoUnavailable, type Moto } from '../helpers/moto.js';
import { captureOutput, deployedEnv, lambdaContext, queueArn, scheduledEvent, snsEventOf, sqsEvent, sqsRecord, startTestAws, type OutputCapture } from './aws-helpers.js';
import { objectCreatedEvent, sequencerFor } from '../../src/model/s3-event.js';

const skip = motoUnavailable();
let moto: Moto;
let s3: S3Client, sqs: SQSClient, sns: SNSClient, dynamo: DynamoDBClient, documents: DynamoDBDocumentClient;
let stdout: OutputCapture;
const VERSION_A = 'a'.repeat(64);
const VERSION_B = 'b'.repeat(64);

before(async () => {
  stdout = captureOutput();
  if (skip) return;
  ({ moto, s3, sqs, sns, dynamo, documents } = await startTestAws());
  await s3.send(new CreateBucketCommand({ Bucket: 'p-dev-sluice-payloads' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'p-dev-out' }));
  await dynamo.send(new CreateTableCommand({ TableName: 'p-dev-sluice-lineage', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'ingestionId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'ingestionId', KeyType: 'HASH' }] }));
});
after(async () => {
  stdout.restore();
  await moto?.stop();
});
beforeEach(() => stdout.clear());

/** A topic with a queue subscribed (SNS wraps each message: no raw delivery). */
async function topicWithQueue(topic: string, queue: string): Promise<{ topicArn: string; queueUrl: string }> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topic }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: arn }));
  return { topicArn: TopicArn!, queueUrl: QueueUrl! };
}

async function receiveAll(queueUrl: string) {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
  return Messages ?? [];
}

async function lineageItems(): Promise<Array<Record<string, any>>> {
  return (await documents.send(new ScanCommand({ TableName: 'p-dev-sluice-lineage' }))).Items ?? [];
}

// Producer: a scheduled source sending one envelope (`text` as its body) to the topic `fanout`.
function producer(text: () => string) {
  return { default: source(async (_input, ctx) => ctx.envelope(text(), { payloadMimeType: 'text/plain' })) };
}

// Consumer: writes the sha256 and length of the envelope body it received to bucket `out`, under its name.
const consumer = {
  default: component(async (input, ctx) => {
    const body = await ctx.text(input);
    return ctx.object(`${ctx.node}/${input.envelope.ingestionId}`, JSON.stringify({ sha256: createHash('sha256').update(body).digest('hex'), length: body.length }));
  }),
};

function producerEnv(topicArn: string, topic: string) {
  return deployedEnv('produce', { [topic]: { kind: 'topic', name: `p-dev-${topic}`, uses: ['publish'], arn: topicArn, maxMessageSize: 262_144 } }, {
    SLUICE_VERSION: VERSION_A, SLUICE_PAYLOAD_BUCKET: 'p-dev-sluice-payloads', SLUICE_LINEAGE_TABLE: 'p-dev-sluice-lineage',
  });
}

function consumerEnv(queue: string, node = 'consume') {
  return deployedEnv(node, {
    [queue]: { kind: 'queue', name: `p-dev-${queue}`, uses: ['consume'], url: `unused`, maxMessageSize: 262_144 },
    out: { kind: 'bucket', name: 'p-dev-out', uses: ['write'] },
  }, { SLUICE_VERSION: VERSION_B, SLUICE_PAYLOAD_BUCKET: 'p-dev-sluice-payloads', SLUICE_LINEAGE_TABLE: 'p-dev-sluice-lineage' });
}

test('a 2 MB envelope body crosses a topic and a queue through the payload bucket and arrives intact', { skip }, async () => {
  // GIVEN a producer publishing to a topic whose queue feeds a consumer, and a 2 MB body
  const { topicArn, queueUrl } = await topicWithQueue('p-dev-big', 'p-dev-big-work');
  const text = randomBytes(1_572_864).toString('base64'); // 2 MiB of text
  // WHEN the producer runs on its schedule
  await lambdaHandler(producer(() => text), { env: producerEnv(topicArn, 'big') })(scheduledEvent('tick'), lambdaContext('req-produce'));
  // THEN the topic delivered an envelope pointing at the payload bucket, which holds the body
  const [message] = await receiveAll(queueUrl);
  const envelope = JSON.parse(JSON.parse(message!.Body!).Message);
  assert.equal(envelope.payloadType, 's3');
  assert.equal(envelope.body, null);
  assert.match(envelope.payloadS3Path, new RegExp(`^s3://p-dev-sluice-payloads/payloads/produce/${envelope.ingestionId}/0$`));
  const payloadKey = envelope.payloadS3Path.slice('s3://p-dev-sluice-payloads/'.length);
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'p-dev-sluice-payloads', Key: payloadKey }));
  assert.equal(head.Metadata?.['ingestion-id'], envelope.ingestionId);
  // AND WHEN the consumer gets the message from its queue, as the event source mapping delivers it
  const response = await lambdaHandler(consumer, { env: consumerEnv('big-work') })({ Records: [sqsRecord(message!, queueArn('p-dev-big-work'))] }, lambdaContext('req-consume'));
  // THEN it read the whole body back, byte for byte
  assert.deepEqual(response, { batchItemFailures: [] });
  const expected = { sha256: createHash('sha256').update(text).digest('hex'), length: text.length };
  const digest = await s3.send(new GetObjectCommand({ Bucket: 'p-dev-out', Key: `consume/${envelope.ingestionId}` }));
  assert.deepEqual(JSON.parse(await digest.Body!.transformToString()), expected);
  // AND a function subscribed to the topic itself, given the notification as an SNS event, reads it too
  await lambdaHandler(consumer, { env: consumerEnv('big-work', 'consume-sns') })(snsEventOf(JSON.parse(message!.Body!)), lambdaContext('req-sns'));
  const viaSns = await s3.send(new GetObjectCommand({ Bucket: 'p-dev-out', Key: `consume-sns/${envelope.ingestionId}` }));
  assert.deepEqual(JSON.parse(await viaSns.Body!.transformToString()), expected);
});

test('writes an ingestion step per execution to the lineage table, each step chained to its producer', { skip }, async () => {
  // GIVEN producer -> topic -> queue -> consumer -> bucket -> archiver, all with lineage on
  const { topicArn, queueUrl } = await topicWithQueue('p-dev-chain', 'p-dev-chain-work');
  const before = new Set((await lineageItems()).map((i) => i.ingestionId));
  const archiver = { default: component(async (input, ctx) => ctx.object(`archive/${input.kind === 'object' ? input.key : ''}`, 'x')) };
  const archiverEnv = deployedEnv('archive', { out: { kind: 'bucket', name: 'p-dev-out', uses: ['read', 'write'] } }, { SLUICE_LINEAGE_TABLE: 'p-dev-sluice-lineage' });
  // WHEN a tick flows through all three, the last triggered by S3's event for the consumer's object
  await lambdaHandler(producer(() => 'small body'), { env: producerEnv(topicArn, 'chain') })(scheduledEvent('tick', '2026-03-04T05:06:07Z'), lambdaContext('req-p'));
  const [message] = await receiveAll(queueUrl);
  await lambdaHandler(consumer, { env: consumerEnv('chain-work') })({ Records: [sqsRecord(message!, queueArn('p-dev-chain-work'))] }, lambdaContext('req-c'));
  const written = `consume/${JSON.parse(JSON.parse(message!.Body!).Message).ingestionId}`;
  const s3Event = objectCreatedEvent({ bucket: 'p-dev-out', key: written, size: 10, eTag: 'e', sequencer: sequencerFor(1), eventTime: new Date(), configurationId: 'out-to-archive' });
  await lambdaHandler(archiver, { env: archiverEnv })(s3Event, lambdaContext('req-a'));
  // THEN the table holds one item per execution, each one's parent the step before
  const items = (await lineageItems()).filter((i) => !before.has(i.ingestionId));
  const produced = items.find((i) => i.artifactName === 'produce')!;
  const consumed = items.find((i) => i.artifactName === 'consume')!;
  const archived = items.find((i) => i.artifactName === 'archive')!;
  assert.equal(items.length, 3);
  assert.equal(archived.parentIngestionId, consumed.ingestionId);
  assert.deepEqual(archived.inputs, [{ kind: 'object', bucket: 'out', key: written, eTag: 'e' }]);
  assert.equal(produced.parentIngestionId, null);
  assert.deepEqual(produced.parentIngestionIds, []);
  assert.equal(consumed.parentIngestionId, produced.ingestionId);
  assert.deepEqual(consumed.parentIngestionIds, [produced.ingestionId]);
  // AND each item carries the ingestion step's fields, the bundle hash as version, and no engine-only fields
  assert.equal(produced.artifactVersion, VERSION_A);
  assert.equal(consumed.artifactVersion, VERSION_B);
  assert.equal(produced.role, 'source');
  assert.equal(consumed.role, 'component');
  assert.equal(consumed.pipeline, 'p');
  assert.equal(consumed.stage, 'dev');
  assert.equal(consumed.requestId, 'req-c');
  assert.deepEqual(produced.inputs, [{ kind: 'schedule', schedule: 'tick', time: '2026-03-04T05:06:07Z' }]);
  assert.deepEqual(consumed.outputs, [{ kind: 'object', bucket: 'out', key: written }]);
  assert.equal(typeof consumed.coreMs, 'number');
  assert.ok(consumed.totalMs >= consumed.coreMs);
  assert.ok(!('recordId' in consumed) && !('lineage' in consumed));
  // AND the object the consumer wrote names its execution, so the chain starts from the object
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'p-dev-out', Key: written }));
  assert.equal(head.Metadata?.['ingestion-id'], consumed.ingestionId);
});

test('a step with lineage off writes nothing to the lineage table', { skip }, async () => {
  const before = (await lineageItems()).length;
  const quiet = { default: component(async (_input, ctx) => ctx.object('quiet', 'x'), { lineage: false }) };
  const env = deployedEnv('quiet', { out: { kind: 'bucket', name: 'p-dev-out', uses: ['write'] } }, { SLUICE_LINEAGE_TABLE: 'p-dev-sluice-lineage' });
  await lambdaHandler(quiet, { env })(sqsEvent('p-dev-q', [{ id: 'm1', body: 'x' }]), lambdaContext('req-q'));
  assert.equal((await lineageItems()).length, before);
});

test('writes an offloaded body once, before any message pointing at it is sent', async () => {
  // GIVEN an envelope routed to a queue and a topic, its body offloaded once for both
  const calls: string[] = [];
  let releasePut!: () => void;
  const putDone = new Promise<void>((resolve) => (releasePut = resolve));
  const clients = {
    s3: { send: async (c: { input: { Key: string } }) => { calls.push(`put ${c.input.Key}`); await putDone; calls.push('put done'); } },
    sqs: { send: async () => void calls.push('send') },
    sns: { send: async () => void calls.push('publish') },
  } as unknown as AwsClients;
  const payload = { path: 's3://pay/payloads/p/i/0', bucket: 'pay', key: 'payloads/p/i/0', body: new Uint8Array(3), contentType: 'text/plain', ingestionId: 'i' };
  const message = { type: 'message' as const, body: '{}', attributes: {}, payload };
  const resources: Record<string, EnvBinding> = { q: { kind: 'queue', name: 'p-dev-q', uses: ['send'], url: 'u' }, t: { kind: 'topic', name: 'p-dev-t', uses: ['publish'], arn: 'a' } };
  // WHEN the outputs are written (the payload write is slow)
  const writing = writeOutputs(clients, resources, [{ ...message, to: 'q', targetKind: 'queue' }, { ...message, to: 't', targetKind: 'topic' }]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  releasePut();
  await writing;
  // THEN the body went once, and both messages only after it
  assert.deepEqual(calls.slice(0, 2), ['put payloads/p/i/0', 'put done']);
  assert.deepEqual(calls.slice(2).sort(), ['publish', 'send']);
});

function execution(i: number): ExecutionRecord {
  return {
    ingestionId: `0000-${String(i).padStart(4, '0')}`, parentIngestionId: null, parentIngestionIds: [], artifactName: 'bulk', artifactVersion: 'v', pipeline: 'p', stage: 'dev',
    role: 'component', dimUTCTimestamp: 1, dimUTCDateId: 20260101, dimUTCHour: 0, startedAt: '', finishedAt: '', coreMs: 1, totalMs: 2, metadata: {}, inputs: [], outputs: [],
    requestId: 'r', recordId: `m${i}`, lineage: i % 10 !== 0,
  };
}

test('writes lineage in BatchWriteItem calls of 25, skipping executions with lineage off', { skip }, async () => {
  // GIVEN 60 executions, 6 of them with lineage off
  const executions = Array.from({ length: 60 }, (_, i) => execution(i));
  // WHEN they are written
  await writeLineage(documents, 'p-dev-sluice-lineage', executions);
  // THEN the 54 with lineage on are in the table
  const bulk = (await lineageItems()).filter((i) => i.artifactName === 'bulk');
  assert.equal(bulk.length, 54);
});

test('sends items DynamoDB left unprocessed again, and gives up after maxAttempts', async () => {
  // GIVEN a client that leaves two items unprocessed on the first call
  const calls: Array<Array<Record<string, any>>> = [];
  const flaky = {
    send: async (command: { input: { RequestItems: Record<string, Array<Record<string, any>>> } }) => {
      const requests = command.input.RequestItems.t!;
      calls.push(requests);
      return { UnprocessedItems: calls.length === 1 ? { t: requests.slice(0, 2) } : {} };
    },
  } as unknown as DynamoDBDocumentClient;
  // WHEN 30 executions are written
  await writeLineage(flaky, 't', Array.from({ length: 30 }, (_, i) => ({ ...execution(i), lineage: true })), { baseDelayMs: 1 });
  // THEN two batches went (25 + 5), then the two unprocessed items again
  assert.deepEqual(calls.map((c) => c.length).sort(), [2, 25, 5].sort());
  // AND a client that never processes anything fails with the count after maxAttempts
  const stuck = { send: async (c: { input: { RequestItems: Record<string, unknown[]> } }) => ({ UnprocessedItems: c.input.RequestItems }) } as unknown as DynamoDBDocumentClient;
  await assert.rejects(writeLineage(stuck, 't', [{ ...execution(1), lineage: true }], { maxAttempts: 3, baseDelayMs: 1 }), (e: any) => e.code === 'SLUICE_E_LINEAGE' && /1 of 1 ingestion steps were still unprocessed by the lineage table 't' after 3 tries/.test(e.message));
});

test('logs Pylon\'s heartbeats with Powertools Logger and publishes timed_execution as EMF per invocation', { skip }, async () => {
  // GIVEN a component on a cold Lambda sandbox that logs a line per input
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  const step = { default: component(async (input, ctx) => {
    ctx.log('working', { id: input.kind === 'message' ? input.id : '' });
    return ctx.object(`timed/${ctx.ingestionId}`, 'x');
  }) };
  const env = deployedEnv('timed', { out: { kind: 'bucket', name: 'p-dev-out', uses: ['write'] } }, { AWS_LAMBDA_FUNCTION_NAME: 'p-dev-timed' });
  const handler = lambdaHandler(step, { env });
  delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
  // WHEN an SQS batch of two arrives, then another of one
  await handler(sqsEvent('p-dev-work', [{ id: 'm1', body: 'a' }, { id: 'm2', body: 'b' }]), lambdaContext('req-1'));
  const first = [...stdout.lines];
  stdout.clear();
  await handler(sqsEvent('p-dev-work', [{ id: 'm3', body: 'c' }]), lambdaContext('req-2'));
  const second = [...stdout.lines];
  // THEN the first invocation logged the start heartbeat, on a cold start, run_once
  const starts = first.filter((l) => l.message === 'heartbeat start');
  assert.equal(starts.length, 1);
  assert.deepEqual(pick(starts[0]!, ['level', 'type', 'name', 'fn', 'execution', 'cold_start', 'function_name', 'function_request_id', 'service', 'pipeline', 'stage']),
    { level: 'INFO', type: 'heartbeat', name: 'start', fn: 'timed', execution: 'run_once', cold_start: true, function_name: 'p-dev-timed', function_request_id: 'req-1', service: 'p', pipeline: 'p', stage: 'dev' });
  // AND a core_process heartbeat per input, and each ctx.log line with its data
  const beats = first.filter((l) => l.message === 'heartbeat core_process');
  assert.deepEqual(beats.map((b) => pick(b, ['type', 'name', 'fn', 'requestId'])), [0, 1].map(() => ({ type: 'heartbeat', name: 'core_process', fn: 'timed', requestId: 'req-1' })));
  assert.deepEqual(first.filter((l) => l.message === 'working').map((l) => pick(l, ['node', 'requestId', 'data'])), [{ node: 'timed', requestId: 'req-1', data: { id: 'm1' } }, { node: 'timed', requestId: 'req-1', data: { id: 'm2' } }]);
  // AND one EMF blob with both executions' timings, in namespace sluice, by pipeline, stage and node
  const emf = first.filter((l) => l._aws);
  assert.equal(emf.length, 1);
  const blob = emf[0]!;
  assert.deepEqual(blob._aws.CloudWatchMetrics, [{ Namespace: 'sluice', Dimensions: [['pipeline', 'stage', 'node']], Metrics: [{ Name: 'core_process', Unit: 'Milliseconds' }, { Name: 'total', Unit: 'Milliseconds' }] }]);
  assert.equal(typeof blob._aws.Timestamp, 'number');
  assert.deepEqual(pick(blob, ['pipeline', 'stage', 'node', 'type', 'fn', 'requestId']), { pipeline: 'p', stage: 'dev', node: 'timed', type: 'timed_execution', fn: 'timed', requestId: 'req-1' });
  assert.deepEqual(blob.ingestionIds, beats.map((b) => b.ingestionId));
  assert.equal(blob.core_process.length, 2);
  for (let i = 0; i < 2; i++) {
    assert.ok(blob.core_process[i] >= 0 && blob.total[i] >= blob.core_process[i], `timings ${blob.core_process[i]} <= ${blob.total[i]}`);
  }
  // AND the second invocation has no start heartbeat, is warm, and flushes its own blob with one value
  assert.equal(second.filter((l) => l.message === 'heartbeat start').length, 0);
  assert.equal(second.find((l) => l.message === 'heartbeat core_process')?.cold_start, false);
  const warm = second.filter((l) => l._aws);
  assert.equal(warm.length, 1);
  assert.equal(typeof warm[0]!.core_process, 'number');
});

test('a worker\'s start heartbeat says run_forever, and a failed record is logged as an error', { skip }, async () => {
  const step = { default: component(async (input, ctx) => {
    if (input.kind === 'message' && input.body === 'poison') throw new Error('cannot digest poison');
    return ctx.object('fine', 'x');
  }) };
  const env = deployedEnv('worker', { out: { kind: 'bucket', name: 'p-dev-out', uses: ['write'] } });
  const response = await lambdaHandler(step, { env, mode: 'run_forever' })(sqsEvent('p-dev-work', [{ id: 'ok', body: 'a' }, { id: 'bad', body: 'poison' }]), lambdaContext('req-w'));
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: 'bad' }] });
  assert.equal(stdout.lines.find((l) => l.message === 'heartbeat start')?.execution, 'run_forever');
  const failure = stdout.lines.find((l) => l.level === 'ERROR')!;
  assert.deepEqual(pick(failure, ['message', 'fn', 'requestId', 'record']), { message: 'record bad failed: cannot digest poison', fn: 'worker', requestId: 'req-w', record: 'bad' });
  assert.equal(failure.error.message, 'cannot digest poison');
  // only the record that succeeded has a heartbeat and a timing
  assert.equal(stdout.lines.filter((l) => l.message === 'heartbeat core_process').length, 1);
});

function pick(o: Record<string, any>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}
