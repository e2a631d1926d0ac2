/**
 * Change sets: what CloudFormation will add, modify, replace or remove, computed by CloudFormation
 * itself before anything changes. A change set that would change nothing is reported as such and
 * deleted (CloudFormation marks it FAILED with "didn't contain changes").
 */
import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  paginateDescribeChangeSet,
  waitUntilChangeSetCreateComplete,
  type Change,
  type Parameter,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import type { Template } from '../synth/template.js';
import type { AwsSession } from './aws.js';
import { DEPLOY_CODES, DeployError, explainAwsError } from './errors.js';
import { pathOf } from './stack.js';

/** One planned change, as people read it. */
export interface PlannedChange {
  action: 'add' | 'modify' | 'replace' | 'remove' | 'import' | 'dynamic';
  logicalId: string;
  /** The node path (`copy/Function`, `raw->copy/Permission`), when the template names it. */
  path?: string;
  type: string;
  /** For modifications: `Always`, `Conditional` or `Never` replacement. */
  replacement?: string;
  /** Properties that change, when CloudFormation says. */
  properties?: string[];
}

/** A created change set and its changes. */
export interface ChangeSet {
  id: string;
  name: string;
  stackId: string;
  changes: PlannedChange[];
}

/** What to create a change set from. */
export interface ChangeSetInput {
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  templateUrl: string;
  parameters: Parameter[];
  tags: Tag[];
  /** The new template, for node paths of added and modified resources. */
  template: Template;
  /** The deployed template, for node paths of removed resources. */
  previous?: Template;
  nested: boolean;
}


/**
 * Create a change set and wait until CloudFormation has computed it. Returns undefined, having
 * deleted it, when it contains no changes.
 */
export async function createChangeSet(aws: AwsSession, input: ChangeSetInput): Promise<ChangeSet | undefined> {
  const name = `sluice-${Date.now()}`;
  const created = await aws.call(`creating a change set for stack '${input.stackName}'`, async () => {
    try {
      return await aws.cloudformation.send(new CreateChangeSetCommand({
        StackName: input.stackName,
        ChangeSetName: name,
        ChangeSetType: input.type,
        TemplateURL: input.templateUrl,
        Parameters: input.parameters,
        Capabilities: ['CAPABILITY_IAM'],
        Tags: input.tags,
        IncludeNestedStacks: input.nested || undefined,
        Description: 'sluice deploy',
      }));
    } catch (error) {
      const message = String((error as Error).message);
      if (/_IN_PROGRESS state/.test(message) || /is in .*IN_PROGRESS/.test(message)) {
        throw new DeployError(DEPLOY_CODES.busy, `stack '${input.stackName}' is being changed by another operation (${message}); wait for it to finish (sluice status shows its state) and deploy again`, { stack: input.stackName });
      }
      throw error;
    }
  });
  const id = created.Id!;
  const params = { ChangeSetName: id, StackName: input.stackName };
  // The SDK's waiter: it checks at once, then backs off. It throws when the change set fails (and
  // when it times out): either way its status, read below, says which.
  await waitUntilChangeSetCreateComplete({ client: aws.cloudformation, minDelay: 1, maxDelay: 5, maxWaitTime: CHANGE_SET_WAIT_SECONDS }, params).catch(() => undefined);
  const changes: Change[] = [];
  let status = '';
  let reason = '';
  let stackId = created.StackId ?? '';
  await aws.call(`reading change set ${name}`, async () => {
    for await (const page of paginateDescribeChangeSet({ client: aws.cloudformation }, params)) {
      status ||= page.Status ?? '';
      reason ||= page.StatusReason ?? '';
      stackId = page.StackId ?? stackId;
      changes.push(...(page.Changes ?? []));
    }
  });
  if (status === 'CREATE_COMPLETE') return { id, name, stackId, changes: changes.map((c) => plannedChange(c, input)) };
  await deleteChangeSet(aws, input.stackName, id);
  if (status === 'FAILED' && /didn't contain changes|No updates are to be performed/i.test(reason)) return undefined;
  const why = status === 'FAILED' ? reason : `it is still ${status || 'unknown'} after ${CHANGE_SET_WAIT_SECONDS} s`;
  throw new DeployError(DEPLOY_CODES.failed, `CloudFormation rejected the change set for stack '${input.stackName}': ${why}`, { stack: input.stackName });
}

/** How long a change set may take to compute. */
const CHANGE_SET_WAIT_SECONDS = 600;

/** Delete a change set (ignoring one already gone). */
export async function deleteChangeSet(aws: AwsSession, stackName: string, id: string): Promise<void> {
  try {
    await aws.cloudformation.send(new DeleteChangeSetCommand({ ChangeSetName: id, StackName: stackName }));
  } catch (error) {
    if (!/does not exist|not found/i.test(String((error as Error).message))) throw explainAwsError(error, `deleting change set of stack '${stackName}'`, aws);
  }
}

function plannedChange(change: Change, input: ChangeSetInput): PlannedChange {
  const r = change.ResourceChange ?? {};
  const logicalId = r.LogicalResourceId ?? '';
  const replacement = r.Replacement ?? undefined;
  const base = String(r.Action ?? 'Dynamic').toLowerCase() as PlannedChange['action'];
  const action: PlannedChange['action'] = base === 'modify' && replacement === 'True' ? 'replace' : base;
  const path = pathOf(action === 'remove' ? input.previous : input.template, logicalId) ?? pathOf(input.previous, logicalId);
  const properties = [...new Set((r.Details ?? []).map((d) => d.Target?.Name).filter((n): n is string => Boolean(n)))];
  return {
    action,
    logicalId,
    ...(path ? { path } : {}),
    type: r.ResourceType ?? '',
    ...(action === 'modify' && replacement ? { replacement: replacement === 'False' ? 'Never' : replacement } : {}),
    ...(properties.length ? { properties } : {}),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
