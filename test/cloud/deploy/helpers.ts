/**
 * Shared by the deploy tests: one moto_server per test file, the sluice CLI and the real AWS CLI
 * pointed at it, an AWS session for checks through the SDK, a resolver that turns a template's
 * intrinsics into the values AWS gives them (to compare deployed settings with the template), and
 * the check that nothing of a destroyed stack remains.
 *
 * moto 5.2 gaps met by these tests, by name (each check that meets one reads the deployed template
 * with GetTemplate instead, or says so where it is skipped):
 * - MOTO_CFN_UNSUPPORTED_TYPES: CloudFormation creates no AWS::S3::BucketPolicy, AWS::SQS::QueuePolicy,
 *   AWS::SNS::TopicPolicy, AWS::SNS::Subscription or AWS::Lambda::EventInvokeConfig ("No Moto
 *   CloudFormation support"); they are listed with no logical id and do not exist after CREATE_COMPLETE.
 * - MOTO_CFN_CLOUDWATCH_ALARM: CloudFormation creates no AWS::CloudWatch::Alarm (the stack completes
 *   without it); the ai-sentiment test makes the alarms through the CloudWatch API as the template says.
 * - MOTO_SNS_EMAIL_CONFIRMED: an email subscription is confirmed at once (AWS: PendingConfirmation);
 *   moto keeps no subscription of any protocol pending, so no test can read a pending one.
 * - MOTO_CFN_S3_PROPERTIES: an AWS::S3::Bucket gets only BucketName, BucketEncryption and Tags;
 *   NotificationConfiguration, PublicAccessBlockConfiguration, OwnershipControls,
 *   LifecycleConfiguration and VersioningConfiguration are dropped.
 * - MOTO_CFN_LAMBDA_PROPERTIES: Architectures (arm64 -> x86_64), TracingConfig (Active -> PassThrough),
 *   KmsKeyArn and LoggingConfig are dropped; LastModified does not change on a code update.
 * - MOTO_CFN_DYNAMODB_PROPERTIES: PointInTimeRecoverySpecification, SSESpecification and
 *   TimeToLiveSpecification are dropped (DescribeTimeToLive says DISABLED).
 * - MOTO_CFN_SQS_REDRIVE_ALLOW: a queue's RedriveAllowPolicy is dropped.
 * - MOTO_CFN_NESTED_OUTPUTS: nested stacks deploy, but `Fn::GetAtt Stack.Outputs.X` crashes moto's
 *   ListStackResources ('Stack' object has no attribute 'get_cfn_attribute'), so no test deploys a
 *   pipeline past 500 resources.
 * - MOTO_IAM_POLICY_REPR: GetRolePolicy returns a CloudFormation-made inline policy as a Python dict
 *   repr (single quotes), not JSON; `policyDocument` reads both.
 * - MOTO_CFN_OUTPUTS: a stack created through a change set reports no Outputs (deploy falls back to
 *   the physical ids the outputs refer to).
 * - MOTO_CFN_NO_ROLLBACK: a resource that fails makes ExecuteChangeSet itself fail, with no stack
 *   events and no rollback (deploy deletes a failed first deploy itself).
 * - MOTO_CFN_KMS_TAGS: Tags on AWS::KMS::Key crash moto's CloudFormation (KeyError 'TagKey'); synth
 *   leaves the key's tags to the stack's tags.
 * - MOTO_S3_DENY_CONDITIONS: a bucket policy Deny applies whatever its Condition, so the assets
 *   bucket's TLS-only policy is not set on a plain-HTTP endpoint.
 * - MOTO_S3_EXPECTED_OWNER: HeadBucket ignores ExpectedBucketOwner.
 * - MOTO_CFN_SUB_DOLLARS: moto's Fn::Sub is Python's string.Template, which turns `$$` into `$`, so a
 *   deployed definition reads `$.Execution.Id` where the template (and AWS) says `$$.Execution.Id`.
 * - MOTO_CFN_SFN_PROPERTIES: a state machine gets only its name, DefinitionString, RoleArn and Tags:
 *   Definition/DefinitionSubstitutions (hence synth's DefinitionString), LoggingConfiguration and
 *   TracingConfiguration are dropped (checked in the template).
 * - MOTO_CFN_GLUE_JOB: CloudFormation creates no AWS::Glue::Job, and resolves its Ref to 'None' (in a
 *   state machine's definition, the Glue task's JobName); the job is checked in the deployed
 *   template, its script and files in the assets bucket.
 * - MOTO_SFN_NO_RUN: moto runs no state machine: an execution stays RUNNING until stopped (then
 *   ABORTED), and its history is a fixed example unrelated to the definition (no Task events).
 * - MOTO_LAMBDA_NO_DOCKER: moto runs no Lambda code without Docker, so handlers are not invoked here
 *   (test/runtime/lambda-adapter.test.ts runs them in process against moto).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeStateMachineCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { AwsSession } from '../../../src/cloud/deploy/aws.js';
import { describeStack, stackResources, type DeployedResource } from '../../../src/cloud/deploy/stack.js';
import type { Template } from '../../../src/cloud/synth/template.js';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { GetFunctionConfigurationCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import { GetBucketEncryptionCommand, GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { flatten } from '../../../src/cloud/synth/nested.js';
import type { Synthesis } from '../../../src/cloud/synth/synth.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'sluice.js');
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** moto, and everything pointed at it. */
export interface Cloud {
  moto: Moto;
  env: NodeJS.ProcessEnv;
  aws: AwsSession;
  iam: IAMClient;
  stop(): Promise<void>;
}

/** Start moto and point this process's SDK at it (each test file runs in its own process). */
export async function startCloud(): Promise<Cloud> {
  const moto = await startMoto();
  const env: NodeJS.ProcessEnv = { ...process.env, ...moto.env, NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.AWS_PROFILE;
  delete env.SLUICE_ASSETS_BUCKET;
  Object.assign(process.env, moto.env, { AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const aws = new AwsSession(REGION, moto.endpoint);
  return { moto, env, aws, iam: new IAMClient({ region: REGION }), stop: () => moto.stop() };
}

/** A CLI run's outcome. */
export interface Run {
  status: number;
  stdout: string;
  stderr: string;
  ms: number;
  json(): any;
}

/** Run `sluice ...args` as a user would, against moto unless `env` says otherwise. */
export function sluice(cloud: Cloud | undefined, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Run {
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, encoding: 'utf8', input: options.input ?? '', env: options.env ?? cloud!.env, timeout: 120_000 });
  const ms = performance.now() - started;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms, json: () => JSON.parse(r.stdout) };
}

/** Run the real AWS CLI against moto. */
export function awsCli(cloud: Cloud, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('aws', [...args, '--endpoint-url', cloud.moto.endpoint, '--region', REGION], { encoding: 'utf8', env: cloud.env, timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** An inline policy document as returned by GetRolePolicy: URL-encoded JSON, or moto's Python repr (MOTO_IAM_POLICY_REPR). */
export function policyDocument(text: string): any {
  const decoded = decodeURIComponent(text);
  try {
    return JSON.parse(decoded);
  } catch {
    return JSON.parse(decoded.replace(/'/g, '"').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null'));
  }
}

/** The inline policy `least-privilege` of a deployed role. */
export async function rolePolicy(cloud: Cloud, roleName: string): Promise<any> {
  const out = await cloud.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'least-privilege' }));
  return policyDocument(out.PolicyDocument!);
}

/** The template a stack holds (GetTemplate), for the parts moto does not create. */
export async function deployedTemplateOf(cloud: Cloud, stack: string): Promise<Template> {
  const out = await cloud.aws.cloudformation.send(new GetTemplateCommand({ StackName: stack }));
  return JSON.parse(out.TemplateBody!);
}

/** The deployed resource at a node path of a template. */
export function resourceAt(template: Template, resources: DeployedResource[], path: string): DeployedResource & { id: string } {
  const id = Object.entries(template.Resources).find(([, r]) => r.Metadata?.['sluice:path'] === path)?.[0];
  assert.ok(id, `no resource at path ${path}`);
  const r = resources.find((x) => x.logicalId === id);
  assert.ok(r, `resource ${id} (${path}) is not deployed`);
  return { ...r, id };
}

/**
 * Resolve a template value the way CloudFormation does in this account and region: pseudo
 * parameters, parameters, `Ref`, `Fn::GetAtt ... Arn` and a queue's `QueueName` of deployed resources, `Fn::Sub`.
 */
export function resolver(resources: DeployedResource[], template: Template, parameters: Record<string, string>): (value: unknown) => any {
  const physical = new Map(resources.map((r) => [r.logicalId, r]));
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' };
  const refOf = (id: string): string => {
    if (pseudo[id]) return pseudo[id]!;
    if (parameters[id] !== undefined) return parameters[id]!;
    const r = physical.get(id);
    // A Glue job's Ref is its name; moto creates none (MOTO_CFN_GLUE_JOB), so read the name from the template.
    const glueName = template.Resources[id]?.Type === 'AWS::Glue::Job' ? (template.Resources[id]!.Properties as { Name?: string }).Name : undefined;
    if (!r?.physicalId && glueName) return glueName;
    assert.ok(r?.physicalId, `cannot resolve Ref ${id}`);
    return r.physicalId;
  };
  const arnOf = (id: string): string => {
    const r = physical.get(id);
    assert.ok(r?.physicalId, `cannot resolve ${id}.Arn`);
    const p = r.physicalId;
    switch (template.Resources[id]?.Type) {
      case 'AWS::SQS::Queue': return `arn:aws:sqs:${REGION}:${ACCOUNT}:${p.split('/').pop()}`;
      case 'AWS::KMS::Key': return `arn:aws:kms:${REGION}:${ACCOUNT}:key/${p}`;
      case 'AWS::Lambda::Function': return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${p}`;
      case 'AWS::IAM::Role': return `arn:aws:iam::${ACCOUNT}:role/${p}`;
      case 'AWS::S3::Bucket': return `arn:aws:s3:::${p}`;
      case 'AWS::DynamoDB::Table': return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${p}`;
      case 'AWS::Events::Rule': return `arn:aws:events:${REGION}:${ACCOUNT}:rule/${p}`;
      default: return p;
    }
  };
  const resolve = (value: unknown): any => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const v = value as Record<string, any>;
    if (typeof v.Ref === 'string') return refOf(v.Ref);
    // A queue's QueueName is the last part of its URL (its physical id); every other attribute read here is an Arn.
    if (Array.isArray(v['Fn::GetAtt'])) return v['Fn::GetAtt'][1] === 'QueueName' ? refOf(v['Fn::GetAtt'][0]).split('/').pop() : arnOf(v['Fn::GetAtt'][0]);
    if (v['Fn::Sub'] !== undefined) {
      const [text, vars] = typeof v['Fn::Sub'] === 'string' ? [v['Fn::Sub'], {}] : v['Fn::Sub'];
      return (text as string).replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => {
        if (vars[name] !== undefined) return String(resolve(vars[name]));
        const dot = name.indexOf('.');
        return dot > 0 && !name.startsWith('AWS::') ? arnOf(name.slice(0, dot)) : refOf(name);
      }).replace(/\$\{!/g, '${');
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  };
  return resolve;
}

/** `CodeSha256` of a zip, as Lambda reports it. */
export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

/** Everything of a stack that still exists, by kind; empty lists when it is all gone. */
export async function leftovers(cloud: Cloud, stackName: string): Promise<Record<string, string[]>> {
  const starts = (s: string | undefined) => Boolean(s?.startsWith(stackName));
  const { aws } = cloud;
  const buckets = ((await aws.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).filter(starts);
  const queues = ((await aws.sqs.send(new ListQueuesCommand({ QueueNamePrefix: stackName }))).QueueUrls ?? []);
  const topics = ((await aws.sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn!).filter((a) => starts(a.split(':').pop()));
  const tables = ((await aws.dynamodb.send(new ListTablesCommand({}))).TableNames ?? []).filter(starts);
  const functions = ((await aws.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName!).filter(starts);
  const mappings = ((await aws.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []).map((m) => m.FunctionArn!).filter((a) => starts(a.split(':').pop()));
  const roles = ((await cloud.iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!).filter(starts);
  const logGroups: string[] = [];
  for (const prefix of [`/aws/lambda/${stackName}`, `/aws/vendedlogs/states/${stackName}`]) logGroups.push(...((await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix }))).logGroups ?? []).map((g) => g.logGroupName!));
  const stateMachines = ((await aws.sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? []).map((m) => m.name!).filter(starts);
  const assets = await aws.s3.send(new ListObjectsV2Command({ Bucket: `sluice-assets-${ACCOUNT}-${REGION}`, Prefix: `${stackName}/` })).then((o) => (o.Contents ?? []).map((c) => c.Key!), () => []);
  const rules = JSON.parse(awsCli(cloud, ['events', 'list-rules', '--name-prefix', stackName, '--output', 'json']).stdout || '{"Rules":[]}').Rules.map((r: any) => r.Name);
  const stack = (await describeStack(aws, stackName))?.StackStatus;
  return { stack: stack ? [stack] : [], buckets, queues, topics, tables, functions, mappings, roles, logGroups, assets, rules, ...(stateMachines.length ? { stateMachines } : {}) };
}

/** The resources of a deployed stack. */
export function resourcesOf(cloud: Cloud, stackName: string): Promise<DeployedResource[]> {
  return stackResources(cloud.aws, stackName);
}

/**
 * Check what AWS holds against the synthesized template, resource by resource: function code (the
 * bundle synth built), configuration and environment; roles' exact policies and trust; bucket
 * encryption and tags; log retention; queue keys and retention; invoke permissions.
 */
export async function verifyAgainstTemplate(cloud: Cloud, s: Synthesis, resources: DeployedResource[]): Promise<void> {
  const template = flatten(s.template, s.nested);
  const stackName = s.stackName;
  const resolve = resolver(resources, template, { AssetsBucket: `sluice-assets-${ACCOUNT}-${REGION}`, AssetsPrefix: `${stackName}/` });
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties as Record<string, any>;
    const physical = resources.find((x) => x.logicalId === id)?.physicalId;
    if (r.Type === 'AWS::Lambda::Function') {
      const fn = await cloud.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physical }));
      const asset = s.assets.find((a) => p.Code.S3Key['Fn::Sub'].endsWith(`${a.hash}.zip`))!;
      assert.equal(fn.CodeSha256, codeSha256(asset.zip), `${id}: the uploaded bundle is the one synth built`);
      assert.equal(fn.Runtime, 'nodejs22.x');
      assert.equal(fn.Handler, 'index.handler');
      assert.equal(fn.Timeout, p.Timeout);
      assert.equal(fn.MemorySize, p.MemorySize);
      assert.equal(fn.Role, resolve(p.Role));
      assert.deepEqual(fn.Environment?.Variables, resolve(p.Environment.Variables));
      // The bound catches an AWS SDK client bundled by mistake (megabytes): a step's bundle stays under
      // 100 KB; a job's (its own entry) carries the row helpers (csv-parse, csv-stringify, hyparquet,
      // hyparquet-writer) and lib-storage, about 105 KB zipped (examples/medallion's jobs), under 150 KB.
      // A job's function is one a state machine's definition refers to.
      const isJob = Object.values(template.Resources).some((o) => o.Type === 'AWS::StepFunctions::StateMachine' && JSON.stringify(o.Properties).includes(`"${id}"`));
      const bound = isJob ? 150 : 100;
      assert.ok(asset.zip.byteLength < bound * 1024, `${id}: bundle is ${asset.zip.byteLength} bytes, over ${bound} KB`);
    } else if (r.Type === 'AWS::IAM::Role') {
      const policy = await rolePolicy(cloud, physical!);
      assert.deepEqual(policy.Statement, resolve(p.Policies[0].PolicyDocument.Statement), `${id}: the role holds exactly the template's policy`);
      const role = await cloud.iam.send(new GetRoleCommand({ RoleName: physical }));
      assert.deepEqual(policyDocument(role.Role!.AssumeRolePolicyDocument!).Statement, resolve(p.AssumeRolePolicyDocument.Statement));
    } else if (r.Type === 'AWS::S3::Bucket') {
      const enc = await cloud.aws.s3.send(new GetBucketEncryptionCommand({ Bucket: physical }));
      assert.equal(enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
      const tags = (await cloud.aws.s3.send(new GetBucketTaggingCommand({ Bucket: physical }))).TagSet;
      assert.deepEqual(tags?.map((t) => `${t.Key}=${t.Value}`).sort(), p.Tags.map((t: any) => `${t.Key}=${t.Value}`).sort());
    } else if (r.Type === 'AWS::Logs::LogGroup') {
      const groups = await cloud.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: p.LogGroupName }));
      assert.equal(groups.logGroups?.find((g) => g.logGroupName === p.LogGroupName)?.retentionInDays, p.RetentionInDays);
    } else if (r.Type === 'AWS::SQS::Queue') {
      const a = (await cloud.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: physical, AttributeNames: ['All'] }))).Attributes!;
      assert.equal(a.KmsMasterKeyId, resolve(p.KmsMasterKeyId), `${id}: encrypted with the template's key`);
      assert.equal(Number(a.MessageRetentionPeriod), p.MessageRetentionPeriod);
    } else if (r.Type === 'AWS::StepFunctions::StateMachine') {
      const machine = await cloud.aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: physical }));
      // moto's Fn::Sub is Python's string.Template, which turns `$$` into `$` (MOTO_CFN_SUB_DOLLARS).
      // moto resolves the Ref of a Glue job it did not create to 'None' (MOTO_CFN_GLUE_JOB).
      let expected = (resolve(p.DefinitionString) as string).replaceAll('$$.', '$.');
      for (const g of Object.values(template.Resources)) if (g.Type === 'AWS::Glue::Job') expected = expected.replaceAll(JSON.stringify((g.Properties as { Name: string }).Name), '"None"');
      assert.deepEqual(JSON.parse(machine.definition!), JSON.parse(expected), `${id}: the definition is the template's, its ARNs resolved`);
      assert.equal(machine.roleArn, resolve(p.RoleArn));
      assert.equal(machine.name, p.StateMachineName);
    } else if (r.Type === 'AWS::Events::Rule') {
      const targets = JSON.parse(awsCli(cloud, ['events', 'list-targets-by-rule', '--rule', physical!, '--output', 'json']).stdout).Targets as Array<Record<string, unknown>>;
      for (const target of p.Targets as Array<Record<string, unknown>>) {
        const deployed = targets.find((x) => x.Id === target.Id);
        assert.ok(deployed, `${id}: target ${String(target.Id)} is deployed`);
        assert.equal(deployed.Arn, resolve(target.Arn));
        if (target.RoleArn !== undefined) assert.equal(deployed.RoleArn, resolve(target.RoleArn), `${id}: EventBridge starts ${String(target.Id)} with its own role`);
      }
    } else if (r.Type === 'AWS::Lambda::Permission') {
      const fnName = resolve(p.FunctionName).split(':').pop();
      const statements = JSON.parse((await cloud.aws.lambda.send(new GetPolicyCommand({ FunctionName: fnName }))).Policy!).Statement;
      const statement = statements.find((x: any) => x.Principal.Service === p.Principal);
      assert.ok(statement, `${id}: ${p.Principal} may invoke`);
      assert.equal(statement.Condition.ArnLike['AWS:SourceArn'], resolve(p.SourceArn));
      if (p.SourceAccount) assert.equal(statement.Condition.StringEquals['AWS:SourceAccount'], ACCOUNT);
    }
  }
}
