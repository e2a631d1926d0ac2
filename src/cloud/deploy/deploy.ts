/**
 * `deploy` and `diff`: a pipeline -> its stage's CloudFormation stack. Synthesizes (validation first,
 * so a bad pipeline touches nothing), compares with the deployed template (an identical one means
 * nothing to do: no upload, no change set), uploads the assets the bucket lacks, checks that every
 * new physical name is free, creates a change set, lets the caller confirm, executes it and follows
 * the stack's events to the end. A failed deploy reports the failing resources with AWS's reasons and
 * leaves the stack rolled back; a first deploy that ended in ROLLBACK_COMPLETE is deleted by the next
 * deploy, which then creates the stack anew.
 */
import { DeleteStackCommand, ExecuteChangeSetCommand, type Parameter, type Stack } from '@aws-sdk/client-cloudformation';
import type { Pipeline } from '../../model/pipeline.js';
import { flatten } from '../synth/nested.js';
import { synthesize, type Synthesis } from '../synth/synth.js';
import type { Template } from '../synth/template.js';
import type { ExternalNodes } from '../synth/context.js';
import { ASSET_PARAMETERS } from '../synth/kinds/fn.js';
import { assetsBucketName, ensureAssetsBucket } from './assets-bucket.js';
import { openSession, type AwsSession } from './aws.js';
import { createChangeSet, deleteChangeSet, type ChangeSet, type PlannedChange } from './changeset.js';
import { DEPLOY_CODES, DeployError, explainAwsError } from './errors.js';
import { followStack, latestEventId, type StackEvent } from './events.js';
import { checkNamesFree } from './preflight.js';
import { ensureExistingBucketEvents } from './existing.js';
import { removeRetainedLeftovers } from './destroy.js';
import { assetsPrefix, filesOf, markSuperseded, publish, templateUrl, type PublishResult } from './publish.js';
import { deployedTemplate, describeStack, outputsOf, stackResources, stackState } from './stack.js';

/** Options of `deploy` and `diff`. */
export interface DeployOptions {
  stage: string;
  /** Where handler bundles are cached. */
  cacheDir: string;
  /** Skip confirmation. @default false */
  yes?: boolean;
  /**
   * Asked before a change set is executed, with the plan; resolve false to cancel. When absent and
   * `yes` is not set, a deploy with changes is refused (there is no one to ask).
   */
  confirm?: (plan: DeployPlan) => Promise<boolean>;
  /** Progress lines for people. */
  log?: (line: string) => void;
  /** Each stack event while the change set executes. */
  onEvent?: (event: StackEvent) => void;
  /** Called once the change set is computed, before confirmation (to show it). */
  onPlan?: (plan: DeployPlan) => void | Promise<void>;
  /** The AWS session. @default openSession() */
  aws?: AwsSession;
  /** Nodes of another stage the stack only reads (a branch's upstream, main's; `synthesize`). @default none */
  external?: ExternalNodes;
}

/** What a deploy would do. */
export interface DeployPlan {
  pipeline: string;
  stage: string;
  stackName: string;
  region: string;
  account: string;
  /** Whether the stack exists (and has resources) before this deploy. */
  exists: boolean;
  changes: PlannedChange[];
  /** Assets uploaded (content-hashed; reused by later deploys). */
  uploaded: PublishResult['uploaded'];
  unchanged: number;
  /** The function bundles, with their sizes. */
  bundles: Array<{ handler: string; hash: string; bytes: number }>;
}

/** What a deploy did. */
export interface DeployResult extends DeployPlan {
  /** `deployed`, or `unchanged` when there was nothing to do. */
  result: 'deployed' | 'unchanged';
  stackStatus: string;
  outputs: Record<string, string>;
  events: StackEvent[];
  durationMs: number;
}

interface Prepared {
  plan: DeployPlan;
  synthesis: Synthesis;
  aws: AwsSession;
  changeSet?: ChangeSet;
  /** The stack existed only as REVIEW_IN_PROGRESS made by this run's change set. */
  createdForReview: boolean;
  previous?: Template;
  publish?: PublishResult;
  bucket?: string;
}

/**
 * Deploy a pipeline to a stage.
 * @throws PipelineValidationError before anything is touched when the pipeline is invalid.
 * @throws DeployError with a `SLUICE_E_DEPLOY_*` code that names the fix.
 * @example const r = await deploy(pipe, { stage: 'dev', cacheDir: '.sluice/cache', yes: true }); r.outputs
 */
export async function deploy(pipe: Pipeline, options: DeployOptions): Promise<DeployResult> {
  const started = performance.now();
  const p = await prepare(pipe, options, 'deploy');
  const log = options.log ?? (() => {});
  const stack = p.plan.stackName;
  if (!p.changeSet) {
    const current = await describeStack(p.aws, stack);
    const outputs = await outputsWithFallback(p.aws, current, p.synthesis.template);
    return { ...p.plan, result: 'unchanged', stackStatus: current?.StackStatus ?? '', outputs, events: [], durationMs: performance.now() - started };
  }
  await options.onPlan?.(p.plan);
  // An existing bucket's events must reach EventBridge for the stack's rules to see them: without
  // --yes, say what to turn on (before asking anything); with it, show the change and make it.
  try {
    await ensureExistingBucketEvents(pipe, p.aws, { yes: options.yes === true, stack, log });
  } catch (error) {
    await abandon(p);
    throw error;
  }
  let go = options.yes === true;
  if (!go && !options.confirm) {
    await abandon(p);
    throw new DeployError(DEPLOY_CODES.confirm, `deploy of stack '${stack}' needs confirmation (${p.plan.changes.length} change${p.plan.changes.length === 1 ? '' : 's'}) and there is no terminal to ask on; rerun with --yes to deploy without confirmation`, { stack });
  }
  if (!go) go = await options.confirm!(p.plan);
  if (!go) {
    await abandon(p);
    throw new DeployError(DEPLOY_CODES.cancelled, `deploy of stack '${stack}' cancelled; nothing was changed`, { stack });
  }
  const after = await latestEventId(p.aws, p.changeSet.stackId);
  log(`deploying ${stack} (${p.plan.changes.length} change${p.plan.changes.length === 1 ? '' : 's'})`);
  try {
    await p.aws.cloudformation.send(new ExecuteChangeSetCommand({ ChangeSetName: p.changeSet.id, StackName: stack }));
  } catch (error) {
    // AWS accepts the change set and reports failures as stack events. Some emulators (moto) instead
    // fail the call itself and roll nothing back: undo a failed first deploy here, as AWS would.
    const explained = explainAwsError(error, `deploying stack '${stack}'`, p.aws);
    if (!p.plan.exists) {
      await deleteStack(p.aws, p.changeSet.stackId, log);
      await removeRetainedLeftovers(p.aws, pipe, options.stage, log);
    }
    throw new DeployError(DEPLOY_CODES.failed, `deploy of stack '${stack}' failed: ${awsReason(error) ?? explained.message}; ${p.plan.exists ? 'the stack keeps its previous state where AWS rolled it back' : 'nothing of it was left behind'}; fix the cause and deploy again`, { stack });
  }
  const templates = [flatten(p.synthesis.template, p.synthesis.nested), p.previous];
  const outcome = await followStack(p.aws, p.changeSet.stackId, { after, templates, onEvent: options.onEvent });
  if (outcome.status !== 'CREATE_COMPLETE' && outcome.status !== 'UPDATE_COMPLETE') {
    const causes = outcome.failures.length
      ? outcome.failures.map((f) => `  - ${f.path ?? f.logicalId} (${f.type}) ${f.status}: ${f.reason}`).join('\n')
      : `  - ${outcome.reason ?? 'no reason given'}`;
    // A rolled-back first deploy keeps what DeletionPolicy Retain protects (empty buckets, tables).
    if (outcome.status === 'ROLLBACK_COMPLETE') await removeRetainedLeftovers(p.aws, pipe, options.stage, log);
    const after = outcome.status === 'ROLLBACK_COMPLETE'
      ? 'the stack rolled back to ROLLBACK_COMPLETE and holds no resources; the next deploy deletes it and creates it anew'
      : outcome.status === 'UPDATE_ROLLBACK_COMPLETE'
        ? 'the stack rolled back to its previous deploy and can be deployed again'
        : `the stack is ${outcome.status}; see sluice status`;
    throw new DeployError(DEPLOY_CODES.failed, `deploy of stack '${stack}' failed:\n${causes}\n${after}; fix the cause and deploy again`, { stack, failures: outcome.failures });
  }
  // Best effort: a failure here only delays the expiry of old assets.
  if (p.bucket && p.publish) {
    const current = new Set(filesOf(p.synthesis).map((f) => p.publish!.prefix + f.name));
    await markSuperseded(p.aws, p.bucket, p.publish.prefix, current).catch((error) => log(`could not mark superseded assets: ${(error as Error).message}`));
  }
  const done = await describeStack(p.aws, stack);
  const outputs = await outputsWithFallback(p.aws, done, p.synthesis.template);
  return { ...p.plan, result: 'deployed', stackStatus: outcome.status, outputs, events: outcome.events, durationMs: performance.now() - started };
}

/**
 * What a deploy would change, without changing the stack: for a stack that does not exist, every
 * resource of the template; otherwise CloudFormation's own change set, created and then deleted.
 * Assets the change set needs are uploaded (content-hashed, so the next deploy reuses them).
 * @example const { changes } = await diff(pipe, { stage: 'dev', cacheDir: '.sluice/cache' });
 */
export async function diff(pipe: Pipeline, options: DeployOptions): Promise<DeployPlan> {
  const p = await prepare(pipe, options, 'diff');
  if (p.changeSet) await abandon(p);
  return p.plan;
}

async function prepare(pipe: Pipeline, options: DeployOptions, mode: 'deploy' | 'diff'): Promise<Prepared> {
  const log = options.log ?? (() => {});
  const synthesis = await synthesize(pipe, { stage: options.stage, cacheDir: options.cacheDir, ...(options.external ? { external: options.external } : {}) });
  const aws = options.aws ?? (await openSession());
  const { account } = await aws.identity();
  const stackName = synthesis.stackName;
  const bundles = synthesis.assets.map((a) => ({ handler: a.handler, hash: a.hash, bytes: a.zip.byteLength }));
  const plan: DeployPlan = { pipeline: pipe.name, stage: options.stage, stackName, region: aws.region, account, exists: false, changes: [], uploaded: [], unchanged: 0, bundles };
  let stack = await describeStack(aws, stackName);
  let state = stackState(stack?.StackStatus);
  if (state === 'busy') {
    throw new DeployError(DEPLOY_CODES.busy, `stack '${stackName}' is ${stack!.StackStatus}: another deploy or destroy is running; wait for it to finish (sluice status --stage ${options.stage}) and run the command again`, { stack: stackName });
  }
  if (state === 'failed') throw stuck(stack!, options.stage);
  if (state === 'rolled-back') {
    if (mode === 'diff') {
      state = 'absent';
    } else {
      log(`stack ${stackName} is ROLLBACK_COMPLETE after a failed first deploy and holds nothing; deleting it to create it anew`);
      await deleteStack(aws, stack!.StackId!, log);
      stack = undefined;
      state = 'absent';
    }
  }
  plan.exists = state === 'stable';
  const previous = plan.exists ? await deployedTemplate(aws, stackName) : undefined;
  const prefix = assetsPrefix(stackName);
  if (plan.exists && previous && sameTemplate(previous, synthesis.template) && sameAssetParameters(stack!, assetsBucketName(account, aws.region), prefix)) return { plan, synthesis, aws, previous, createdForReview: false };
  if (!plan.exists && mode === 'diff') {
    const whole = flatten(synthesis.template, synthesis.nested);
    plan.changes = Object.entries(whole.Resources).map(([id, r]): PlannedChange => {
      const path = r.Metadata?.['sluice:path'];
      return { action: 'add', logicalId: id, ...(typeof path === 'string' ? { path } : {}), type: r.Type };
    });
    return { plan, synthesis, aws, createdForReview: false };
  }
  const bucket = await ensureAssetsBucket(aws, log);
  const published = await publish(aws, bucket, synthesis);
  plan.uploaded = published.uploaded;
  plan.unchanged = published.unchanged;
  if (published.uploaded.length) log(`uploaded ${published.uploaded.length} asset${published.uploaded.length === 1 ? '' : 's'} (${(published.uploaded.reduce((n, u) => n + u.bytes, 0) / 1024).toFixed(1)} KB) to ${bucket}`);
  await checkNamesFree(aws, stackName, flatten(synthesis.template, synthesis.nested), previous);
  const parameters: Parameter[] = [];
  for (const name of Object.keys(synthesis.template.Parameters ?? {})) {
    if (name === ASSET_PARAMETERS.bucket) parameters.push({ ParameterKey: name, ParameterValue: bucket });
    else if (name === ASSET_PARAMETERS.prefix) parameters.push({ ParameterKey: name, ParameterValue: published.prefix });
  }
  const changeSet = await createChangeSet(aws, {
    stackName,
    type: plan.exists ? 'UPDATE' : 'CREATE',
    templateUrl: templateUrl(aws, bucket, published.templateKey),
    parameters,
    tags: [{ Key: 'sluice:pipeline', Value: pipe.name }, { Key: 'sluice:stage', Value: options.stage }],
    template: flatten(synthesis.template, synthesis.nested),
    ...(previous ? { previous } : {}),
    nested: synthesis.nested.length > 0,
  });
  const createdForReview = !plan.exists;
  if (!changeSet) {
    if (createdForReview) await deleteStack(aws, stackName, log);
    return { plan, synthesis, aws, ...(previous ? { previous } : {}), createdForReview: false, publish: published, bucket };
  }
  plan.changes = changeSet.changes;
  return { plan, synthesis, aws, changeSet, ...(previous ? { previous } : {}), createdForReview, publish: published, bucket };
}

/**
 * The stack's outputs. moto 5.2 reports none for a stack created through a change set; every output
 * sluice synthesizes is a `Ref` of a resource, which is that resource's physical id, so read those.
 */
async function outputsWithFallback(aws: AwsSession, stack: Stack | undefined, template: Template): Promise<Record<string, string>> {
  const reported = outputsOf(stack);
  const declared = Object.entries(template.Outputs ?? {});
  if (!stack || Object.keys(reported).length > 0 || declared.length === 0) return reported;
  const physical = new Map((await stackResources(aws, stack.StackName!)).map((r) => [r.logicalId, r.physicalId]));
  for (const [key, output] of declared) {
    const ref = (output.Value as { Ref?: string }).Ref;
    const value = ref ? physical.get(ref) : undefined;
    if (value) reported[key] = value;
  }
  return reported;
}

/** Delete an unexecuted change set, and the empty stack a CREATE change set made. */
async function abandon(p: Prepared): Promise<void> {
  if (!p.changeSet) return;
  await deleteChangeSet(p.aws, p.plan.stackName, p.changeSet.id);
  if (p.createdForReview) await deleteStack(p.aws, p.changeSet.stackId, () => {});
}

/** Delete a stack and wait until it is gone. */
export async function deleteStack(aws: AwsSession, stackId: string, log: (line: string) => void, onEvent?: (e: StackEvent) => void): Promise<string> {
  const after = await latestEventId(aws, stackId);
  await aws.call(`deleting stack '${stackId}'`, () => aws.cloudformation.send(new DeleteStackCommand({ StackName: stackId })));
  const outcome = await followStack(aws, stackId, { after, onEvent });
  if (outcome.status !== 'DELETE_COMPLETE') log(`stack ${stackId} is ${outcome.status}: ${outcome.failures.map((f) => `${f.logicalId}: ${f.reason}`).join('; ')}`);
  return outcome.status;
}

function stuck(stack: Stack, stage: string): DeployError {
  const status = stack.StackStatus!;
  const name = stack.StackName!;
  const fix = status === 'UPDATE_ROLLBACK_FAILED'
    ? `continue the rollback (aws cloudformation continue-update-rollback --stack-name ${name}), then deploy again`
    : `remove it with: sluice destroy --stage ${stage}, then deploy again`;
  return new DeployError(DEPLOY_CODES.stuck, `stack '${name}' is ${status}${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''} and cannot be updated; ${fix}`, { stack: name });
}

/** Whether two templates are the same document (key order aside). */
export function sameTemplate(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** Whether the stack reads its assets where this deploy would put them (no parameters: no functions). */
function sameAssetParameters(stack: Stack, bucket: string, prefix: string): boolean {
  const value = (key: string) => stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;
  const [b, p] = [value(ASSET_PARAMETERS.bucket), value(ASSET_PARAMETERS.prefix)];
  return (b === undefined || b === bucket) && (p === undefined || p === prefix);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The message AWS gave, when an SDK error carries one. */
function awsReason(error: unknown): string | undefined {
  const e = error as { message?: string; $response?: { body?: unknown } };
  const message = e?.message ?? '';
  // An emulator answering a query-protocol call with a JSON error body: the SDK cannot parse it.
  const raw = (error as { $responseBodyText?: string }).$responseBodyText;
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as { message?: string; __type?: string };
      if (parsed.message) return `${parsed.__type ? `${parsed.__type}: ` : ''}${parsed.message}`;
    } catch {
      // not JSON
    }
  }
  return message || undefined;
}
