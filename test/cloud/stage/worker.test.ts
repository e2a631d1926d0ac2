/**
 * `sluice worker <node> --stage NAME` and `sluice lineage --stage NAME` end to end against moto_server:
 * the Pylon components example deployed with its secret in Parameter Store; the source run on the S3
 * event of a request behind the Lambda entry (moto runs no Lambda code, MOTO_LAMBDA_NO_DOCKER); the
 * other steps as workers polling their deployed queues, fed by moto's SNS with the filter policies; and
 * the lake file they write walked back to the request through the stage's lineage table.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { motoUnavailable } from '../../helpers/moto.js';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { lambdaHandler } from '../../../src/runtime/aws/lambda.js';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { REGION, ROOT, deployedTemplateOf, resolver, resourcesOf, sluice, startCloud, type Cloud } from '../deploy/helpers.js';

const skip = motoUnavailable();
const EXAMPLE = join(ROOT, 'examples/pylon-components');
const STAGE = 'wk';
const ENTRY = join(EXAMPLE, 'pipeline.ts');

/** A URL resource envelope from some producer outside the pipeline. */
function urlResource(body: Record<string, unknown>): string {
  return JSON.stringify({ schemaVersion: 1, objectType: 'urlResource', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: '019aa000-0000-7000-8000-000000000001', body });
}

/** The event S3 sends a function for a put (AWS's documented sample's shape). */
function s3PutEvent(bucket: string, key: string): Record<string, unknown> {
  return {
    Records: [{
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: REGION, eventTime: new Date().toISOString(), eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'EXAMPLE' }, requestParameters: { sourceIPAddress: '127.0.0.1' }, responseElements: { 'x-amz-request-id': 'EXAMPLE', 'x-amz-id-2': 'EXAMPLE' },
      s3: { s3SchemaVersion: '1.0', configurationId: 'sluice', bucket: { name: bucket, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${bucket}` }, object: { key, size: 45, eTag: '0123456789abcdef0123456789abcdef', sequencer: '0A1B2C3D4E5F678901' } },
    }],
  };
}

/** A deployed function's step, run in process behind the Lambda entry with the function's own environment. */
async function deployedStep(cloud: Cloud, node: string) {
  const name = `pylon-components-${STAGE}-${node}`;
  const config = await cloud.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const userModule = await import(join(EXAMPLE, 'handlers', `${node}.ts`));
  return lambdaHandler(userModule, { env: { ...config.Environment!.Variables, AWS_LAMBDA_FUNCTION_NAME: name, AWS_REGION: REGION, AWS_ENDPOINT_URL: cloud.moto.endpoint } });
}

/** The JSON lines a `worker --json` run printed: its batches and summary (the step's own log lines are JSON too). */
function lines(stdout: string): any[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

describe('sluice worker and sluice lineage on a deployed stage', { skip }, () => {
  let cloud: Cloud;
  const cli = (...args: string[]) => sluice(cloud, [...args, '--entry', ENTRY]);

  before(async () => {
    cloud = await startCloud();
    // GIVEN the example's secret in Parameter Store and the example deployed
    await new SSMClient({}).send(new PutParameterCommand({ Name: '/incidents/api-key', Value: 'worker-test-key', Type: 'SecureString' }));
    const deploy = sluice(cloud, ['deploy', ENTRY, '--stage', STAGE, '--yes', '--json']);
    assert.equal(deploy.status, 0, deploy.stderr + deploy.stdout);
    await subscribeAsTheTemplateSays(cloud, `pylon-components-${STAGE}`);
  });
  after(async () => {
    if (cloud) sluice(cloud, ['destroy', ENTRY, '--stage', STAGE, '--yes']);
    await cloud?.stop();
  });

  test('GIVEN a request put into requests WHEN the source runs on its S3 event as Lambda would THEN raw holds the CSV and the record reaches to-parse through the topic\'s filter policy', async () => {
    // moto runs no Lambda code (MOTO_LAMBDA_NO_DOCKER): the source runs in process, on the event S3 sends, with the deployed function's environment
    const put = cli('put', 'requests', join(EXAMPLE, 'sample-data/requests/incidents-2026-01-05.json'), '--stage', STAGE);
    assert.equal(put.status, 0, put.stderr);
    const fetchResource = await deployedStep(cloud, 'fetch-resource');
    const response = await fetchResource(s3PutEvent(`pylon-components-${STAGE}-requests`, 'incidents-2026-01-05.json'), { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 });
    assert.equal(response, undefined);
    assert.deepEqual(cli('ls', 'raw', '--stage', STAGE, '--json').json().objects.map((o: { key: string }) => o.key), ['incidents/incidents-2026-01-05.csv']);
    const waiting = await cloud.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: await queueUrl(cloud, 'to-parse'), AttributeNames: ['ApproximateNumberOfMessages'] }));
    assert.equal(waiting.Attributes!.ApproximateNumberOfMessages, '1');
  });

  test('GIVEN the record and a poison message on to-parse WHEN the component runs as a worker THEN the record is processed and deleted, the poison one is left to retry', async () => {
    const poison = cli('send', 'to-parse', urlResource({ nothing: 'here' }), '--stage', STAGE, '--json');
    const poisonId = poison.json().messageId;
    // WHEN
    const run = cli('worker', 'parse-incidents', '--stage', STAGE, '--until-empty', '--wait', '1', '--json');
    // THEN the batch processed the record and reported the poison message; exit 1 says something is left
    assert.equal(run.status, 1, run.stderr + run.stdout);
    const out = lines(run.stdout);
    const summary = out.find((l) => l.type === 'summary');
    assert.deepEqual({ received: summary.received, deleted: summary.deleted, failed: summary.failed, stoppedBecause: summary.stoppedBecause }, { received: 2, deleted: 1, failed: 1, stoppedBecause: 'empty' }, run.stdout + run.stderr);
    assert.deepEqual(out.filter((l) => l.type === 'batch').flatMap((b) => b.failed), [poisonId]);
    // AND the step ran as a long-running worker: Pylon's start heartbeat says run_forever
    assert.ok(out.some((l) => l.message === 'heartbeat start' && l.execution === 'run_forever'), run.stdout);
    // AND the poison message is still in the queue (invisible until its visibility timeout; then its DLQ after maxReceiveCount)
    const left = await cloud.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: await queueUrl(cloud, 'to-parse'), AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
    assert.equal(left.Attributes!.ApproximateNumberOfMessagesNotVisible, '1');
  });

  test('GIVEN the topic fanned the component\'s outputs out WHEN the writer and the sink run as workers THEN the lake holds the data asset and the table the notification', () => {
    const writer = cli('worker', 'write-assets', '--stage', STAGE, '--until-empty', '--wait', '1', '--json');
    assert.equal(writer.status, 0, writer.stderr + writer.stdout);
    const lake = cli('ls', 'lake', '--stage', STAGE, '--json').json().objects.map((o: { key: string }) => o.key);
    assert.ok(lake.length >= 1 && lake.every((k: string) => k.startsWith('incident/entityIncident/country=AU/')), lake.join('\n'));
  });

  test('GIVEN an update notification delivered twice WHEN the idempotent sink runs as a worker THEN it is recorded once', async () => {
    // GIVEN the notification the component published, delivered twice (taken off the queue and sent back as two copies)
    const notifications = await queueUrl(cloud, 'notifications');
    const seen = await cloud.aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: notifications, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    assert.equal(seen.Messages?.length, 1, 'the component published one update notification');
    const original = seen.Messages![0]!;
    for (let copy = 0; copy < 2; copy++) await cloud.aws.sqs.send(new SendMessageCommand({ QueueUrl: notifications, MessageBody: original.Body!, MessageAttributes: original.MessageAttributes }));
    await cloud.aws.sqs.send(new DeleteMessageCommand({ QueueUrl: notifications, ReceiptHandle: original.ReceiptHandle! }));
    // WHEN the sink takes them one at a time
    const first = cli('worker', 'record-updates', '--stage', STAGE, '--max-messages', '1', '--until-empty', '--wait', '1', '--json');
    const second = cli('worker', 'record-updates', '--stage', STAGE, '--max-messages', '1', '--until-empty', '--wait', '1', '--json');
    // THEN both were acknowledged and the table holds one record
    for (const run of [first, second]) {
      assert.equal(run.status, 0, run.stderr + run.stdout);
      assert.deepEqual(lines(run.stdout).find((l) => l.type === 'summary').deleted, 1);
    }
    assert.match(second.stdout, /skipped a duplicate/);
    const items = await cloud.aws.dynamodb.send(new ScanCommand({ TableName: `pylon-components-${STAGE}-updates` }));
    assert.equal(items.Count, 1);
  });

  test('GIVEN an empty queue WHEN a worker runs --until-empty with no --wait THEN it stops after a 1 s poll, not a 20 s long poll', () => {
    // GIVEN notifications, emptied by the sink above
    // WHEN the sink runs as a worker until its queue is empty, with the default wait
    const run = cli('worker', 'record-updates', '--stage', STAGE, '--until-empty', '--json');
    // THEN it received nothing and stopped because the queue was empty, well before one 20 s long poll
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.deepEqual(lines(run.stdout).find((l) => l.type === 'summary'), { type: 'summary', node: 'record-updates', stage: STAGE, queues: ['notifications'], batches: 0, received: 0, deleted: 0, failed: 0, stoppedBecause: 'empty' });
    assert.ok(run.ms < 15_000, `took ${Math.round(run.ms)} ms`);
  });

  test('GIVEN a lake file the workers wrote WHEN sluice lineage --stage walks it THEN the chain runs writer, component, source, back to the request', () => {
    const key = cli('ls', 'lake', '--stage', STAGE, '--json').json().objects[0].key;
    const run = cli('lineage', 'lake', key, '--stage', STAGE, '--json');
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const chain = run.json();
    assert.deepEqual(chain.steps.map((s: any) => s.artifactName), ['write-assets', 'parse-incidents', 'fetch-resource']);
    assert.deepEqual(chain.steps.map((s: any) => s.stage), [STAGE, STAGE, STAGE]);
    assert.equal(chain.steps[1].metadata.rows, 3, 'the component\'s metadata is recorded');
    assert.ok(chain.steps.every((s: any) => /^[0-9a-f]{64}$/.test(s.artifactVersion)), 'each version is its bundle hash');
    assert.deepEqual(chain.root, [{ kind: 'object', bucket: 'requests', key: 'incidents-2026-01-05.json', eTag: '0123456789abcdef0123456789abcdef' }]);
    // AND for people, the same chain
    const human = cli('lineage', 'lake', key, '--stage', STAGE);
    assert.match(human.stdout, /1\. write-assets \(sink\)[\s\S]*2\. parse-incidents \(component\)[\s\S]*3\. fetch-resource \(source\)[\s\S]*root input: object 'incidents-2026-01-05.json' in bucket 'requests'/);
  });

  test('GIVEN bad input WHEN the worker or lineage is asked for the wrong thing THEN a clear error names it', () => {
    const notQueueFed = cli('worker', 'fetch-resource', '--stage', STAGE, '--until-empty', '--json');
    assert.equal(notQueueFed.status, 2);
    assert.equal(notQueueFed.json().code, 'SLUICE_E_WORKER_NO_QUEUE');
    assert.match(notQueueFed.json().message, /fed by bucket 'requests'/);
    const rootObject = cli('lineage', 'requests', 'incidents-2026-01-05.json', '--stage', STAGE, '--json');
    assert.equal(rootObject.status, 2);
    assert.equal(rootObject.json().code, 'SLUICE_E_NO_LINEAGE');
    const missing = cli('lineage', 'lake', 'no/such/key', '--stage', STAGE, '--json');
    assert.equal(missing.json().code, 'SLUICE_E_NO_SUCH_KEY');
  });
});

/**
 * moto's CloudFormation creates no AWS::SNS::Subscription (MOTO_CFN_UNSUPPORTED_TYPES): make each one
 * of the deployed template through the SNS API, with its filter policy and raw delivery, so moto's SNS
 * fans out as the stack would on AWS.
 */
async function subscribeAsTheTemplateSays(cloud: Cloud, stack: string): Promise<void> {
  const template = await deployedTemplateOf(cloud, stack);
  const resolve = resolver(await resourcesOf(cloud, stack), template, {});
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::SNS::Subscription') continue;
    const p = resolve(r.Properties) as Record<string, any>;
    const attributes: Record<string, string> = {};
    if (p.FilterPolicy) attributes.FilterPolicy = JSON.stringify(p.FilterPolicy);
    if (p.FilterPolicyScope) attributes.FilterPolicyScope = p.FilterPolicyScope;
    if (p.RawMessageDelivery !== undefined) attributes.RawMessageDelivery = String(p.RawMessageDelivery);
    await new SNSClient({}).send(new SubscribeCommand({ TopicArn: p.TopicArn, Protocol: p.Protocol, Endpoint: p.Endpoint, Attributes: attributes }));
  }
}

async function queueUrl(cloud: Cloud, node: string): Promise<string> {
  const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
  return (await cloud.aws.sqs.send(new GetQueueUrlCommand({ QueueName: `pylon-components-${STAGE}-${node}` }))).QueueUrl!;
}
