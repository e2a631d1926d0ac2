/**
 * `status`: a stage at a glance: the stack's state, each node's resources with their physical ids,
 * each queue's depth and each dead-letter queue's count (a queue's DLQ, a function's on-failure
 * queue), read from the deployed templates so it shows what is deployed, not what the code says.
 */
import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Pipeline } from '../../model/pipeline.js';
import { stackName as stackNameOf } from '../synth/names.js';
import type { Template } from '../synth/template.js';
import { openSession, type AwsSession } from './aws.js';
import { isNotFound } from './errors.js';
import { deployedTemplate, describeStack, outputsOf, stackResources, type DeployedResource } from './stack.js';

/** One deployed resource of a node. */
export interface NodeResource {
  part: string;
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
}

/** Messages in a queue. */
export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** One node of a deployed stage. */
export interface NodeStatus {
  node: string;
  kind?: string;
  resources: NodeResource[];
  /** Queues: its messages. */
  queue?: QueueDepth;
  /** Queues: messages in its DLQ; functions: failed async events in its on-failure queue. */
  deadLetters?: number;
}

/** A stage's status. */
export interface StageStatus {
  pipeline: string;
  stage: string;
  stackName: string;
  region: string;
  account: string;
  deployed: boolean;
  stackStatus?: string;
  reason?: string;
  updatedAt?: string;
  outputs: Record<string, string>;
  nodes: NodeStatus[];
  /** Resources that belong to edges (`raw->copy/Permission`) or to the stack (the key). */
  other: NodeResource[];
}

/**
 * The resources of a deployed stack grouped by node (from `sluice:path` in the deployed templates,
 * nested stacks included); edge and stack-wide resources under `other`.
 */
export async function deployedNodes(aws: AwsSession, pipe: Pipeline, stackName: string): Promise<{ nodes: Map<string, NodeStatus>; other: NodeResource[] }> {
  const resources = await stackResources(aws, stackName);
  const templates = await templatesOf(aws, stackName, resources);
  const byNode = new Map<string, NodeStatus>();
  const other: NodeResource[] = [];
  for (const r of resources) {
    if (r.type === 'AWS::CloudFormation::Stack') continue;
    const path = templates.get(r.stack)?.Resources[r.logicalId]?.Metadata?.['sluice:path'];
    const text = typeof path === 'string' ? path : r.logicalId;
    const slash = text.indexOf('/');
    const owner = slash > 0 ? text.slice(0, slash) : '';
    const entry: NodeResource = { part: slash > 0 ? text.slice(slash + 1) : text, logicalId: r.logicalId, type: r.type, ...(r.physicalId ? { physicalId: r.physicalId } : {}), status: r.status };
    if (!owner || owner.includes('->')) {
      other.push({ ...entry, part: text });
      continue;
    }
    let node = byNode.get(owner);
    if (!node) {
      const kind = pipe.node(owner)?.kind;
      byNode.set(owner, (node = { node: owner, ...(kind ? { kind } : {}), resources: [] }));
    }
    node.resources.push(entry);
  }
  return { nodes: byNode, other };
}

/**
 * Read a stage's status.
 * @example const s = await stageStatus(pipe, 'dev'); s.nodes.find((n) => n.node === 'orders')?.queue?.visible
 */
export async function stageStatus(pipe: Pipeline, stage: string, options: { aws?: AwsSession } = {}): Promise<StageStatus> {
  const aws = options.aws ?? (await openSession());
  const { account } = await aws.identity();
  const stackName = stackNameOf(pipe.name, stage);
  const stack = await describeStack(aws, stackName);
  const base = { pipeline: pipe.name, stage, stackName, region: aws.region, account };
  if (!stack) return { ...base, deployed: false, outputs: {}, nodes: [], other: [] };
  const { nodes: byNode, other } = await deployedNodes(aws, pipe, stackName);
  for (const node of byNode.values()) {
    const url = (part: string) => node.resources.find((r) => r.part === part && r.type === 'AWS::SQS::Queue')?.physicalId;
    const queueUrl = url('Queue');
    if (queueUrl) node.queue = await depth(aws, queueUrl);
    const dlqUrl = url('Dlq') ?? url('Failures');
    if (dlqUrl) node.deadLetters = (await depth(aws, dlqUrl))?.visible;
  }
  return {
    ...base,
    deployed: stack.StackStatus !== 'REVIEW_IN_PROGRESS',
    stackStatus: stack.StackStatus!,
    ...(stack.StackStatusReason ? { reason: stack.StackStatusReason } : {}),
    updatedAt: (stack.LastUpdatedTime ?? stack.CreationTime ?? new Date()).toISOString(),
    outputs: outputsOf(stack),
    nodes: [...byNode.values()].sort((a, b) => a.node.localeCompare(b.node)),
    other,
  };
}

async function templatesOf(aws: AwsSession, root: string, resources: DeployedResource[]): Promise<Map<string, Template>> {
  const templates = new Map<string, Template>();
  const rootTemplate = await deployedTemplate(aws, root);
  if (rootTemplate) templates.set(root, rootTemplate);
  for (const stack of new Set(resources.map((r) => r.stack))) {
    if (templates.has(stack)) continue;
    const out = await aws.call(`reading the template of nested stack '${stack}'`, () => aws.cloudformation.send(new GetTemplateCommand({ StackName: stack })));
    if (out.TemplateBody) templates.set(stack, JSON.parse(out.TemplateBody) as Template);
  }
  return templates;
}

async function depth(aws: AwsSession, queueUrl: string): Promise<QueueDepth | undefined> {
  try {
    const out = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }));
    const a = out.Attributes ?? {};
    return { visible: Number(a.ApproximateNumberOfMessages ?? 0), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0), delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0) };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
