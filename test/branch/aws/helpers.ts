/**
 * Shared by the AWS branch tests: main's steps run in process on the events AWS would send (moto runs
 * no Lambda code, MOTO_LAMBDA_NO_DOCKER, and creates no S3 notifications, MOTO_CFN_S3_PROPERTIES),
 * a byte-for-byte snapshot of everything main is (template, resources, notifications, objects,
 * lineage, queue depths), and a listing of the whole account.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetTemplateCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetBucketNotificationConfigurationCommand, GetBucketPolicyCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import type { Fn } from '../../../src/model/fn.js';
import type { Pipeline } from '../../../src/model/pipeline.js';
import { arnOf, arnShape } from '../../../src/model/resources.js';
import { stackResources } from '../../../src/cloud/deploy/stack.js';
import { invokeEvent } from '../../../src/stage/invoke-event.js';
import { AwsStage } from '../../../src/stage/aws/stage.js';
import { deployedHandler } from '../../../src/stage/aws/worker.js';
import type { Cloud } from '../../cloud/deploy/helpers.js';

/**
 * Run a deployed stage's function in process on the event AWS sends it for an object (through the
 * queues and topics between, as `invokeEvent` builds it), with the function's own environment.
 */
export async function runStep(stage: AwsStage, fnName: string, bucket: string, keys: string[], cacheDir: string): Promise<void> {
  const fn = stage.pipeline.node(fnName) as Fn;
  const { handler } = await deployedHandler(stage, fn, cacheDir, 'run_once');
  const scope = { partition: 'aws', region: stage.aws.region, account: stage.account };
  for (const key of keys) {
    const event = await invokeEvent(stage.pipeline, fn, { object: { bucket, key } }, {
      region: stage.aws.region,
      now: () => Date.now(),
      bucketName: (b) => stage.physical(b, 'Bucket'),
      queueArn: (q) => arnOf(arnShape('queue', 'Queue')!, stage.physical(q, 'Queue').split('/').pop()!, scope),
      topicArn: (t) => stage.physical(t, 'Topic'),
      head: async (b, k) => {
        const h = await stage.aws.s3.send(new HeadObjectCommand({ Bucket: stage.physical(b, 'Bucket'), Key: k }));
        return { size: h.ContentLength ?? 0, eTag: (h.ETag ?? '').replaceAll('"', '') };
      },
    });
    const response = (await handler(event, { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 30_000 })) as { batchItemFailures?: unknown[] } | undefined;
    if (response?.batchItemFailures?.length) throw new Error(`${fnName} failed on ${key}: ${JSON.stringify(response)}`);
  }
}

/** Every object of a bucket: key, ETag, sha256 of the bytes and user metadata. */
export async function objectsOf(cloud: Cloud, bucket: string): Promise<Array<{ key: string; etag: string; sha256: string; metadata: Record<string, string> }>> {
  const out = await cloud.aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const objects = [];
  for (const o of out.Contents ?? []) {
    const got = await cloud.aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
    const bytes = await got.Body!.transformToByteArray();
    objects.push({ key: o.Key!, etag: o.ETag!, sha256: createHash('sha256').update(bytes).digest('hex'), metadata: got.Metadata ?? {} });
  }
  return objects;
}

/**
 * Everything main is, as text to compare byte for byte: its deployed template, its resources with
 * physical ids and statuses, each bucket's notification configuration and policy, each bucket's
 * objects (bytes by hash, ETags, metadata), its lineage table's items and its queues' depths.
 */
export async function snapshotStage(cloud: Cloud, pipe: Pipeline, stage: string): Promise<string> {
  const stack = `${pipe.name}-${stage}`;
  const template = (await cloud.aws.cloudformation.send(new GetTemplateCommand({ StackName: stack }))).TemplateBody;
  const resources = (await stackResources(cloud.aws, stack)).map((r) => `${r.logicalId} ${r.type} ${r.physicalId} ${r.status}`).sort();
  const buckets: Record<string, unknown> = {};
  const queues: Record<string, unknown> = {};
  for (const r of await stackResources(cloud.aws, stack)) {
    if (r.type === 'AWS::S3::Bucket') {
      const { $metadata: _, ...notifications } = await cloud.aws.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: r.physicalId! }));
      const policy = await cloud.aws.s3.send(new GetBucketPolicyCommand({ Bucket: r.physicalId! })).then((p) => p.Policy, () => 'none');
      buckets[r.physicalId!] = { notifications, policy, objects: await objectsOf(cloud, r.physicalId!) };
    }
    if (r.type === 'AWS::SQS::Queue') {
      const attributes = (await cloud.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: r.physicalId!, AttributeNames: ['All'] }))).Attributes ?? {};
      queues[r.physicalId!] = attributes;
    }
  }
  // A stage with no step recording lineage has no lineage table.
  const items = await cloud.aws.dynamodb.send(new ScanCommand({ TableName: `${stack}-sluice-lineage` })).then((o) => o.Items ?? [], () => []);
  const lineage = items.map((i) => JSON.stringify(i)).sort();
  return JSON.stringify({ template, resources, buckets, queues, lineage }, null, 1);
}

/** The account's buckets, queues, topics, tables, functions, mappings, roles, stacks, state machines and log groups, by name. */
export async function listAccount(cloud: Cloud): Promise<Record<string, string[]>> {
  const { aws } = cloud;
  const sorted = (names: Array<string | undefined>) => names.filter((n): n is string => Boolean(n)).sort();
  return {
    buckets: sorted(((await aws.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name)),
    queues: sorted((await aws.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []),
    topics: sorted(((await aws.sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn)),
    tables: sorted((await aws.dynamodb.send(new ListTablesCommand({}))).TableNames ?? []),
    functions: sorted(((await aws.lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName)),
    mappings: sorted(((await aws.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []).map((m) => `${m.EventSourceArn} -> ${m.FunctionArn}`)),
    roles: sorted(((await cloud.iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName)),
    stacks: sorted(((await aws.cloudformation.send(new ListStacksCommand({}))).StackSummaries ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE').map((s) => `${s.StackName} ${s.StackStatus}`)),
    stateMachines: sorted(((await aws.sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? []).map((m) => m.name)),
    logGroups: sorted(((await aws.logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => g.logGroupName)),
  };
}
