/**
 * A pipeline with every node kind and edge, deployed to moto through the CLI: event source mappings,
 * subscriptions and their filter policies, encryption of queues and topics, the schedule's target,
 * the table; then `send`, `dlq list|redrive`, `status` and `logs` on the stage, and a destroy that
 * leaves nothing, retained tables and buckets included. moto gaps are named in ./helpers.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { synthesize } from '../../../src/cloud/synth/synth.js';
import { loadPipeline } from '../../../src/cli/load.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { ACCOUNT, REGION, awsCli, deployedTemplateOf, leftovers, resolver, resourceAt, resourcesOf, sluice, startCloud, verifyAgainstTemplate, type Cloud } from './helpers.js';
import { CACHE_DIR } from '../synth/helpers.js';

const skip = motoUnavailable();
const ENTRY = fileURLToPath(new URL('./fixtures/every-kind.pipeline.ts', import.meta.url));
const STAGE = 'all';
const STACK = `every-kind-${STAGE}`;
let cloud: Cloud;

before(async () => {
  if (skip) return;
  cloud = await startCloud();
  const run = sluice(cloud, ['deploy', ENTRY, '--stage', STAGE, '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
});
after(async () => cloud?.stop());

const queueUrl = async (name: string) => (await cloud.aws.sqs.send(new GetQueueUrlCommand({ QueueName: `${STACK}-${name}` }))).QueueUrl!;
const queueAttributes = async (name: string) => (await cloud.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: await queueUrl(name), AttributeNames: ['All'] }))).Attributes!;
const keyArn = async () => resolver(await resourcesOf(cloud, STACK), await deployedTemplateOf(cloud, STACK), {})({ 'Fn::GetAtt': ['SluiceKey', 'Arn'] });

test('GIVEN every kind deployed THEN each resource matches its template: code, configuration, exact role policies, encryption', { skip }, async () => {
  const { pipeline } = await loadPipeline(ENTRY);
  const s = await synthesize(pipeline, { stage: STAGE, cacheDir: CACHE_DIR });
  await verifyAgainstTemplate(cloud, s, await resourcesOf(cloud, STACK));
});

test('GIVEN queues feeding functions THEN their event source mappings batch, window and report partial failures as declared', { skip }, async () => {
  const mappings = (await cloud.aws.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: `${STACK}-load` }))).EventSourceMappings!;
  assert.equal(mappings.length, 1);
  assert.equal(mappings[0]!.EventSourceArn, `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-landing`);
  assert.equal(mappings[0]!.BatchSize, 50);
  assert.equal(mappings[0]!.MaximumBatchingWindowInSeconds, 5);
  assert.deepEqual(mappings[0]!.FunctionResponseTypes, ['ReportBatchItemFailures']);
  const auditor = (await cloud.aws.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: `${STACK}-auditor` }))).EventSourceMappings!;
  assert.deepEqual(auditor.map((m) => [m.EventSourceArn, m.BatchSize]), [[`arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-audit`, 10]]);
});

test('GIVEN topics THEN subscriptions carry their filter policies, scope, raw delivery and DLQ (template: MOTO_CFN_UNSUPPORTED_TYPES)', { skip }, async () => {
  const template = await deployedTemplateOf(cloud, STACK);
  const resources = await resourcesOf(cloud, STACK);
  const resolve = resolver(resources, template, {});
  const subscription = (path: string) => resolve(Object.values(template.Resources).find((r) => r.Metadata?.['sluice:path'] === path)!.Properties);
  const topicArn = (node: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${STACK}-${node}`;
  assert.deepEqual(subscription('events->audit/Subscription'), {
    TopicArn: topicArn('events'), Protocol: 'sqs', Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-audit`, RawMessageDelivery: true,
    FilterPolicy: { eventName: [{ prefix: 'ObjectCreated' }] }, FilterPolicyScope: 'MessageBody', RedrivePolicy: { deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-audit-dlq` },
  });
  assert.deepEqual(subscription('events->notify/Subscription'), {
    TopicArn: topicArn('events'), Protocol: 'lambda', Endpoint: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK}-notify`,
    FilterPolicy: { store: ['example_corp'] }, FilterPolicyScope: 'MessageAttributes', RedrivePolicy: { deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-notify-failures` },
  });
  // AND the bucket notifies the topic and the queue with their prefix filters (MOTO_CFN_S3_PROPERTIES)
  const raw = resolve((template.Resources[resourceAt(template, resources, 'raw/Bucket').id]!.Properties as any).NotificationConfiguration);
  assert.deepEqual(raw.TopicConfigurations, [{ Event: 's3:ObjectCreated:*', Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'events/' }] } }, Topic: topicArn('events') }]);
  assert.deepEqual(raw.QueueConfigurations.map((q: any) => q.Queue), [`arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-landing`]);
  assert.deepEqual(raw.LambdaConfigurations[0].Filter.S3Key.Rules, [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.csv' }]);
});

test('GIVEN queues and topics an AWS service writes to THEN they use the pipeline key; the others the AWS-managed key', { skip }, async () => {
  const key = await keyArn();
  assert.equal((await queueAttributes('landing')).KmsMasterKeyId, key);
  assert.equal((await queueAttributes('audit')).KmsMasterKeyId, key);
  assert.equal((await queueAttributes('work')).KmsMasterKeyId, 'alias/aws/sqs');
  assert.deepEqual(JSON.parse((await queueAttributes('landing')).RedrivePolicy!), { deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-landing-dlq`, maxReceiveCount: 5 });
  const topic = async (node: string) => (await cloud.aws.sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${STACK}-${node}` }))).Attributes!;
  assert.equal((await topic('events')).KmsMasterKeyId, key);
  assert.equal((await topic('alerts')).KmsMasterKeyId, 'alias/aws/sns');
  const table = (await cloud.aws.dynamodb.send(new DescribeTableCommand({ TableName: `${STACK}-items` }))).Table!;
  assert.equal(table.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.deepEqual(table.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }]);
  // PITR and SSE are in the template only (MOTO_CFN_DYNAMODB_PROPERTIES)
  const items = (await deployedTemplateOf(cloud, STACK)).Resources.ItemsTable!.Properties as any;
  assert.deepEqual([items.PointInTimeRecoverySpecification, items.SSESpecification], [{ PointInTimeRecoveryEnabled: true }, { SSEEnabled: true }]);
  // AND the schedule targets its function with a DLQ and a retry policy
  const targets = JSON.parse(awsCli(cloud, ['events', 'list-targets-by-rule', '--rule', `${STACK}-nightly`, '--output', 'json']).stdout).Targets;
  assert.deepEqual(targets.map((t: any) => [t.Arn, t.DeadLetterConfig.Arn]), [[`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK}-report`, `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-report-failures`]]);
});

test('GIVEN the stage WHEN sluice send --stage targets a queue and a topic THEN the queue holds the message with its attributes', { skip }, async () => {
  const run = sluice(cloud, ['send', 'work', '{"n":1}', '--attribute', 'kind=test', '--attribute', 'n=3', '--entry', ENTRY, '--stage', STAGE, '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.json().messageId);
  const { Messages } = await cloud.aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: await queueUrl('work'), MessageAttributeNames: ['All'], WaitTimeSeconds: 1 }));
  assert.equal(Messages?.[0]?.Body, '{"n":1}');
  assert.deepEqual(Messages?.[0]?.MessageAttributes?.kind, { DataType: 'String', StringValue: 'test' });
  assert.deepEqual(Messages?.[0]?.MessageAttributes?.n, { DataType: 'Number', StringValue: '3' });
  assert.equal(sluice(cloud, ['send', 'alerts', 'hello', '--entry', ENTRY, '--stage', STAGE]).status, 0);
  const bucket = sluice(cloud, ['send', 'raw', 'x', '--entry', ENTRY, '--stage', STAGE]);
  assert.equal(bucket.status, 2);
  assert.match(bucket.stderr, /'raw' is a bucket, not a queue or topic .* sluice put raw FILE --stage all/);
});

test('GIVEN dead letters on the stage WHEN listed and redriven with --stage THEN they show, then go back to their queue', { skip }, async () => {
  // GIVEN a message in landing's DLQ, and a failed async event in ingest's on-failure queue
  await cloud.aws.sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl('landing-dlq'), MessageBody: 'poison' }));
  const record = { version: '1.0', timestamp: '2026-01-01T00:00:00.000Z', requestContext: { requestId: 'r-1', functionArn: 'x', condition: 'RetriesExhausted', approximateInvokeCount: 3 }, requestPayload: { Records: [] }, responseContext: { statusCode: 200, functionError: 'Unhandled' }, responsePayload: { errorType: 'Error', errorMessage: 'boom' } };
  await cloud.aws.sqs.send(new SendMessageCommand({ QueueUrl: await queueUrl('ingest-failures'), MessageBody: JSON.stringify(record) }));
  // WHEN / THEN
  const list = sluice(cloud, ['dlq', 'list', 'landing', '--entry', ENTRY, '--stage', STAGE, '--json']);
  assert.equal(list.status, 0, list.stderr);
  assert.deepEqual(list.json().deadLetters.map((l: any) => l.body), ['poison']);
  const fnLetters = sluice(cloud, ['dlq', 'list', 'ingest', '--entry', ENTRY, '--stage', STAGE]);
  assert.match(fnLetters.stdout, /r-1 RetriesExhausted after 3 attempt\(s\)[\s\S]*Error: boom/);
  const status = sluice(cloud, ['status', ENTRY, '--stage', STAGE, '--json']).json();
  assert.equal(status.nodes.find((n: any) => n.node === 'landing').deadLetters, 1);
  assert.equal(status.nodes.find((n: any) => n.node === 'ingest').deadLetters, 1);
  const redrive = sluice(cloud, ['dlq', 'redrive', 'landing', '--entry', ENTRY, '--stage', STAGE, '--json']);
  assert.equal(redrive.status, 0, redrive.stderr);
  assert.equal(redrive.json().redriven, 1);
  assert.equal((await queueAttributes('landing-dlq')).ApproximateNumberOfMessages, '0');
  const { Messages } = await cloud.aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: await queueUrl('landing'), WaitTimeSeconds: 1 }));
  assert.equal(Messages?.[0]?.Body, 'poison');
});

test('GIVEN log events of a function WHEN sluice logs --stage --since THEN they print in order; an unknown node is named', { skip }, async () => {
  const logGroupName = `/aws/lambda/${STACK}-ingest`;
  await cloud.aws.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 's1' }));
  const now = Date.now();
  await cloud.aws.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: 's1', logEvents: [{ timestamp: now - 2000, message: 'first' }, { timestamp: now - 1000, message: 'second' }] }));
  const run = sluice(cloud, ['logs', 'ingest', ENTRY, '--stage', STAGE, '--since', '1h', '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.json().events.map((e: any) => e.message), ['first', 'second']);
  const text = sluice(cloud, ['logs', 'ingest', ENTRY, '--stage', STAGE, '--since', '1h']);
  assert.match(text.stdout, /first\n.*second\n/);
  const unknown = sluice(cloud, ['logs', 'raw', ENTRY, '--stage', STAGE]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /'raw' is a bucket, not a function of pipeline 'every-kind' \(its functions: ingest, load, auditor, notify, report\)/);
});

test('GIVEN every kind deployed, with retained buckets and a protected table WHEN destroyed THEN nothing of it remains', { skip }, async () => {
  // (runs last: the tests above share the stage)
  const run = sluice(cloud, ['destroy', ENTRY, '--stage', STAGE, '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  assert.deepEqual(run.json().tables, [{ name: `${STACK}-items`, retained: true }]);
  assert.deepEqual(await leftovers(cloud, STACK), { stack: [], buckets: [], queues: [], topics: [], tables: [], functions: [], mappings: [], roles: [], logGroups: [], assets: [], rules: [] });
});
