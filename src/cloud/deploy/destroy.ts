/**
 * `destroy`: remove a stage from AWS, with nothing left behind and nothing to do by hand. Every
 * bucket of the stack, the payload bucket included, is emptied first (every object version and
 * delete marker: CloudFormation cannot delete a bucket that holds anything), the stack is deleted,
 * the buckets and tables its template retains (DeletionPolicy Retain protects data from updates and
 * stray deletes, not from an explicit destroy; the lineage and idempotency tables too) are deleted
 * after it, then the functions' log groups and the stack's assets. Running it again finds the stack
 * gone and removes whatever a failed earlier run left, so it is always safe.
 */
import { isExisting } from '../synth/existing.js';
import { DeleteLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteTableCommand, DescribeTableCommand, ListTagsOfResourceCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteBucketCommand, DeleteObjectsCommand, GetBucketTaggingCommand, HeadBucketCommand, ListObjectVersionsCommand, type ObjectIdentifier } from '@aws-sdk/client-s3';
import type { Pipeline } from '../../model/pipeline.js';
import { idempotencyTableName, lineageTableName, payloadBucketName, stackName as stackNameOf } from '../synth/names.js';
import { kindOf } from '../../model/kinds.js';
import { partName, physicalBase } from '../../model/resources.js';
import { assetsBucketExists, assetsBucketName } from './assets-bucket.js';
import { openSession, type AwsSession } from './aws.js';
import { deleteStack } from './deploy.js';
import { DEPLOY_CODES, DeployError, isNotFound } from './errors.js';
import type { StackEvent } from './events.js';
import { assetsPrefix, deletePrefix, listKeys } from './publish.js';
import { deployedTemplate, describeStack, stackResources, stackState } from './stack.js';

/** Options of `destroy`. */
export interface DestroyOptions {
  stage: string;
  yes?: boolean;
  /** Asked with the plan when there is something to delete and `yes` is not set. */
  confirm?: (plan: DestroyPlan) => Promise<boolean>;
  log?: (line: string) => void;
  onEvent?: (event: StackEvent) => void;
  aws?: AwsSession;
}

/** What a destroy will remove. */
export interface DestroyPlan {
  stackName: string;
  /** The stack's status, or undefined when there is no stack. */
  stackStatus?: string;
  buckets: Array<{ name: string; retained: boolean }>;
  tables: Array<{ name: string; retained: boolean }>;
  logGroups: string[];
  assets: { bucket: string; prefix: string; count: number } | undefined;
}

/** What a destroy did. */
export interface DestroyResult extends DestroyPlan {
  result: 'destroyed' | 'nothing';
  objectsDeleted: number;
  durationMs: number;
}

/**
 * Destroy a pipeline's stage.
 * @example await destroy(pipe, { stage: 'dev', yes: true })
 */
export async function destroy(pipe: Pipeline, options: DestroyOptions): Promise<DestroyResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const aws = options.aws ?? (await openSession());
  const { account } = await aws.identity();
  const stackName = stackNameOf(pipe.name, options.stage);
  const stack = await describeStack(aws, stackName);
  const state = stackState(stack?.StackStatus);
  if (state === 'busy' && stack!.StackStatus !== 'DELETE_IN_PROGRESS') {
    throw new DeployError(DEPLOY_CODES.busy, `stack '${stackName}' is ${stack!.StackStatus}: a deploy is running; wait for it to finish (sluice status --stage ${options.stage}) and destroy again`, { stack: stackName });
  }
  const plan = await planDestroy(aws, pipe, options.stage, stackName, stack?.StackStatus, account);
  const nothing = !stack && plan.buckets.length === 0 && plan.tables.length === 0 && plan.logGroups.length === 0 && !plan.assets?.count;
  if (nothing) return { ...plan, result: 'nothing', objectsDeleted: 0, durationMs: performance.now() - started };
  if (!options.yes) {
    if (!options.confirm) throw new DeployError(DEPLOY_CODES.confirm, `destroy of stack '${stackName}' deletes its resources and data and there is no terminal to ask on; rerun with --yes to destroy without confirmation`, { stack: stackName });
    if (!(await options.confirm(plan))) throw new DeployError(DEPLOY_CODES.cancelled, `destroy of stack '${stackName}' cancelled; nothing was deleted`, { stack: stackName });
  }
  let objectsDeleted = 0;
  for (const b of plan.buckets) objectsDeleted += await emptyBucket(aws, b.name, log);
  if (stack) {
    log(`deleting stack ${stackName}`);
    let status = await deleteStack(aws, stack.StackId!, log, options.onEvent);
    if (status === 'DELETE_FAILED') {
      // Something wrote to a bucket while it was emptied (a function still running): once more.
      for (const b of plan.buckets) objectsDeleted += await emptyBucket(aws, b.name, log);
      status = await deleteStack(aws, stack.StackId!, log, options.onEvent);
    }
    if (status !== 'DELETE_COMPLETE') {
      throw new DeployError(DEPLOY_CODES.destroyFailed, `stack '${stackName}' could not be deleted (${status}); see its events with sluice status --stage ${options.stage}, fix the cause and run sluice destroy again`, { stack: stackName });
    }
  }
  for (const b of plan.buckets) {
    if (!(await bucketExists(aws, b.name))) continue;
    objectsDeleted += await emptyBucket(aws, b.name, log);
    await aws.call(`deleting bucket '${b.name}'`, () => aws.s3.send(new DeleteBucketCommand({ Bucket: b.name })));
    log(`deleted bucket ${b.name}`);
  }
  for (const t of plan.tables) {
    const table = await describeTable(aws, t.name);
    if (!table) continue;
    if (table.DeletionProtectionEnabled) await aws.call(`turning off deletion protection of table '${t.name}'`, () => aws.dynamodb.send(new UpdateTableCommand({ TableName: t.name, DeletionProtectionEnabled: false })));
    await aws.call(`deleting table '${t.name}'`, () => aws.dynamodb.send(new DeleteTableCommand({ TableName: t.name })));
    log(`deleted table ${t.name}`);
  }
  for (const group of plan.logGroups) {
    try {
      await aws.logs.send(new DeleteLogGroupCommand({ logGroupName: group }));
      log(`deleted log group ${group}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  if (plan.assets?.count) {
    const n = await deletePrefix(aws, plan.assets.bucket, plan.assets.prefix);
    log(`deleted ${n} asset${n === 1 ? '' : 's'} under s3://${plan.assets.bucket}/${plan.assets.prefix}`);
  }
  return { ...plan, result: 'destroyed', objectsDeleted, durationMs: performance.now() - started };
}

/** Find what a destroy removes: the stack's resources, and leftovers of this stage found by name. */
async function planDestroy(aws: AwsSession, pipe: Pipeline, stage: string, stackName: string, stackStatus: string | undefined, account: string): Promise<DestroyPlan> {
  const resources = stackStatus ? await stackResources(aws, stackName) : [];
  const template = stackStatus ? await deployedTemplate(aws, stackName) : undefined;
  // A stack whose first deploy failed half way may answer GetTemplate with no Resources at all.
  const retained = (id: string) => template?.Resources?.[id]?.DeletionPolicy === 'Retain';
  const buckets = new Map<string, boolean>();
  const tables = new Map<string, boolean>();
  for (const r of resources) {
    if (!r.physicalId) continue;
    if (r.type === BUCKET) buckets.set(r.physicalId, retained(r.logicalId) || r.stack !== stackName);
    if (r.type === TABLE) tables.set(r.physicalId, retained(r.logicalId) || r.stack !== stackName);
  }
  // Leftovers: retained data of an earlier destroy that stopped half-way, found by name and tags.
  const names = dataStoreNames(pipe, stage);
  for (const name of names.buckets) {
    if (!buckets.has(name) && (await bucketTaggedFor(aws, name, pipe.name, stage))) buckets.set(name, true);
  }
  for (const name of names.tables) {
    if (!tables.has(name) && (await tableTaggedFor(aws, name, pipe.name, stage))) tables.set(name, true);
  }
  const logGroups = new Set<string>();
  for (const r of resources) if (r.type === LOG_GROUP && r.physicalId) logGroups.add(r.physicalId);
  // Lambda writes a function's logs to its log group even when the stack does not hold it (yet, or any more).
  for (const name of physicalNamesOf(pipe, stage, LOG_GROUP)) logGroups.add(name);
  const bucket = assetsBucketName(account, aws.region);
  const prefix = assetsPrefix(stackName);
  const assets = (await assetsBucketExists(aws, bucket)) ? { bucket, prefix, count: (await listKeys(aws, bucket, prefix)).length } : undefined;
  const existingGroups = await existingLogGroups(aws, [...logGroups]);
  return {
    stackName,
    ...(stackStatus ? { stackStatus } : {}),
    buckets: [...buckets].map(([name, r]) => ({ name, retained: r })),
    tables: [...tables].map(([name, r]) => ({ name, retained: r })),
    logGroups: existingGroups,
    assets,
  };
}

/**
 * Delete the buckets and tables of a stage that exist outside any stack and carry the stage's tags:
 * what a DeletionPolicy Retain kept after a failed first deploy rolled back, or after a destroy that
 * stopped half-way. A same-named resource without the tags is someone else's and is left alone.
 */
export async function removeRetainedLeftovers(aws: AwsSession, pipe: Pipeline, stage: string, log: (line: string) => void): Promise<string[]> {
  const removed: string[] = [];
  const names = dataStoreNames(pipe, stage);
  for (const name of names.buckets) {
    if (!(await bucketTaggedFor(aws, name, pipe.name, stage))) continue;
    await emptyBucket(aws, name, log);
    await aws.call(`deleting bucket '${name}'`, () => aws.s3.send(new DeleteBucketCommand({ Bucket: name })));
    removed.push(name);
  }
  for (const name of names.tables) {
    if (!(await tableTaggedFor(aws, name, pipe.name, stage))) continue;
    const table = await describeTable(aws, name);
    if (table?.DeletionProtectionEnabled) await aws.call(`turning off deletion protection of table '${name}'`, () => aws.dynamodb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false })));
    await aws.call(`deleting table '${name}'`, () => aws.dynamodb.send(new DeleteTableCommand({ TableName: name })));
    removed.push(name);
  }
  if (removed.length) log(`removed what the failed deploy had created and kept: ${removed.join(', ')}`);
  return removed;
}

/**
 * The buckets and tables a stage of a pipeline may hold data in, by physical name: its nodes', and the
 * stores sluice adds for its components (payload bucket, lineage and idempotency tables), whether or
 * not the current pipeline still needs them (an earlier deploy may have made them).
 * @example dataStoreNames(pipe, 'dev').tables // ['orders-dev-items', 'orders-dev-sluice-lineage', 'orders-dev-sluice-idempotency']
 */
export function dataStoreNames(pipe: Pipeline, stage: string): { buckets: string[]; tables: string[] } {
  return {
    buckets: [...physicalNamesOf(pipe, stage, BUCKET), payloadBucketName(pipe.name, stage)],
    tables: [...physicalNamesOf(pipe, stage, TABLE), lineageTableName(pipe.name, stage), idempotencyTableName(pipe.name, stage)],
  };
}

const BUCKET = 'AWS::S3::Bucket';
const TABLE = 'AWS::DynamoDB::Table';
const LOG_GROUP = 'AWS::Logs::LogGroup';

/** The physical names of every named part of the pipeline's nodes that is of this CloudFormation type. */
function physicalNamesOf(pipe: Pipeline, stage: string, type: string): string[] {
  const names: string[] = [];
  for (const node of pipe.nodes.values()) {
    // An existing bucket or topic is not the stack's: never emptied, never deleted.
    if (isExisting(node)) continue;
    for (const [part, p] of Object.entries(kindOf(node).parts)) {
      if (p.type !== type) continue;
      const name = partName(node.kind, part as never, physicalBase(pipe.name, stage, node.name));
      if (name) names.push(name);
    }
  }
  return names;
}

/** Delete every object version and delete marker of a bucket; returns how many. */
export async function emptyBucket(aws: AwsSession, bucket: string, log: (line: string) => void): Promise<number> {
  let deleted = 0;
  for (;;) {
    let out;
    try {
      out = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
    } catch (error) {
      if (isNotFound(error)) return deleted;
      throw error;
    }
    const objects: ObjectIdentifier[] = [
      ...(out.Versions ?? []).map((v) => ({ Key: v.Key!, ...(v.VersionId ? { VersionId: v.VersionId } : {}) })),
      ...(out.DeleteMarkers ?? []).map((m) => ({ Key: m.Key!, ...(m.VersionId ? { VersionId: m.VersionId } : {}) })),
    ];
    if (objects.length === 0) break;
    await aws.call(`emptying bucket '${bucket}'`, () => aws.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } })));
    deleted += objects.length;
  }
  if (deleted) log(`emptied bucket ${bucket} (${deleted} object version${deleted === 1 ? '' : 's'})`);
  return deleted;
}

async function bucketExists(aws: AwsSession, bucket: string): Promise<boolean> {
  try {
    await aws.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function bucketTaggedFor(aws: AwsSession, bucket: string, pipeline: string, stage: string): Promise<boolean> {
  try {
    const tags = (await aws.s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet ?? [];
    return tags.some((t) => t.Key === 'sluice:pipeline' && t.Value === pipeline) && tags.some((t) => t.Key === 'sluice:stage' && t.Value === stage);
  } catch {
    return false;
  }
}

async function describeTable(aws: AwsSession, name: string) {
  try {
    return (await aws.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function tableTaggedFor(aws: AwsSession, name: string, pipeline: string, stage: string): Promise<boolean> {
  const table = await describeTable(aws, name);
  if (!table?.TableArn) return false;
  const tags = (await aws.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn }))).Tags ?? [];
  return tags.some((t) => t.Key === 'sluice:pipeline' && t.Value === pipeline) && tags.some((t) => t.Key === 'sluice:stage' && t.Value === stage);
}

async function existingLogGroups(aws: AwsSession, names: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names.sort()) {
    const out = await aws.call(`looking up log group '${name}'`, () => aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name })));
    if ((out.logGroups ?? []).some((g) => g.logGroupName === name)) found.push(name);
  }
  return found;
}
