/**
 * A routed step fed by an existing bucket, on moto through the CLI: deploy refuses until the existing
 * bucket sends its events to EventBridge (and says how), `--yes` turns that on, keeping the bucket's
 * other settings; a file put with the real `aws s3 cp` is routed and standardized by the deployed
 * route's step behind the Lambda entry (moto runs no Lambda code: MOTO_LAMBDA_NO_DOCKER); `sluice cat
 * --stage` reads the output back; destroy removes the stack and leaves the existing bucket and its
 * objects as they were.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetBucketNotificationConfigurationCommand, HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { loadPipeline } from '../../../src/cli/load.js';
import { lambdaHandler } from '../../../src/runtime/aws/lambda.js';
import { missingHandlerFile } from '../../../src/bundling/handler-file.js';
import { isRoute } from '../../../src/model/route.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { removeRepoTempDir, repoTempDir } from '../../cli/support.js';
import { REGION, ROOT, awsCli, resourcesOf, sluice, startCloud, type Cloud } from './helpers.js';

const skip = motoUnavailable();
const STAGE = 'rt';
const DROP = 'acme-tsdat-drop';
const SAMPLE = join(ROOT, 'examples/tsdat-ingest/data/a2e_buoy_ingest/morro/buoy.z06.00.20201201.000000.csv');

describe('a route fed by an existing bucket, deployed on moto', { skip }, () => {
  let cloud: Cloud;
  let dir: string;
  let entry: string;

  before(async () => {
    cloud = await startCloud();
    // GIVEN the Tsdat example, its input bucket an existing one that already holds a file
    dir = repoTempDir();
    cpSync(join(ROOT, 'examples/tsdat-ingest'), dir, { recursive: true, filter: (from) => !from.includes('/.sluice') });
    entry = join(dir, 'pipeline.ts');
    writeFileSync(entry, readFileSync(entry, 'utf8').replace("const incoming = bucket('incoming');", `const incoming = bucket.existing('${DROP}', { node: 'incoming' });`));
    assert.equal(awsCli(cloud, ['s3api', 'create-bucket', '--bucket', DROP]).status, 0);
    assert.equal(awsCli(cloud, ['s3', 'cp', SAMPLE, `s3://${DROP}/earlier/keep.csv`]).status, 0);
  });
  after(async () => {
    removeRepoTempDir(dir);
    await cloud?.stop();
  });

  test('deploy says exactly how to turn on EventBridge events of the existing bucket, and turns them on with --yes', () => {
    // WHEN deployed without --yes
    const refused = sluice(cloud, ['deploy', entry, '--stage', STAGE]);
    // THEN it fails with the command that turns the bucket's events on, and changes nothing
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /existing bucket 'acme-tsdat-drop' does not send events to Amazon EventBridge/);
    assert.ok(refused.stderr.includes(`aws s3api put-bucket-notification-configuration --bucket ${DROP} --notification-configuration '{"EventBridgeConfiguration":{}}'`), refused.stderr);
    assert.ok(refused.stderr.includes('[SLUICE_E_EXISTING_EVENTS_OFF]'));
    // WHEN deployed with --yes
    const run = sluice(cloud, ['deploy', entry, '--stage', STAGE, '--yes']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    // THEN it shows the change it makes: the bucket's configuration with EventBridge added
    assert.match(run.stderr, /turning on EventBridge notifications of existing bucket acme-tsdat-drop \(its other notification settings kept\): \{"EventBridgeConfiguration":\{\}\}/);
  });

  test('the bucket now sends events to EventBridge', { skip: 'MOTO_S3_EVENTBRIDGE_CONFIG: moto accepts an EventBridgeConfiguration in PutBucketNotificationConfiguration but GetBucketNotificationConfiguration never returns it' }, async () => {
    const notification = await cloud.aws.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: DROP }));
    assert.deepEqual(notification.EventBridgeConfiguration, {});
  });

  test('the stack holds the EventBridge rule and not the existing bucket', async () => {
    const resources = await resourcesOf(cloud, `tsdat-ingest-${STAGE}`);
    assert.ok(resources.some((r) => r.type === 'AWS::Events::Rule' && r.logicalId === 'IncomingToIngestRule'), resources.map((r) => r.logicalId).join(', '));
    assert.ok(!resources.some((r) => r.type === 'AWS::S3::Bucket' && r.physicalId === DROP));
  });

  test('a file put with aws s3 cp is routed and standardized by the deployed step, and sluice cat --stage reads the output', async () => {
    // GIVEN a file dropped into the existing bucket with the real AWS CLI
    const key = 'incoming/buoy.z06.00.20201201.000000.csv';
    assert.equal(awsCli(cloud, ['s3', 'cp', SAMPLE, `s3://${DROP}/${key}`]).status, 0);
    // WHEN the route's step runs on the EventBridge event S3 sends, behind the Lambda entry with the deployed function's environment (MOTO_LAMBDA_NO_DOCKER)
    const { pipeline } = await loadPipeline(entry);
    const route = pipeline.nodesOf('fn').find(isRoute)!;
    assert.equal(missingHandlerFile(route), undefined);
    const name = `tsdat-ingest-${STAGE}-ingest`;
    const config = await cloud.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const handler = lambdaHandler(await import(route.handlerPath), { env: { ...config.Environment!.Variables, AWS_LAMBDA_FUNCTION_NAME: name, AWS_REGION: REGION, AWS_ENDPOINT_URL: cloud.moto.endpoint } });
    const size = readFileSync(SAMPLE).length;
    const event = { version: '0', id: 'e1', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', time: '2026-01-05T10:00:00Z', region: REGION, resources: [`arn:aws:s3:::${DROP}`], detail: { version: '0', bucket: { name: DROP }, object: { key, size, etag: 'x' }, 'request-id': 'r1', requester: '123456789012', reason: 'PutObject' } };
    await handler(event, { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 });
    // THEN the standardized outputs are in the stage's bucket, readable with sluice cat --stage
    const ls = sluice(cloud, ['ls', 'standardized', '--entry', entry, '--stage', STAGE, '--json']);
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(ls.json().objects.map((o: { key: string }) => o.key), ['a2e_buoy_ingest/morro/20201201/buoy.z06.00.20201201.000000.parquet', 'a2e_buoy_ingest/morro/20201201/buoy.z06.00.20201201.000000.summary.json']);
    const cat = sluice(cloud, ['cat', 'standardized', 'a2e_buoy_ingest/morro/20201201/buoy.z06.00.20201201.000000.summary.json', '--entry', entry, '--stage', STAGE]);
    assert.equal(cat.status, 0, cat.stderr);
    assert.equal(JSON.parse(cat.stdout).location, 'morro');
  });

  test('destroy removes the stack and leaves the existing bucket and its objects as they were', async () => {
    const run = sluice(cloud, ['destroy', entry, '--stage', STAGE, '--yes']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    await cloud.aws.s3.send(new HeadBucketCommand({ Bucket: DROP }));
    const objects = await cloud.aws.s3.send(new ListObjectsV2Command({ Bucket: DROP }));
    assert.deepEqual(objects.Contents?.map((o) => o.Key).sort(), ['earlier/keep.csv', 'incoming/buoy.z06.00.20201201.000000.csv']);
  });
});
