/**
 * Reading a stage's CloudFormation stack: its status (and what each status lets a deploy do), its
 * resources with physical ids (nested stacks included), its deployed template and its outputs.
 */
import {
  DescribeStacksCommand,
  GetTemplateCommand,
  paginateListStackResources,
  type Stack,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import type { Template } from '../synth/template.js';
import type { AwsSession } from './aws.js';
import { explainAwsError, isNotFound } from './errors.js';

/** A stack's status, summarized for a deploy's decisions. */
export type StackState =
  /** No stack, or one deleted. */
  | 'absent'
  /** Created by a change set never executed: no resources yet. */
  | 'review'
  /** CREATE/UPDATE/IMPORT complete or rolled back after an update: can be updated. */
  | 'stable'
  /** A first deploy failed and rolled back: empty, must be deleted before it can be created again. */
  | 'rolled-back'
  /** Some operation is running. */
  | 'busy'
  /** A failed state a person must look at (DELETE_FAILED, UPDATE_ROLLBACK_FAILED, ...). */
  | 'failed';

/** What a status means for a deploy. */
export function stackState(status: string | undefined): StackState {
  if (!status || status === 'DELETE_COMPLETE') return 'absent';
  if (status === 'REVIEW_IN_PROGRESS') return 'review';
  if (status === 'ROLLBACK_COMPLETE') return 'rolled-back';
  if (status.endsWith('_IN_PROGRESS')) return 'busy';
  if (status.endsWith('_FAILED')) return 'failed';
  return 'stable';
}

/** The stack, or undefined when it does not exist. */
export async function describeStack(aws: AwsSession, name: string): Promise<Stack | undefined> {
  try {
    const out = await aws.cloudformation.send(new DescribeStacksCommand({ StackName: name }));
    const stack = out.Stacks?.[0];
    return stack && stack.StackStatus !== 'DELETE_COMPLETE' ? stack : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw explainAwsError(error, `reading stack '${name}'`, aws);
  }
}

/** One resource of a stack, nested stacks flattened. */
export interface DeployedResource {
  logicalId: string;
  physicalId: string | undefined;
  type: string;
  status: string;
  /** The stack that holds it (the root's name, or a nested stack's id). */
  stack: string;
}

/** Every resource of a stack and of its nested stacks. */
export async function stackResources(aws: AwsSession, name: string): Promise<DeployedResource[]> {
  const found: DeployedResource[] = [];
  const walk = async (stack: string) => {
    const summaries: StackResourceSummary[] = [];
    await aws.call(`listing the resources of stack '${stack}'`, async () => {
      for await (const page of paginateListStackResources({ client: aws.cloudformation }, { StackName: stack })) summaries.push(...(page.StackResourceSummaries ?? []));
    });
    for (const r of summaries) {
      // moto lists resource types it cannot create with no logical id: nothing to report for them.
      if (!r.LogicalResourceId) continue;
      found.push({ logicalId: r.LogicalResourceId, physicalId: r.PhysicalResourceId || undefined, type: r.ResourceType ?? '', status: r.ResourceStatus ?? '', stack });
      if (r.ResourceType === 'AWS::CloudFormation::Stack' && r.PhysicalResourceId) await walk(r.PhysicalResourceId);
    }
  };
  await walk(name);
  return found;
}

/** The template a stack was deployed with (the last one it accepted), parsed. */
export async function deployedTemplate(aws: AwsSession, name: string): Promise<Template | undefined> {
  try {
    const out = await aws.cloudformation.send(new GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }));
    const body = out.TemplateBody;
    if (!body) return undefined;
    return (typeof body === 'string' ? JSON.parse(body) : body) as Template;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw explainAwsError(error, `reading the template of stack '${name}'`, aws);
  }
}

/** The stack's outputs by key. */
export function outputsOf(stack: Stack | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey) out[o.OutputKey] = o.OutputValue ?? '';
  return out;
}

/** The node path of a logical id in a template (`copy/Function`), from synth's metadata. */
export function pathOf(template: Template | undefined, logicalId: string): string | undefined {
  const path = template?.Resources[logicalId]?.Metadata?.['sluice:path'];
  return typeof path === 'string' ? path : undefined;
}
