/**
 * Flow executions on the local engine. A request to start one (a schedule firing, `sluice trigger`,
 * `localPipeline.trigger`) waits durably in the flow's channel; the runner starts it when the flow's
 * `overlap` rule allows and runs the very state machine definition synth deploys, through a Step
 * Functions interpreter (src/flow/local-run.ts), with each Task running its job in a worker thread
 * (job-runner.ts). A job's writes are committed to its stages, with their S3 notifications, in one
 * transaction when it succeeds; a failed job's are discarded, so nothing downstream reads half a stage.
 */
import { randomUUID } from 'node:crypto';
import { InputError, InternalError } from '../model/errors.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Flow, FlowStep } from '../model/flow.js';
import { stagesOf } from '../model/flow.js';
import { flowDefinition } from '../flow/asl.js';
import { flowPlanOf } from '../flow/plan-of.js';
import { localPublishTargets, localSubstitutions, runFlow, type FlowEvent } from '../flow/local-run.js';
import type { EngineStore } from './store/types.js';
import type { ExecutionRecord } from './store/executions.js';
import type { StagedWrite } from './job-protocol.js';
import type { LocalJobRunner } from './job-runner.js';
import { flowChannel, type ExecutionRequest } from './kinds/flow.js';
import { DLQ_RETENTION_MS } from './kinds/queue.js';
import type { EngineEvent } from './events.js';
import type { SecretsSource } from './local-io.js';
import { isSecretRef, secretPath } from '../model/secret.js';
import type { ConfigValue } from '../model/fn.js';

/** What the flow runner needs from the engine. */
export interface FlowRunnerDeps {
  pipeline: Pipeline;
  store: EngineStore;
  now: () => number;
  jobs: LocalJobRunner;
  /** The stage whose stageConfig applies to jobs. */
  stage: string;
  /** Commit a job's staged writes to their buckets, notifications included, in one transaction. */
  commitWrites(writes: StagedWrite[]): void;
  /**
   * Deliver a flow's outcome to a topic (the outcome as JSON) or a notify node (an email's subject and
   * text), sent by the flow `from`.
   */
  publish(outcome: { to: string; from: string; body: string; subject?: string }): void;
  /** Something changed that the engine's next turn should see (writes committed, an execution ended). */
  changed(): void;
  onEvent?: (event: EngineEvent) => void;
  /** Wait no time before a job's retry (a test's manual clock): the Retry's intervals are not slept. */
  skipRetryWaits?: boolean;
  /** The local secrets a job's `secret('/path')` config values are read from. */
  secrets?: SecretsSource;
}

/** An execution's id, as the local execution ARN ends. */
const executionArn = (pipeline: string, flow: string, id: string) => `arn:aws:states:us-east-1:000000000000:execution:${pipeline}-local-${flow}:${id}`;

/** Runs a pipeline's flows on the local engine. */
export class FlowRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly aborts = new Set<AbortController>();

  /** The pipeline's flows, found once: the engine asks at every turn. */
  private readonly flows: Flow[];

  constructor(private readonly deps: FlowRunnerDeps) {
    this.flows = deps.pipeline.nodesOf('flow');
  }

  /**
   * Ask for an execution of `flow`; returns its name. It waits its turn behind a running one (the
   * Stage refuses a trigger first when the flow's overlap is 'refuse': `busyWith`).
   */
  request(flow: Flow, input: unknown, options: { name?: string; source?: string } = {}): string {
    const twinless = flow.jobs.find((j) => j.kind === 'glueJob' && !j.resolved.localPath);
    if (twinless) throw new InputError('SLUICE_E_GLUE_NO_LOCAL', `${flow} cannot start: ${noLocalTwin(twinless)}`, { node: twinless.name, field: 'local' });
    const id = options.name ?? randomUUID();
    if (this.deps.store.executions.get(id) ?? this.waitingExecution(flow, id)) throw new InputError('SLUICE_E_EXECUTION_NAME', `${flow} already has an execution named '${id}'; execution names are unique: choose another`, { node: flow.name, field: 'name', given: id });
    const request: ExecutionRequest = { source: options.source ?? 'trigger', input: input ?? {}, name: id };
    this.deps.store.transaction(() => this.deps.store.messages.send(flowChannel(flow.name), { body: JSON.stringify(request), retentionMs: DLQ_RETENTION_MS }, this.deps.now()));
    return id;
  }

  /**
   * An execution asked for but not started yet (waiting its turn, or for an engine to run it), as a
   * record: RUNNING, as Step Functions reports an execution from StartExecution on, with no job started.
   */
  waitingExecution(flow: Flow, name: string): ExecutionRecord | undefined {
    const message = this.deps.store.messages.list(flowChannel(flow.name), 1000).find((m) => (JSON.parse(m.body) as ExecutionRequest).name === name);
    if (!message) return undefined;
    const request = JSON.parse(message.body) as ExecutionRequest;
    return { id: name, name, flow: flow.name, status: 'RUNNING', source: request.source, startedAt: message.sentAt, input: request.input, jobs: {} };
  }

  /** The running or waiting execution of a flow, if any (its name). */
  busyWith(flow: Flow): string | undefined {
    const running = this.deps.store.executions.list(flow.name, 1)[0];
    if (running?.status === 'RUNNING') return running.name;
    const waiting = this.deps.store.messages.list(flowChannel(flow.name), 1)[0];
    return waiting ? (JSON.parse(waiting.body) as ExecutionRequest).name ?? 'waiting to start' : undefined;
  }

  /** Start the executions whose turn it is; returns how many started. Runs inside the engine's turn. */
  startDue(): number {
    let started = 0;
    for (const flow of this.flows) {
      if (this.running.has(flow.name)) continue;
      const channel = flowChannel(flow.name);
      const [message] = this.deps.store.messages.receive(channel, { max: 1, visibilityMs: DLQ_RETENTION_MS }, this.deps.now());
      if (!message) continue;
      // Taken now: an engine that stops mid-execution marks it ABORTED at its next start, never reruns it.
      this.deps.store.messages.ack(message.seq, message.receipt!);
      const request = JSON.parse(message.body) as ExecutionRequest;
      const run = this.execute(flow, request).finally(() => {
        this.running.delete(flow.name);
        this.deps.changed();
      });
      this.running.set(flow.name, run);
      started++;
    }
    return started;
  }

  /** How many executions are running. */
  get active(): number {
    return this.running.size;
  }

  /** A flow's executions waiting to start, newest first (RUNNING, no job started: see `waitingExecution`). */
  waiting(flow: Flow): ExecutionRecord[] {
    return this.deps.store.messages.list(flowChannel(flow.name), 1000).map((m) => this.waitingExecution(flow, (JSON.parse(m.body) as ExecutionRequest).name ?? '')!).filter(Boolean).reverse();
  }

  /** Mark executions a stopped engine left RUNNING as ABORTED (at start). */
  abortLeftovers(): void {
    for (const flow of this.flows) {
      for (const r of this.deps.store.executions.list(flow.name, 20)) {
        if (r.status !== 'RUNNING') continue;
        this.deps.store.executions.put({ ...r, status: 'ABORTED', stoppedAt: this.deps.now(), error: 'States.Aborted', cause: 'the local engine stopped while the execution ran' });
      }
    }
  }

  /** Stop every running execution. */
  async close(): Promise<void> {
    for (const a of this.aborts) a.abort();
    await Promise.allSettled(this.running.values());
  }

  /** Run one execution to its end, recording it as it goes. */
  private async execute(flow: Flow, request: ExecutionRequest): Promise<void> {
    const { pipeline, store } = this.deps;
    const id = request.name ?? randomUUID();
    const record: ExecutionRecord = { id, name: id, flow: flow.name, status: 'RUNNING', source: request.source, startedAt: this.deps.now(), input: request.input, jobs: {} };
    const save = () => store.executions.put(record);
    save();
    const emit = (e: EngineEvent) => this.deps.onEvent?.(e);
    emit({ type: 'flow', flow: flow.name, execution: id, event: 'started', at: new Date(record.startedAt).toISOString() });
    const missing = flow.jobs.find((j) => j.kind === 'glueJob' && !j.resolved.localPath);
    const plan = flowPlanOf(pipeline, flow);
    const abort = new AbortController();
    this.aborts.add(abort);
    try {
      if (missing) {
        record.status = 'FAILED';
        record.failedJob = missing.name;
        record.error = `JobFailed.${missing.name}`;
        record.cause = noLocalTwin(missing);
      } else {
        const byName = new Map<string, FlowStep>(flow.jobs.map((j) => [j.name, j]));
        // A job's run stops when its attempt's Task does, or when the execution ends (a retry the
        // interpreter starts as the execution fails is stopped with it).
        const tasks = Object.fromEntries(plan.levels.flat().map((j) => [j.name, (_input: unknown, call: { signal: AbortSignal }) => this.runJob(flow, byName.get(j.name)!, id, request.input, AbortSignal.any([call.signal, abort.signal]))]));
        const targets = localPublishTargets(plan);
        const result = await runFlow(flowDefinition(plan), {
          substitutions: localSubstitutions(plan),
          input: request.input as never,
          tasks: tasks as never,
          executionArn: executionArn(pipeline.name, flow.name, id),
          signal: abort.signal,
          publish: (published) => {
            const target = targets.get(published.topicArn);
            if (!target) throw new InternalError(`flow '${flow.name}' published to ${published.topicArn}, which is none of its topics or notify nodes`);
            this.deps.publish({ to: target.name, from: flow.name, body: published.message, ...(published.subject !== undefined ? { subject: published.subject } : {}) });
          },
          onEvent: (e: FlowEvent) => {
            const at = e.at.getTime();
            const progress = record.jobs[e.job] ?? { status: 'RUNNING' as const, startedAt: at, attempts: 0 };
            if (e.type === 'job-started') Object.assign(progress, { status: 'RUNNING', attempts: progress.attempts + 1 });
            if (e.type === 'job-retry') Object.assign(progress, { error: e.error, cause: e.cause, ...(e.attempt ? { attempts: e.attempt } : {}) });
            if (e.type === 'job-succeeded') Object.assign(progress, { status: 'SUCCEEDED', durationMs: e.durationMs });
            if (e.type === 'job-failed') Object.assign(progress, { status: 'FAILED', durationMs: e.durationMs, error: e.error, cause: e.cause });
            record.jobs[e.job] = progress;
            save();
            emit({ type: 'job', flow: flow.name, execution: id, job: e.job, event: e.type.slice(4) as 'started', at: e.at.toISOString(), ...(e.durationMs !== undefined ? { durationMs: e.durationMs } : {}), ...(e.error ? { error: e.error } : {}), ...(e.cause ? { cause: e.cause } : {}), ...(e.attempt ? { attempt: e.attempt } : {}) });
          },
          ...(this.deps.skipRetryWaits ? { retryIntervalOverrides: Object.fromEntries(plan.levels.flat().map((j) => [j.name, 0])) } : {}),
        });
        record.status = result.status;
        if (result.output !== undefined) record.output = result.output;
        if (result.error) record.error = result.error;
        if (result.cause) record.cause = result.cause;
        if (result.failedJob) record.failedJob = result.failedJob;
      }
    } catch (error) {
      record.status = 'FAILED';
      record.error = 'States.Runtime';
      record.cause = error instanceof Error ? error.message : String(error);
    } finally {
      abort.abort();
      this.aborts.delete(abort);
    }
    record.stoppedAt = this.deps.now();
    save();
    emit({ type: 'flow', flow: flow.name, execution: id, event: record.status === 'SUCCEEDED' ? 'succeeded' : 'failed', at: new Date(record.stoppedAt).toISOString(), status: record.status, ...(record.failedJob ? { failedJob: record.failedJob } : {}), ...(record.error ? { error: record.error } : {}), ...(record.cause ? { cause: record.cause } : {}) });
  }

  /**
   * A job's config with its `secret('/path')` values read from the local secrets, as its Lambda reads
   * them from SSM when it starts; a missing one fails the job naming the path and where to add it.
   */
  private withSecrets(step: FlowStep, config: Record<string, ConfigValue>): { config: Record<string, unknown>; secrets: string[] } {
    const secrets: string[] = [];
    const walk = (value: ConfigValue): unknown => {
      if (isSecretRef(value)) {
        const path = secretPath(value);
        const { values, source } = this.deps.secrets?.() ?? { values: {}, source: 'no secrets file' };
        const found = values[path];
        if (found === undefined) throw new InputError('SLUICE_E_SECRET', `${step} cannot start: secret '${path}' is not set in ${source}; add it there as "${path}": "..."`, { node: step.name, field: 'config', given: path });
        secrets.push(found);
        return found;
      }
      if (Array.isArray(value)) return value.map(walk);
      if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
      return value;
    };
    return { config: walk(config) as Record<string, unknown>, secrets };
  }

  /** One job's Task: run it in a worker; commit its writes if it succeeded; throw its error if not. */
  private async runJob(flow: Flow, step: FlowStep, execution: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    const { reads, writes } = stagesOf(this.deps.pipeline, step);
    const handlerPath = step.kind === 'job' ? step.handlerPath : step.resolved.localPath!;
    const timeoutMs = (step.kind === 'job' ? step.resolved.timeoutSeconds : step.resolved.timeoutMinutes * 60) * 1000;
    const { config, secrets } = step.kind === 'job' ? this.withSecrets(step, step.configFor(this.deps.stage)) : { config: {}, secrets: [] };
    const outcome = await this.deps.jobs.run({
      job: step.name, handlerPath, flow: flow.name, execution, input,
      config, secrets,
      environment: step.kind === 'job' ? step.resolved.environment : {},
      grants: { reads: reads.map((b) => b.name), writes: writes.map((b) => b.name) },
      timeoutMs, memoryMb: step.kind === 'job' ? step.resolved.memoryMb : 2048, signal,
    });
    try {
      if (!outcome.ok) throw Object.assign(new Error(outcome.error.errorMessage), { name: outcome.error.errorType });
      this.deps.commitWrites(outcome.staged);
      this.deps.changed();
      return outcome.result;
    } finally {
      outcome.cleanup();
    }
  }
}

/** Why a Glue job without a local twin cannot run locally, and the two ways out. */
export function noLocalTwin(step: FlowStep): string {
  return `${step} has no local twin, so it cannot run on the local engine: add one (glueJob('${step.name}', { ..., local: './jobs/${step.name}.ts' }), a job() handler doing the same work), or branch downstream of it so its output is read from the stage's data`;
}
