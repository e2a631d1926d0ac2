/**
 * Deploying with bad input: no credentials, no region, an endpoint that does not answer, a stack
 * another operation is changing, bucket names another account holds, no terminal to confirm on, a
 * deploy that fails half-way and a first deploy left in ROLLBACK_COMPLETE. Each is one message with
 * the fix, and nothing half-deployed stays behind. Against moto; where moto cannot reach a state
 * (MOTO_CFN_NO_ROLLBACK: it never leaves a stack in progress or rolled back), the CloudFormation
 * client is wrapped to report that state, and everything else still goes to moto.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AwsSession } from '../../../src/cloud/deploy/aws.js';
import { deploy } from '../../../src/cloud/deploy/deploy.js';
import { DeployError } from '../../../src/cloud/deploy/errors.js';
import { describeStack } from '../../../src/cloud/deploy/stack.js';
import { loadPipeline } from '../../../src/cli/load.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { REGION, ROOT, leftovers, sluice, startCloud, type Cloud } from './helpers.js';
import { CACHE_DIR } from '../synth/helpers.js';

const skip = motoUnavailable();
const EXAMPLE = join(ROOT, 'examples/three-node-copy/pipeline.ts');
let cloud: Cloud;
before(async () => {
  if (!skip) cloud = await startCloud();
});
after(async () => cloud?.stop());

/** An environment with nothing of AWS in it, and a home with no ~/.aws. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'sluice-home-')), NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

const nothingOf = (l: Record<string, string[]>) => ({ ...l, assets: [] });
const EMPTY = { stack: [], buckets: [], queues: [], topics: [], tables: [], functions: [], mappings: [], roles: [], logGroups: [], assets: [], rules: [] };

test('GIVEN no AWS credentials WHEN deploying THEN it says to set AWS_PROFILE or the access keys', { skip }, () => {
  const run = sluice(undefined, ['deploy', EXAMPLE, '--stage', 'dev', '--yes', '--json'], { env: bareEnv({ AWS_REGION: REGION, AWS_ENDPOINT_URL: cloud.moto.endpoint }) });
  assert.equal(run.status, 2);
  const e = run.json();
  assert.equal(e.code, 'SLUICE_E_DEPLOY_CREDENTIALS');
  assert.match(e.message, /set AWS_PROFILE or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY .*; for an emulator, AWS_ENDPOINT_URL/);
});

test('GIVEN no region WHEN deploying THEN it says to set AWS_REGION', { skip }, () => {
  const run = sluice(undefined, ['deploy', EXAMPLE, '--stage', 'dev', '--yes'], { env: bareEnv({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_ENDPOINT_URL: cloud.moto.endpoint }) });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /no AWS region is set .*; set AWS_REGION .*\[SLUICE_E_DEPLOY_REGION\]/);
});

test('GIVEN an endpoint that does not answer WHEN deploying THEN it names the endpoint within seconds', { skip }, async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const run = sluice(undefined, ['status', EXAMPLE, '--stage', 'dev'], { env: bareEnv({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: REGION, AWS_ENDPOINT_URL: endpoint }) });
  assert.equal(run.status, 2);
  assert.match(run.stderr, new RegExp(`could not reach the AWS endpoint ${endpoint} \\(AWS_ENDPOINT_URL\\) .*\\(ECONNREFUSED\\); start the emulator or fix AWS_ENDPOINT_URL .*SLUICE_E_DEPLOY_ENDPOINT`));
  assert.ok(run.ms < 15_000, `took ${run.ms} ms`);
});

test('GIVEN bucket names another account holds WHEN deploying THEN it lists them, says why, and creates nothing', { skip }, async () => {
  const other = new S3Client({ forcePathStyle: true, region: REGION });
  other.middlewareStack.add((next) => async (args: any) => {
    args.request.headers['x-moto-account-id'] = '222222222222';
    return next(args);
  }, { step: 'build' });
  await other.send(new CreateBucketCommand({ Bucket: 'three-node-pipe-taken-curated' }));
  const run = sluice(cloud, ['deploy', EXAMPLE, '--stage', 'taken', '--yes']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /cannot deploy stack 'three-node-pipe-taken': 1 name is taken: \[SLUICE_E_DEPLOY_NAME_TAKEN\]\n  - S3 bucket 'three-node-pipe-taken-curated' \(curated\/Bucket\) belongs to another AWS account\nS3 bucket names are global: choose another stage or pipeline name .*; nothing was deployed\n/);
  assert.deepEqual(nothingOf(await leftovers(cloud, 'three-node-pipe-taken')), EMPTY);
  // AND an assets bucket name held by another account is refused, not configured
  await other.send(new CreateBucketCommand({ Bucket: 'someone-elses-assets' }));
  const assets = sluice(cloud, ['deploy', EXAMPLE, '--stage', 'assets', '--yes', '--json'], { env: { ...cloud.env, SLUICE_ASSETS_BUCKET: 'someone-elses-assets' } });
  assert.equal(assets.json().code, 'SLUICE_E_DEPLOY_ASSETS_BUCKET');
  assert.match(assets.json().message, /set SLUICE_ASSETS_BUCKET to a bucket name of your own/);
});

test('GIVEN no terminal and no --yes WHEN deploying changes THEN it shows them, refuses with the flag to use, and leaves no stack', { skip }, async () => {
  const run = sluice(cloud, ['deploy', EXAMPLE, '--stage', 'noyes']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /\+ add +raw\/Bucket +AWS::S3::Bucket/);
  // 14: the example's resources, its lineage table included (copy is a component with lineage on).
  assert.match(run.stderr, /\+ add +LineageTable +AWS::DynamoDB::Table/);
  assert.match(run.stderr, /needs confirmation \(14 changes\) and there is no terminal to ask on; rerun with --yes .*\[SLUICE_E_DEPLOY_CONFIRM\]/);
  assert.equal(await describeStack(cloud.aws, 'three-node-pipe-noyes'), undefined);
  // AND destroy refuses the same way
  const destroy = sluice(cloud, ['destroy', EXAMPLE, '--stage', 'ex0']);
  assert.ok(destroy.status === 0 || /rerun with --yes/.test(destroy.stderr));
});

/**
 * The real moto CloudFormation client, with some answers replaced. A subclass, so the SDK's paginators
 * and waiters (which check the client's class) take it.
 */
function wrapped(answer: (command: object, real: CloudFormationClient) => Promise<unknown> | undefined): CloudFormationClient {
  const real = new CloudFormationClient({ region: REGION });
  class Wrapped extends CloudFormationClient {
    override send(command: never): never {
      return (answer(command, real) ?? real.send(command)) as never;
    }
  }
  return new Wrapped({ region: REGION });
}

test('GIVEN a stack another operation is changing WHEN deploying THEN it says to wait, and touches nothing', { skip }, async () => {
  const { pipeline } = await loadPipeline(EXAMPLE);
  const sent: string[] = [];
  const cloudformation = wrapped((command) => {
    sent.push(command.constructor.name);
    if (command instanceof DescribeStacksCommand) return Promise.resolve({ Stacks: [{ StackName: 'three-node-pipe-busy', StackId: 'id', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }] });
    return undefined;
  });
  const aws = new AwsSession(REGION, cloud.moto.endpoint, { cloudformation });
  await assert.rejects(deploy(pipeline, { stage: 'busy', cacheDir: CACHE_DIR, yes: true, aws }), (e: DeployError) => {
    assert.equal(e.code, 'SLUICE_E_DEPLOY_BUSY');
    assert.match(e.message, /stack 'three-node-pipe-busy' is UPDATE_IN_PROGRESS: another deploy or destroy is running; wait for it to finish \(sluice status --stage busy\)/);
    return true;
  });
  assert.deepEqual(sent, ['DescribeStacksCommand']);
});

test('GIVEN a deploy whose resource fails WHEN it runs THEN the error names the resource and AWS\'s reason, and the next deploy succeeds', { skip }, async () => {
  const { pipeline } = await loadPipeline(EXAMPLE);
  // GIVEN the name of a bucket is taken after the checks and before the change set runs
  const aws = new AwsSession(REGION, cloud.moto.endpoint);
  const takeName = async () => void (await aws.s3.send(new CreateBucketCommand({ Bucket: 'three-node-pipe-fails-curated' })));
  // WHEN (moto fails ExecuteChangeSet itself: MOTO_CFN_NO_ROLLBACK)
  await assert.rejects(deploy(pipeline, { stage: 'fails', cacheDir: CACHE_DIR, yes: true, aws, onPlan: takeName }), (e: DeployError) => {
    assert.equal(e.code, 'SLUICE_E_DEPLOY_FAILED');
    assert.match(e.message, /deploy of stack 'three-node-pipe-fails' failed: The requested bucket name is not available.*; nothing of it was left behind; fix the cause and deploy again/s);
    return true;
  });
  assert.equal(await describeStack(aws, 'three-node-pipe-fails'), undefined);
  // AND nothing of the failed deploy is left: only the bucket someone else took remains
  const left = await leftovers(cloud, 'three-node-pipe-fails');
  assert.deepEqual([left.stack, left.buckets, left.functions, left.queues, left.roles, left.logGroups], [[], ['three-node-pipe-fails-curated'], [], [], [], []]);
  // THEN once the name is free again, the next deploy succeeds
  await aws.s3.send(new DeleteBucketCommand({ Bucket: 'three-node-pipe-fails-curated' }));
  const result = await deploy(pipeline, { stage: 'fails', cacheDir: CACHE_DIR, yes: true, aws });
  assert.equal(result.stackStatus, 'CREATE_COMPLETE');
});

test('GIVEN CloudFormation reports failed resources WHEN a first deploy rolls back THEN the error lists each with its path and reason', { skip }, async () => {
  const { pipeline } = await loadPipeline(EXAMPLE);
  let executed = false;
  const cloudformation = wrapped((command) => {
    if (command instanceof ExecuteChangeSetCommand) {
      executed = true;
      return Promise.resolve({});
    }
    if (executed && command instanceof DescribeStacksCommand) return Promise.resolve({ Stacks: [{ StackName: 'three-node-pipe-rb', StackId: 'id', StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() }] });
    if (executed && command instanceof DescribeStackEventsCommand) {
      const at = (s: number) => new Date(Date.now() + s * 1000);
      return Promise.resolve({ StackEvents: [
        { EventId: 'e3', LogicalResourceId: 'three-node-pipe-rb', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'ROLLBACK_COMPLETE', Timestamp: at(3) },
        { EventId: 'e2', LogicalResourceId: 'CopyFunction', ResourceType: 'AWS::Lambda::Function', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'Resource creation cancelled', Timestamp: at(2) },
        { EventId: 'e1', LogicalResourceId: 'RawBucket', ResourceType: 'AWS::S3::Bucket', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'three-node-pipe-rb-raw already exists', Timestamp: at(1) },
      ] });
    }
    return undefined;
  });
  const aws = new AwsSession(REGION, cloud.moto.endpoint, { cloudformation });
  const seen: string[] = [];
  await assert.rejects(deploy(pipeline, { stage: 'rb', cacheDir: CACHE_DIR, yes: true, aws, onEvent: (e) => seen.push(`${e.path ?? e.logicalId} ${e.status}`) }), (e: DeployError) => {
    assert.equal(e.code, 'SLUICE_E_DEPLOY_FAILED');
    assert.deepEqual(e.failures, [{ logicalId: 'RawBucket', path: 'raw/Bucket', type: 'AWS::S3::Bucket', status: 'CREATE_FAILED', reason: 'three-node-pipe-rb-raw already exists' }]);
    assert.match(e.message, /  - raw\/Bucket \(AWS::S3::Bucket\) CREATE_FAILED: three-node-pipe-rb-raw already exists\nthe stack rolled back to ROLLBACK_COMPLETE and holds no resources; the next deploy deletes it and creates it anew/);
    return true;
  });
  assert.deepEqual(seen, ['raw/Bucket CREATE_FAILED', 'copy/Function CREATE_FAILED', 'three-node-pipe-rb ROLLBACK_COMPLETE']);
});

test('GIVEN a first deploy left in ROLLBACK_COMPLETE WHEN deploying again THEN the empty stack is deleted and created anew', { skip }, async () => {
  const { pipeline } = await loadPipeline(EXAMPLE);
  // GIVEN a stack moto holds (an unexecuted change set), which CloudFormation reports as ROLLBACK_COMPLETE once
  const real = new CloudFormationClient({ region: REGION });
  await real.send(new CreateChangeSetCommand({ StackName: 'three-node-pipe-again2', ChangeSetName: 'x', ChangeSetType: 'CREATE', TemplateBody: '{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}}}' }));
  let reported = false;
  const sent: string[] = [];
  const cloudformation = wrapped((command) => {
    sent.push(command.constructor.name);
    if (!reported && command instanceof DescribeStacksCommand) {
      reported = true;
      return real.send(command).then((out) => ({ Stacks: out.Stacks!.map((s) => ({ ...s, StackStatus: 'ROLLBACK_COMPLETE' })) }));
    }
    return undefined;
  });
  const aws = new AwsSession(REGION, cloud.moto.endpoint, { cloudformation });
  const lines: string[] = [];
  const result = await deploy(pipeline, { stage: 'again2', cacheDir: CACHE_DIR, yes: true, aws, log: (l) => lines.push(l) });
  assert.equal(result.stackStatus, 'CREATE_COMPLETE');
  assert.ok(sent.includes(DeleteStackCommand.name));
  assert.match(lines.join('\n'), /stack three-node-pipe-again2 is ROLLBACK_COMPLETE after a failed first deploy and holds nothing; deleting it to create it anew/);
});

test('GIVEN the local stage or no stage WHEN deploying THEN it asks for an AWS stage', () => {
  const none = sluice(undefined, ['deploy', EXAMPLE, '--json'], { env: bareEnv({}) });
  assert.equal(none.json().code, 'SLUICE_E_STAGE');
  assert.match(none.json().message, /needs --stage NAME/);
  const local = sluice(undefined, ['deploy', EXAMPLE, '--stage', 'local'], { env: bareEnv({}) });
  assert.match(local.stderr, /stage 'local' is the embedded engine, not AWS/);
});
