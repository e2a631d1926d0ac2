/**
 * `sluice deploy`, `diff`, `status`, data commands and `destroy` end to end against moto_server,
 * through the real code path (the CLI as a user runs it), checked through the AWS SDK and the real
 * AWS CLI. moto gaps are named in ./helpers.ts; checks that meet one read the deployed template.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetBucketEncryptionCommand, GetBucketLifecycleConfigurationCommand, GetBucketOwnershipControlsCommand, GetObjectTaggingCommand, GetPublicAccessBlockCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { synthesize } from '../../../src/cloud/synth/synth.js';
import { flatten } from '../../../src/cloud/synth/nested.js';
import { loadPipeline } from '../../../src/cli/load.js';
import { deploy } from '../../../src/cloud/deploy/deploy.js';
import { destroy } from '../../../src/cloud/deploy/destroy.js';
import { describeStack } from '../../../src/cloud/deploy/stack.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { removeRepoTempDir, repoTempDir } from '../../cli/support.js';
import { examplePipelineFiles } from '../synth/helpers.js';
import { ACCOUNT, REGION, ROOT, awsCli, deployedTemplateOf, leftovers, resolver, resourceAt, resourcesOf, rolePolicy, sluice, startCloud, verifyAgainstTemplate, type Cloud } from './helpers.js';

const skip = motoUnavailable();
let cloud: Cloud;
before(async () => {
  if (!skip) cloud = await startCloud();
});
after(async () => cloud?.stop());

// MOTO_CFN_UNSUPPORTED_TYPES, MOTO_CFN_GLUE_JOB (examples/medallion has a Glue job) and MOTO_CFN_CLOUDWATCH_ALARM (examples/ai-sentiment's alerts).
const UNSUPPORTED_BY_MOTO = new Set(['AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription', 'AWS::Lambda::EventInvokeConfig', 'AWS::Glue::Job', 'AWS::CloudWatch::Alarm']);
const EXAMPLE = join(ROOT, 'examples/three-node-copy/pipeline.ts');

test('GIVEN every example WHEN deployed with sluice deploy --yes THEN AWS holds each resource with the settings of its template', { skip }, async () => {
  const examples = examplePipelineFiles();
  assert.ok(examples.length >= 1);
  for (const [i, file] of examples.entries()) {
    const stage = `ex${i}`;
    // WHEN
    const run = sluice(cloud, ['deploy', file, '--stage', stage, '--yes', '--json']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const result = run.json();
    assert.equal(result.result, 'deployed');
    assert.equal(result.stackStatus, 'CREATE_COMPLETE');
    // THEN every resource of the template is in the stack (bar the types moto cannot create: MOTO_CFN_UNSUPPORTED_TYPES, MOTO_CFN_GLUE_JOB, MOTO_CFN_CLOUDWATCH_ALARM)
    const { pipeline } = await loadPipeline(file);
    const s = await synthesize(pipeline, { stage, cacheDir: join(dirname(file), '.sluice', 'cache') });
    const template = flatten(s.template, s.nested);
    const stackName = s.stackName;
    const resources = await resourcesOf(cloud, stackName);
    const expected = Object.entries(template.Resources).filter(([, r]) => !UNSUPPORTED_BY_MOTO.has(r.Type)).map(([id]) => id).sort();
    assert.deepEqual(resources.map((r) => r.logicalId).sort(), expected);
    for (const r of resources) assert.equal(r.status, 'CREATE_COMPLETE', r.logicalId);
    await verifyAgainstTemplate(cloud, s, resources);
    const resolve = resolver(resources, template, { AssetsBucket: `sluice-assets-${ACCOUNT}-${REGION}`, AssetsPrefix: `${stackName}/` });
    // AND what moto does not create is in the deployed template as synthesized (MOTO_CFN_UNSUPPORTED_TYPES, MOTO_CFN_S3_PROPERTIES)
    const deployed = await deployedTemplateOf(cloud, stackName);
    assert.deepEqual(deployed, JSON.parse(s.text));
    for (const [id, r] of Object.entries(deployed.Resources)) {
      if (r.Type !== 'AWS::S3::Bucket') continue;
      const p = r.Properties as Record<string, any>;
      assert.deepEqual(p.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }, id);
      assert.deepEqual(p.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] }, id);
      const policy = Object.values(deployed.Resources).find((x) => x.Type === 'AWS::S3::BucketPolicy' && (x.Properties as any).Bucket.Ref === id);
      assert.equal((policy?.Properties as any)?.PolicyDocument.Statement[0].Condition.Bool['aws:SecureTransport'], 'false', `${id}: TLS-only policy`);
    }
    // AND the assets bucket sluice made is locked down (no TLS-only policy on moto's plain-HTTP endpoint: MOTO_S3_DENY_CONDITIONS)
    const assets = `sluice-assets-${ACCOUNT}-${REGION}`;
    assert.deepEqual((await cloud.aws.s3.send(new GetPublicAccessBlockCommand({ Bucket: assets }))).PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    assert.equal((await cloud.aws.s3.send(new GetBucketEncryptionCommand({ Bucket: assets }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
    assert.deepEqual((await cloud.aws.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: assets }))).OwnershipControls?.Rules, [{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const rules = (await cloud.aws.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: assets }))).Rules!;
    assert.deepEqual(rules.map((r) => [r.ID, r.Expiration?.Days ?? r.AbortIncompleteMultipartUpload?.DaysAfterInitiation]), [['expire-superseded-assets', 30], ['abort-incomplete-multipart-uploads', 1]]);
    // AND the outputs name the deployed resources (MOTO_CFN_OUTPUTS: read back from physical ids)
    for (const [key, output] of Object.entries(template.Outputs ?? {})) {
      // The output of a resource moto does not create (a Glue job's name: MOTO_CFN_GLUE_JOB) is not in its stack.
      const of = (output.Value as { Ref?: string }).Ref;
      if (of && UNSUPPORTED_BY_MOTO.has(template.Resources[of]?.Type ?? '')) continue;
      assert.equal(result.outputs[key], resolve(output.Value), key);
    }
  }
});

test('GIVEN the three-node example deployed WHEN its raw bucket is inspected THEN S3 notifies copy (template: MOTO_CFN_S3_PROPERTIES) and only S3 from that bucket may invoke it', { skip }, async () => {
  const run = sluice(cloud, ['deploy', EXAMPLE, '--stage', 'notify', '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const deployed = await deployedTemplateOf(cloud, 'three-node-pipe-notify');
  const resources = await resourcesOf(cloud, 'three-node-pipe-notify');
  const resolve = resolver(resources, deployed, {});
  const raw = resourceAt(deployed, resources, 'raw/Bucket');
  const notification = (deployed.Resources[raw.id]!.Properties as any).NotificationConfiguration;
  assert.deepEqual(resolve(notification), { LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Function: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:three-node-pipe-notify-copy` }] });
  const copy = resourceAt(deployed, resources, 'copy/Role');
  const grants = (await rolePolicy(cloud, copy.physicalId!)).Statement.flatMap((s: any) => [s.Action].flat().map((a: string) => `${a} ${[s.Resource].flat().join(',')}`)).sort();
  assert.deepEqual(grants, [
    // copy is a component with lineage on: it records its ingestion steps (and needs no payloads: no queue or topic).
    `dynamodb:BatchWriteItem arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/three-node-pipe-notify-sluice-lineage`,
    `dynamodb:PutItem arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/three-node-pipe-notify-sluice-lineage`,
    `kms:Decrypt ${resolve({ 'Fn::GetAtt': ['SluiceKey', 'Arn'] })}`,
    `kms:GenerateDataKey ${resolve({ 'Fn::GetAtt': ['SluiceKey', 'Arn'] })}`,
    `logs:CreateLogStream arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/three-node-pipe-notify-copy:log-stream:*`,
    `logs:PutLogEvents arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/three-node-pipe-notify-copy:log-stream:*`,
    's3:GetObject arn:aws:s3:::three-node-pipe-notify-raw/*',
    's3:PutObject arn:aws:s3:::three-node-pipe-notify-curated/*',
    `sqs:SendMessage arn:aws:sqs:${REGION}:${ACCOUNT}:three-node-pipe-notify-copy-failures`,
    'xray:PutTelemetryRecords *',
    'xray:PutTraceSegments *',
  ].filter((line) => !line.startsWith('kms:') || grantsIncludeKms(deployed)).sort());
  const invokeConfig = Object.values(deployed.Resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')!.Properties as any;
  assert.equal(resolve(invokeConfig.DestinationConfig.OnFailure.Destination), `arn:aws:sqs:${REGION}:${ACCOUNT}:three-node-pipe-notify-copy-failures`);
});

function grantsIncludeKms(template: any): boolean {
  return JSON.stringify(template.Resources.CopyRole.Properties.Policies).includes('kms:');
}

test('GIVEN a deployed stage WHEN an object is dropped with the real AWS CLI THEN sluice cat and ls --stage read it back', { skip }, async () => {
  assert.equal(sluice(cloud, ['deploy', EXAMPLE, '--stage', 'data', '--yes']).status, 0);
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-e2e-')), 'orders.csv');
  writeFileSync(file, 'id,total\n1,9.50\n');
  // WHEN
  const cp = awsCli(cloud, ['s3', 'cp', file, 's3://three-node-pipe-data-raw/in/orders.csv']);
  assert.equal(cp.status, 0, cp.stderr);
  // THEN
  const cat = sluice(cloud, ['cat', 'raw', 'in/orders.csv', '--entry', EXAMPLE, '--stage', 'data']);
  assert.equal(cat.status, 0, cat.stderr);
  assert.equal(cat.stdout, 'id,total\n1,9.50\n');
  const ls = sluice(cloud, ['ls', 'raw', 'in/', '--entry', EXAMPLE, '--stage', 'data', '--json']);
  assert.deepEqual(ls.json().objects.map((o: any) => [o.key, o.size]), [['in/orders.csv', 16]]);
  // AND put --stage writes to the deployed bucket, read back by the AWS CLI
  const put = sluice(cloud, ['put', 'curated', file, '--key', 'out.csv', '--entry', EXAMPLE, '--stage', 'data']);
  assert.equal(put.status, 0, put.stderr);
  assert.equal(awsCli(cloud, ['s3', 'cp', 's3://three-node-pipe-data-curated/out.csv', '-']).stdout, 'id,total\n1,9.50\n');
  // AND an unknown bucket is a message, not a stack trace
  const unknown = sluice(cloud, ['ls', 'nope', '--entry', EXAMPLE, '--stage', 'data']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /bucket 'nope' is not in pipeline 'three-node-pipe' \(its buckets: raw, curated\)/);
  // AND status shows each node's physical ids
  const status = sluice(cloud, ['status', EXAMPLE, '--stage', 'data', '--json']).json();
  assert.equal(status.stack.status, 'CREATE_COMPLETE');
  assert.equal(status.nodes.find((n: any) => n.node === 'raw').resources.find((r: any) => r.part === 'Bucket').physicalId, 'three-node-pipe-data-raw');
  assert.equal(status.nodes.find((n: any) => n.node === 'copy').deadLetters, 0);
});

test('GIVEN a deployed stage WHEN deployed again unchanged THEN nothing is uploaded and no change set is made', { skip }, async () => {
  assert.equal(sluice(cloud, ['deploy', EXAMPLE, '--stage', 'again', '--yes']).status, 0);
  const again = sluice(cloud, ['deploy', EXAMPLE, '--stage', 'again', '--json']);
  assert.equal(again.status, 0, again.stderr);
  const result = again.json();
  assert.equal(result.result, 'unchanged');
  assert.deepEqual(result.uploaded, []);
  assert.equal(result.outputs.RawBucket, 'three-node-pipe-again-raw');
  const diff = sluice(cloud, ['diff', EXAMPLE, '--stage', 'again', '--json']);
  assert.deepEqual(diff.json().changes, []);
});

test('GIVEN two functions deployed WHEN one handler changes THEN diff and deploy change only that function', { skip }, async (t) => {
  // Inside the repository, so the pipeline imports 'sluice' as a user's would.
  const dir = repoTempDir();
  t.after(() => removeRepoTempDir(dir));
  const handler = (text: string) => `import { component } from 'sluice/runtime';\nexport default component(async (input, ctx) => (input.kind === 'object' ? [ctx.object(input.key, ${JSON.stringify(text)})] : []));\n`;
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(dir, 'a.ts'), handler('a1'));
  writeFileSync(join(dir, 'b.ts'), handler('b1'));
  writeFileSync(join(dir, 'pipeline.ts'), `import { bucket, fn, pipeline } from 'sluice';\nconst inbox = bucket('inbox');\nexport default pipeline('two-fns', [inbox.to(fn('a', { handler: './a.ts' }), { prefix: 'a/' }).to(bucket('out-a')), inbox.to(fn('b', { handler: './b.ts' }), { prefix: 'b/' }).to(bucket('out-b'))]);\n`);
  const entry = join(dir, 'pipeline.ts');
  const first = sluice(cloud, ['deploy', entry, '--stage', 'upd', '--yes']);
  assert.equal(first.status, 0, first.stderr);
  const config = (name: string) => cloud.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `two-fns-upd-${name}` }));
  const [a0, b0] = [await config('a'), await config('b')];
  // WHEN handler a changes
  writeFileSync(join(dir, 'a.ts'), handler('a2'));
  // THEN diff names only a's function, and changes nothing
  const diff = sluice(cloud, ['diff', entry, '--stage', 'upd', '--json']);
  assert.equal(diff.status, 0, diff.stderr);
  assert.deepEqual(diff.json().changes.map((c: any) => [c.action, c.path]), [['modify', 'a/Function']]);
  // (the change set needs the new bundle and template in S3: diff uploads them, deploy reuses them)
  assert.deepEqual(diff.json().uploaded.map((u: any) => u.kind).sort(), ['lambda', 'template']);
  assert.equal((await config('a')).CodeSha256, a0.CodeSha256);
  // AND deploy updates only that function
  const run = sluice(cloud, ['deploy', entry, '--stage', 'upd', '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const result = run.json();
  assert.deepEqual(result.changes.map((c: any) => [c.action, c.path]), [['modify', 'a/Function']]);
  assert.deepEqual(result.uploaded, []);
  const [a1, b1] = [await config('a'), await config('b')];
  assert.notEqual(a1.CodeSha256, a0.CodeSha256);
  assert.equal(b1.CodeSha256, b0.CodeSha256);
  assert.equal(b1.LastModified, b0.LastModified);
  assert.equal(b1.RevisionId, b0.RevisionId);
  assert.equal(result.stackStatus, 'UPDATE_COMPLETE');
  // AND the assets the stack no longer uses are tagged for the lifecycle rule to expire; the others are not
  const bucket = `sluice-assets-${ACCOUNT}-${REGION}`;
  const keys = ((await cloud.aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'two-fns-upd/' }))).Contents ?? []).map((o) => o.Key!);
  const superseded: string[] = [];
  for (const key of keys) {
    const tags = (await cloud.aws.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet ?? [];
    if (tags.some((t) => t.Key === 'sluice-asset' && t.Value === 'superseded')) superseded.push(key);
  }
  assert.equal(keys.length, 5, 'two templates and three bundles (a before, a after, b)');
  assert.equal(superseded.length, 2, `the old template and a's old bundle: ${superseded.join(', ')}`);
  // AND destroying it leaves nothing of it
  assert.equal(sluice(cloud, ['destroy', entry, '--stage', 'upd', '--yes']).status, 0);
  assert.deepEqual(Object.values(await leftovers(cloud, 'two-fns-upd')).flat(), []);
});

test('GIVEN a deploy or destroy declined at its confirmation THEN nothing is created or deleted (SLUICE_E_DEPLOY_CANCELLED)', { skip }, async () => {
  const { pipeline } = await loadPipeline(EXAMPLE);
  const cacheDir = join(ROOT, 'examples/three-node-copy/.sluice/cache');
  // WHEN a first deploy is declined THEN it fails with the code, and no stack (not even the change set's) remains
  await assert.rejects(deploy(pipeline, { stage: 'declined', cacheDir, aws: cloud.aws, confirm: async () => false }), { code: 'SLUICE_E_DEPLOY_CANCELLED', message: /deploy of stack 'three-node-pipe-declined' cancelled; nothing was changed/ });
  assert.equal(await describeStack(cloud.aws, 'three-node-pipe-declined'), undefined);
  // WHEN a destroy of a deployed stage is declined THEN its stack is still there
  await deploy(pipeline, { stage: 'declined', cacheDir, aws: cloud.aws, yes: true });
  await assert.rejects(destroy(pipeline, { stage: 'declined', aws: cloud.aws, confirm: async () => false }), { code: 'SLUICE_E_DEPLOY_CANCELLED', message: /nothing was deleted/ });
  assert.equal((await describeStack(cloud.aws, 'three-node-pipe-declined'))?.StackStatus, 'CREATE_COMPLETE');
  await destroy(pipeline, { stage: 'declined', aws: cloud.aws, yes: true });
});

test('GIVEN a deployed stage holding data WHEN destroyed with --yes, twice THEN no bucket, queue, function, role, log group or asset of it remains', { skip }, async () => {
  assert.equal(sluice(cloud, ['deploy', EXAMPLE, '--stage', 'gone', '--yes']).status, 0);
  assert.equal(sluice(cloud, ['put', 'raw', join(ROOT, 'examples/three-node-copy/sample-data'), '--entry', EXAMPLE, '--stage', 'gone']).status, 0);
  const before = await leftovers(cloud, 'three-node-pipe-gone');
  assert.equal(before.buckets.length, 2);
  assert.ok(before.assets.length >= 2);
  // WHEN
  const run = sluice(cloud, ['destroy', EXAMPLE, '--stage', 'gone', '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const result = run.json();
  assert.equal(result.result, 'destroyed');
  assert.ok(result.objectsDeleted >= 2);
  // THEN
  assert.deepEqual(await leftovers(cloud, 'three-node-pipe-gone'), { stack: [], buckets: [], queues: [], topics: [], tables: [], functions: [], mappings: [], roles: [], logGroups: [], assets: [], rules: [] });
  // AND again is harmless
  const twice = sluice(cloud, ['destroy', EXAMPLE, '--stage', 'gone', '--yes', '--json']);
  assert.equal(twice.status, 0, twice.stderr);
  assert.equal(twice.json().result, 'nothing');
  // AND data commands say the stage is not deployed, with the fix
  const ls = sluice(cloud, ['ls', 'raw', '--entry', EXAMPLE, '--stage', 'gone', '--json']);
  assert.equal(ls.status, 2);
  assert.equal(ls.json().code, 'SLUICE_E_DEPLOY_NOT_DEPLOYED');
  assert.match(ls.json().message, /sluice deploy --stage gone/);
});
