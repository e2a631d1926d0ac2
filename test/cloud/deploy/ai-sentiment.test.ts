/**
 * examples/ai-sentiment deployed to moto through the CLI, the seed's workflow on an AWS stage: the
 * `fang` table and its items through `sluice table --stage` (add, update in a TransactWriteItems,
 * remove), the schedule's rule and target, the queue's 120 s visibility, exactly the two Comprehend
 * actions on the sentiment step's role; the producer and the sentiment step run in process behind the
 * Lambda entry (MOTO_LAMBDA_NO_DOCKER) against moto's Comprehend (MOTO_COMPREHEND_CANNED: a fixed
 * answer), writing their JSON and CSV results; `sluice trigger` sends the scheduled event; destroy
 * leaves nothing. `alerts`: the SNS email subscription (its state read by `sluice outbox --stage`;
 * MOTO_SNS_EMAIL_CONFIRMED) and a CloudWatch alarm on each watched dead-letter queue (MOTO_CFN_CLOUDWATCH_ALARM).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createClients } from '../../../src/runtime/aws/clients.js';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { lambdaHandler } from '../../../src/runtime/aws/lambda.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { ACCOUNT, REGION, ROOT, awsCli, deployedTemplateOf, leftovers, resolver, resourcesOf, rolePolicy, sluice, startCloud, type Cloud } from './helpers.js';

const skip = motoUnavailable();
const EXAMPLE = join(ROOT, 'examples/ai-sentiment');
const ENTRY = join(EXAMPLE, 'pipeline.ts');
const STAGE = 'ais';
const STACK = `ai-sentiment-${STAGE}`;

/** What the Lambda entry reads of Lambda's context. */
const lambdaContext = (awsRequestId: string) => ({ awsRequestId, getRemainingTimeInMillis: () => 20_000 }) as never;

describe('examples/ai-sentiment on an AWS stage (moto)', { skip }, () => {
  let cloud: Cloud;
  const cli = (...args: string[]) => sluice(cloud, [...args, '--entry', ENTRY, '--stage', STAGE]);
  const names = () => cli('table', 'fang', 'scan', '--json').json().items.map((i: { name: string }) => i.name);

  /** A deployed function's step in process behind the Lambda entry, with its own environment and `overlay` as SLUICE_CONFIG. */
  const deployedStep = async (node: string, overlay?: object) => {
    const name = `${STACK}-${node}`;
    const config = await cloud.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const userModule = await import(join(EXAMPLE, 'handlers', `${node}.ts`));
    // The queue URL moto's CloudFormation gives is AWS's (MOTO_CFN_SQS_QUEUE_URL), which the SDK follows unless the endpoint is explicit.
    const clients = { ...createClients(), sqs: new SQSClient({ endpoint: cloud.moto.endpoint }) };
    return lambdaHandler(userModule, { clients, env: { ...config.Environment!.Variables, AWS_LAMBDA_FUNCTION_NAME: name, AWS_REGION: REGION, AWS_ENDPOINT_URL: cloud.moto.endpoint, ...(overlay ? { SLUICE_CONFIG: JSON.stringify(overlay) } : {}) } });
  };

  before(async () => {
    cloud = await startCloud();
    const deploy = sluice(cloud, ['deploy', ENTRY, '--stage', STAGE, '--yes', '--json']);
    assert.equal(deploy.status, 0, deploy.stderr + deploy.stdout);
  });
  after(async () => cloud?.stop());

  test('GIVEN the stage WHEN names are added, one renamed and one removed with sluice table --stage THEN DynamoDB holds exactly the result', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-fang-')), 'names.txt');
    writeFileSync(file, 'facebook\napple\namazon\nnetflix\ngoogle\n');
    const added = cli('table', 'fang', 'add', '--file', file, '--json');
    assert.equal(added.status, 0, added.stderr);
    assert.deepEqual(added.json().after, ['amazon', 'apple', 'facebook', 'google', 'netflix']);
    const updated = cli('table', 'fang', 'update', '--old', 'facebook', '--new', 'meta', '--json');
    assert.equal(updated.status, 0, updated.stderr);
    assert.equal(cli('table', 'fang', 'update', '--old', 'facebook', '--new', 'fb').status, 2);
    assert.equal(cli('table', 'fang', 'remove', '--item', 'netflix').status, 0);
    assert.deepEqual(names().sort(), ['amazon', 'apple', 'google', 'meta']);
  });

  test('GIVEN the stage THEN the rule fires every five minutes into the producer, the queue keeps the seed\'s 120 s visibility, and the sentiment step may call exactly DetectSentiment and BatchDetectSentiment', async () => {
    const rule = JSON.parse(awsCli(cloud, ['events', 'describe-rule', '--name', `${STACK}-five-minute-timer`]).stdout);
    assert.equal(rule.ScheduleExpression, 'rate(5 minutes)');
    const targets = JSON.parse(awsCli(cloud, ['events', 'list-targets-by-rule', '--rule', `${STACK}-five-minute-timer`]).stdout).Targets;
    assert.deepEqual(targets.map((t: { Arn: string }) => t.Arn), [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK}-serverless-producer`]);
    const url = (await cloud.aws.sqs.send(new GetQueueUrlCommand({ QueueName: `${STACK}-producer` }))).QueueUrl!;
    assert.equal((await cloud.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }))).Attributes!.VisibilityTimeout, '120');
    const role = (await cloud.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${STACK}-producer-ai` }))).Role!.split('/').pop()!;
    const policy = await rolePolicy(cloud, role);
    const comprehend = policy.Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('comprehend:')));
    assert.deepEqual(comprehend.map((s: { Action: string[]; Resource: string }) => [[s.Action].flat().sort(), s.Resource]), [[['comprehend:BatchDetectSentiment', 'comprehend:DetectSentiment'], '*']]);
  });

  test('GIVEN names in the table WHEN the producer runs on a scheduled event and the sentiment step on its messages THEN each name has a JSON and a CSV result', async () => {
    const producer = await deployedStep('serverless-producer');
    const time = '2026-01-05T10:05:00Z';
    await producer({ version: '0', id: 'tick', 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time, region: REGION, resources: [], detail: {} }, lambdaContext('tick'));
    const url = (await cloud.aws.sqs.send(new GetQueueUrlCommand({ QueueName: `${STACK}-producer` }))).QueueUrl!;
    const received = (await cloud.aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageAttributeNames: ['All'] }))).Messages ?? [];
    assert.deepEqual(received.map((m) => JSON.parse(m.Body!).name).sort(), ['amazon', 'apple', 'google', 'meta']);
    // The stage's config reads texts from the summary endpoint; with no network here, samples are laid over it (SLUICE_CONFIG).
    const samples = { amazon: 'Amazon is a company.', apple: 'Apple makes phones people love.', google: 'Google is a search engine.', meta: 'Meta runs social networks.' };
    const sentiment = await deployedStep('producer-ai', { textSource: { kind: 'samples', samples } });
    const records = received.map((m) => ({ messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body!, attributes: m.Attributes ?? {}, messageAttributes: {}, md5OfBody: m.MD5OfBody!, eventSource: 'aws:sqs', eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-producer`, awsRegion: REGION }));
    const response = await sentiment({ Records: records }, lambdaContext('batch')) as { batchItemFailures: unknown[] };
    assert.deepEqual(response.batchItemFailures, []);
    const keys = ((await cloud.aws.s3.send(new ListObjectsV2Command({ Bucket: `${STACK}-fangsentiment` }))).Contents ?? []).map((o) => o.Key!).sort();
    assert.deepEqual(keys, ['amazon', 'apple', 'google', 'meta'].flatMap((n) => [`csv/${time}/${n}.csv`, `json/${time}/${n}.json`]).sort());
    const apple = JSON.parse((await cli('cat', 'fangsentiment', `json/${time}/apple.json`)).stdout);
    // MOTO_COMPREHEND_CANNED: moto answers every DetectSentiment with the same NEUTRAL scores.
    assert.equal(apple.sentiment, 'NEUTRAL');
  });

  test('GIVEN alerts watching both steps\' dead letters THEN the email subscription state is read by sluice outbox --stage and one alarm per DLQ watches its visible messages (made as the deployed template says: MOTO_CFN_UNSUPPORTED_TYPES, MOTO_CFN_CLOUDWATCH_ALARM)', async () => {
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:${STACK}-alerts`;
    const template = await deployedTemplateOf(cloud, STACK);
    const resolve = resolver(await resourcesOf(cloud, STACK), template, {});
    const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type).map((r) => resolve(r.Properties) as Record<string, any>);
    // The email subscription, made through the SNS API as the deployed template says
    const [email] = ofType('AWS::SNS::Subscription').filter((p) => p.Protocol === 'email');
    assert.deepEqual([email!.TopicArn, email!.Endpoint, email!.RedrivePolicy.deadLetterTargetArn], [topicArn, 'ops@example.org', `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-alerts-undelivered`]);
    assert.equal(awsCli(cloud, ['sns', 'subscribe', '--topic-arn', email!.TopicArn, '--protocol', 'email', '--notification-endpoint', email!.Endpoint]).status, 0);
    const subs = JSON.parse(awsCli(cloud, ['sns', 'list-subscriptions-by-topic', '--topic-arn', topicArn]).stdout).Subscriptions;
    // MOTO_SNS_EMAIL_CONFIRMED: moto confirms an email subscription at once (AWS answers PendingConfirmation
    // until the recipient clicks the link), so sluice outbox --stage reads it as confirmed here.
    assert.deepEqual(subs.map((s: { Protocol: string; Endpoint: string; SubscriptionArn: string }) => [s.Protocol, s.Endpoint, s.SubscriptionArn.startsWith(`${topicArn}:`)]), [['email', 'ops@example.org', true]]);
    const outbox = cli('outbox', '--json');
    assert.equal(outbox.status, 0, outbox.stderr);
    assert.deepEqual(outbox.json().subscriptions, [{ notify: 'alerts', email: 'ops@example.org', state: 'confirmed' }]);
    assert.deepEqual(outbox.json().emails, []);
    assert.match(outbox.json().note, /cannot be read back from AWS/);
    // The alarms, made through the CloudWatch API as the deployed template says: moto takes them, with the deployed DLQs' names
    for (const a of ofType('AWS::CloudWatch::Alarm')) {
      const args = ['cloudwatch', 'put-metric-alarm', '--alarm-name', a.AlarmName, '--namespace', a.Namespace, '--metric-name', a.MetricName, '--statistic', a.Statistic, '--period', String(a.Period), '--evaluation-periods', String(a.EvaluationPeriods), '--threshold', String(a.Threshold), '--comparison-operator', a.ComparisonOperator, '--treat-missing-data', a.TreatMissingData, '--alarm-actions', ...a.AlarmActions, '--dimensions', ...a.Dimensions.map((d: { Name: string; Value: string }) => `Name=${d.Name},Value=${d.Value}`)];
      assert.equal(awsCli(cloud, args).status, 0);
    }
    const alarms = JSON.parse(awsCli(cloud, ['cloudwatch', 'describe-alarms', '--alarm-name-prefix', `${STACK}-alerts-`]).stdout).MetricAlarms;
    assert.deepEqual(alarms.map((a: { AlarmName: string; Namespace: string; MetricName: string; Dimensions: unknown; Threshold: number; ComparisonOperator: string; AlarmActions: string[] }) => [a.AlarmName, a.Namespace, a.MetricName, a.Dimensions, a.Threshold, a.ComparisonOperator, a.AlarmActions]).sort(), [
      [`${STACK}-alerts-producer-dead-letters`, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', [{ Name: 'QueueName', Value: `${STACK}-producer-dlq` }], 0, 'GreaterThanThreshold', [topicArn]],
      [`${STACK}-alerts-serverless-producer-dead-letters`, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', [{ Name: 'QueueName', Value: `${STACK}-serverless-producer-failures` }], 0, 'GreaterThanThreshold', [topicArn]],
    ]);
    // Made by hand, so removed by hand before destroy checks that nothing is left
    awsCli(cloud, ['cloudwatch', 'delete-alarms', '--alarm-names', ...alarms.map((a: { AlarmName: string }) => a.AlarmName)]);
  });

  test('GIVEN the stage WHEN sluice trigger fires the schedule THEN the producer is invoked with the scheduled event', () => {
    const fired = cli('trigger', 'five-minute-timer', '--json');
    assert.equal(fired.status, 0, fired.stderr);
    assert.deepEqual(fired.json().targets, ['serverless-producer']);
    assert.equal(fired.json().event.resources[0], `arn:aws:events:${REGION}:${ACCOUNT}:rule/${STACK}-five-minute-timer`);
  });

  test('GIVEN the stage WHEN 10,000 names are added from a file and removed again with sluice table --stage THEN both finish, in batches, and DynamoDB holds exactly the result', async () => {
    // 10,000 items are 400 BatchWriteItem requests in one CLI run: a run of this size hung (moto's
    // request log filled a pipe nobody read while spawnSync blocked the test's event loop).
    const many = Array.from({ length: 10_000 }, (_, i) => `bulk-${String(i).padStart(5, '0')}`);
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-fang-')), 'many.txt');
    writeFileSync(file, `${many.join('\n')}\n`);
    const count = async () => (await cloud.aws.dynamodb.send(new ScanCommand({ TableName: `${STACK}-fang`, Select: 'COUNT' }))).Count;
    const before = names();
    const added = cli('table', 'fang', 'add', '--file', file, '--json');
    assert.equal(added.status, 0, added.stderr);
    assert.equal(added.json().added.length, 10_000);
    assert.equal(added.json().after.length, before.length + 10_000);
    assert.equal(await count(), before.length + 10_000);
    const removed = cli('table', 'fang', 'remove', '--file', file, '--json');
    assert.equal(removed.status, 0, removed.stderr);
    assert.deepEqual(names().sort(), before.sort());
  });

  test('GIVEN the stage WHEN destroyed without prompts THEN nothing of it is left', async () => {
    const destroyed = sluice(cloud, ['destroy', ENTRY, '--stage', STAGE, '--yes']);
    assert.equal(destroyed.status, 0, destroyed.stderr);
    const left = await leftovers(cloud, STACK);
    assert.deepEqual(Object.entries(left).filter(([, v]) => v.length > 0), []);
  });
});
