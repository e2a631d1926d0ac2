/**
 * Runs a flow's state machine definition (asl.ts) on this machine with aws-local-stepfunctions, the
 * same ASL synth deploys: parallel branches, retries, catches, timeouts, the execution's input and
 * output are the interpreter's, not sluice's. sluice only fills the `${...}` placeholders with local
 * fake ARNs, answers each Task with a local handler shaped like the AWS integration's response, and
 * turns the interpreter's event log into job events and a result.
 */
import { randomUUID } from 'node:crypto';
import type { StateMachine as StateMachineClass } from 'aws-local-stepfunctions';
import { InternalError } from '../model/errors.js';
import { RESOURCE, substitutionsFor, type AslDefinition, type AslState, type JsonValue } from './asl.js';
import type { FlowPlan, FlowPublish } from './plan.js';
import { JobTracker, type LibraryEvent } from './job-tracker.js';

// aws-local-stepfunctions 3.0 declares Node >= 22 in `engines` because its Task states call
// Promise.withResolvers (new in Node 22) to race a task against its TimeoutSeconds; that is the only
// Node 22 API its build uses. sluice supports Node 20, so supply the standard method where missing.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
      return { promise, resolve, reject };
    },
  });
}

/** The region and account of local fake ARNs. */
const LOCAL_REGION = 'us-east-1';
const LOCAL_ACCOUNT = '000000000000';

/** How a job's Task is called: the attempt (1 for the first) and a signal aborted when it must stop (timeout, end of execution). */
export interface FlowTaskCall {
  attempt: number;
  signal: AbortSignal;
}

/**
 * A job's local handler. It receives what the AWS service would: a `job`'s Lambda event (the Task's
 * `Payload`: `{ flow, job, execution, input }`), a `glueJob`'s job arguments (`Arguments`). It returns
 * the job's result (a `job`'s function result; ignored for a `glueJob`, as Glue returns none) or throws.
 */
export type FlowTask = (input: JsonValue, call: FlowTaskCall) => Promise<JsonValue | undefined> | JsonValue | undefined;

/** Something that happened to a job during an execution. */
export interface FlowEvent {
  type: 'job-started' | 'job-succeeded' | 'job-failed' | 'job-retry';
  job: string;
  at: Date;
  /** Since the job started (succeeded, failed). */
  durationMs?: number;
  /** The error of the attempt that failed (failed, retry). */
  error?: string;
  cause?: string;
  /** The attempt about to start (retry). */
  attempt?: number;
}

/** What became of one job that started. */
export interface FlowJobResult {
  /** ABORTED: it was running when the execution stopped (a parallel job failed, the execution timed out or was aborted). */
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startedAt: Date;
  durationMs: number;
  attempts: number;
  error?: string;
  cause?: string;
}

/** How an execution ended. */
export interface FlowExecutionResult {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** Each job's result by job name (succeeded executions). */
  output?: JsonValue;
  /** `JobFailed.<job>` for a failed job; `States.Timeout` for a timed-out execution. */
  error?: string;
  cause?: string;
  failedJob?: string;
  startedAt: Date;
  stoppedAt: Date;
  /** Every job that started, by name; jobs that never started are absent. */
  jobs: Record<string, FlowJobResult>;
}

/** Options of `runFlow`. */
export interface RunFlowOptions {
  /** A value for every `${...}` placeholder of the definition (`localSubstitutions(plan)`). */
  substitutions: Record<string, string>;
  /** The execution's input. @default {} */
  input?: JsonValue;
  /** A handler for every job's Task state, by state (job) name. */
  tasks: Record<string, FlowTask>;
  /** Receives each outcome the definition publishes (flows with a topic or a notify node): `localPublishTargets` names its target. */
  publish?: (published: FlowPublished) => Promise<void> | void;
  /** Called as jobs start, retry, succeed and fail. */
  onEvent?: (event: FlowEvent) => void;
  /** Aborts the execution (status ABORTED). */
  signal?: AbortSignal;
  /** `$$.Execution.Id`. @default a fresh local execution ARN */
  executionArn?: string;
  /**
   * Milliseconds to wait before each retry of a state, instead of its Retry's IntervalSeconds and
   * BackoffRate (tests, a local clock): by state name, one number or one per retrier.
   */
  retryIntervalOverrides?: Record<string, number | number[]>;
}

/** One SNS Publish a definition made: its TopicArn (a local fake), the Message as text, and the Subject if it set one. */
export interface FlowPublished {
  topicArn: string;
  message: string;
  subject?: string;
}

/** Fake local ARNs for a plan's placeholders: `arn:aws:lambda:us-east-1:000000000000:function:<pipeline>-local-<job>` and the like. */
export function localSubstitutions(plan: FlowPlan): Record<string, string> {
  return substitutionsFor(plan, (r) => {
    if (r.kind === 'job') return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${plan.pipeline}-local-${r.name}`;
    if (r.kind === 'glueJob') return `${plan.pipeline}-local-${r.name}`;
    return localTopicArn(plan, r.name);
  });
}

function localTopicArn(plan: FlowPlan, name: string): string {
  return `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${plan.pipeline}-local-${name}`;
}

/**
 * The topic or notify node each local fake TopicArn of a plan stands for: what a `publish` callback
 * delivers to. (Node names are unique in a pipeline, so no two targets share an ARN.)
 *
 * @example localPublishTargets(plan).get(published.topicArn) // { kind: 'notify', name: 'alerts' }
 */
export function localPublishTargets(plan: FlowPlan): Map<string, FlowPublish> {
  return new Map(plan.publishes.map((p) => [localTopicArn(plan, p.name), p]));
}

/**
 * Fill a definition's `${key}` placeholders as CloudFormation's `DefinitionSubstitutions` does: by
 * text, in the JSON of the definition. An unknown placeholder is a bug in the caller.
 */
export function substituteDefinition(definition: AslDefinition, substitutions: Record<string, string>): AslDefinition {
  return JSON.parse(substitutedText(definition, substitutions)) as AslDefinition;
}

function substitutedText(definition: AslDefinition, substitutions: Record<string, string>): string {
  return JSON.stringify(definition).replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, key: string) => {
    const value = substitutions[key];
    if (value === undefined) throw new InternalError(`flow definition placeholder '\${${key}}' has no substitution (given: ${Object.keys(substitutions).join(', ') || 'none'})`);
    return JSON.stringify(value).slice(1, -1);
  });
}

/**
 * State machines by definition text. The interpreter validates a definition (asl-validator) each
 * time one is constructed, which takes 100-500 ms; running one takes well under a millisecond per
 * state, and a constructed machine runs any number of executions. So each definition is validated
 * once per process. Bounded, oldest out first: a process runs few distinct flows.
 */
const machines = new Map<string, StateMachineClass>();
const MACHINES_KEPT = 32;

function machineFor(StateMachine: Library['StateMachine'], text: string): { machine: StateMachineClass; definition: AslDefinition } {
  const definition = JSON.parse(text) as AslDefinition;
  let machine = machines.get(text);
  if (!machine) {
    machine = new StateMachine(definition as never);
    machines.set(text, machine);
    if (machines.size > MACHINES_KEPT) machines.delete(machines.keys().next().value!);
  }
  return { machine, definition };
}

type Library = typeof import('aws-local-stepfunctions');
let library: Promise<Library> | undefined;
/** The interpreter, loaded on first use: it pulls in the Lambda SDK client, which most commands never need. */
function loadLibrary(): Promise<Library> {
  library ??= import('aws-local-stepfunctions');
  return library;
}

/** A job's failure as the interpreter sees it: `name` is the ASL error, `message` its cause. */
class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** A Task state of the definition, found anywhere (Parallel branches included). */
interface TaskState { name: string; state: AslState }

function taskStates(definition: AslDefinition): TaskState[] {
  const found: TaskState[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task') found.push({ name, state });
    if (state.Type === 'Parallel') for (const branch of state.Branches as unknown as AslDefinition[]) found.push(...taskStates(branch));
  }
  return found;
}

function errorOf(thrown: unknown): { type: string; message: string } {
  if (thrown instanceof Error) return { type: thrown.name || 'Error', message: thrown.message };
  return { type: 'Error', message: typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown) };
}

/**
 * Run a flow's definition locally and resolve with how the execution ended (never rejects for a
 * failed, timed-out or aborted execution).
 *
 * @example
 * const result = await runFlow(flowDefinition(plan), {
 *   substitutions: localSubstitutions(plan), input: { day: '2026-01-01' },
 *   tasks: { extract: async (event) => ({ files: 3 }) },
 *   onEvent: (e) => console.log(e.type, e.job),
 * });
 */
export async function runFlow(definition: AslDefinition, options: RunFlowOptions): Promise<FlowExecutionResult> {
  const { StateMachine, ExecutionError, ExecutionTimeoutError } = await loadLibrary();
  const { machine, definition: resolved } = machineFor(StateMachine, substitutedText(definition, options.substitutions));
  const executionArn = options.executionArn ?? `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:local:${randomUUID()}`;
  const running = new Set<AbortController>();
  const attempts = new Map<string, number>();
  const jobStates = new Set<string>();
  const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};

  /** Call a local handler for one attempt, aborting its signal when the state's TimeoutSeconds passes or the execution ends. */
  const attempt = async <T>(name: string, state: AslState, run: (call: FlowTaskCall) => Promise<T>): Promise<T> => {
    const count = (attempts.get(name) ?? 0) + 1;
    attempts.set(name, count);
    const controller = new AbortController();
    running.add(controller);
    let timedOut = false;
    const timer = typeof state.TimeoutSeconds === 'number'
      ? setTimeout(() => { timedOut = true; controller.abort(); }, state.TimeoutSeconds * 1000)
      : undefined;
    try {
      let result: T;
      try {
        result = await run({ attempt: count, signal: controller.signal });
      } catch (error) {
        // The handler's own failure once the abort reached it: the interpreter reports States.Timeout.
        if (timedOut) return new Promise<T>(() => {});
        throw error;
      }
      // Past the deadline the attempt has already failed with States.Timeout (the interpreter's timer
      // fires in the same turn as ours): a result that comes after, even one the abort hastened, must
      // not count, so it never settles. Nothing holds the process open for it.
      if (timedOut) return new Promise<T>(() => {});
      return result;
    } finally {
      clearTimeout(timer);
      running.delete(controller);
    }
  };

  for (const { name, state } of taskStates(resolved)) {
    if (state.Resource === RESOURCE.lambdaInvoke) {
      const task = taskFor(options.tasks, name);
      jobStates.add(name);
      handlers[name] = (request) => attempt(name, state, async (call) => {
        let result: JsonValue | undefined;
        try {
          result = await task((request as Record<string, JsonValue>).Payload ?? null, call);
        } catch (thrown) {
          // As lambda:invoke reports a function error: Error is the errorType, Cause the error as JSON.
          const { type, message } = errorOf(thrown);
          throw new TaskFailure(type, JSON.stringify({ errorType: type, errorMessage: message }));
        }
        return { ExecutedVersion: '$LATEST', Payload: result ?? null, StatusCode: 200 };
      });
    } else if (state.Resource === RESOURCE.glueStartJobRunSync) {
      const task = taskFor(options.tasks, name);
      jobStates.add(name);
      handlers[name] = (request) => attempt(name, state, async (call) => {
        const req = request as Record<string, JsonValue>;
        const runId = `jr_local_${randomUUID().replace(/-/g, '')}`;
        const jobRun = { Id: runId, JobName: req.JobName ?? name, Arguments: req.Arguments ?? {} };
        try {
          await task(req.Arguments ?? {}, call);
        } catch (thrown) {
          // As glue:startJobRun.sync reports a failed run: States.TaskFailed, the job run as the cause.
          const { type, message } = errorOf(thrown);
          throw new TaskFailure('States.TaskFailed', JSON.stringify({ ...jobRun, JobRunState: 'FAILED', ErrorMessage: `${type}: ${message}` }));
        }
        return { ...jobRun, JobRunState: 'SUCCEEDED' };
      });
    } else if (state.Resource === RESOURCE.snsPublish) {
      handlers[name] = async (request) => {
        const { TopicArn, Message, Subject } = request as Record<string, JsonValue>;
        await options.publish?.({ topicArn: String(TopicArn), message: typeof Message === 'string' ? Message : JSON.stringify(Message), ...(typeof Subject === 'string' ? { subject: Subject } : {}) });
        return { MessageId: randomUUID() };
      };
    } else {
      throw new InternalError(`flow state '${name}' has a Task resource the local runner does not know: ${String(state.Resource)}`);
    }
  }

  const startedAt = new Date();
  const execution = machine.run((options.input ?? {}) as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: options.retryIntervalOverrides },
    context: { Execution: { Id: executionArn, Name: executionArn.split(':').pop() } },
  });
  const onAbort = () => execution.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) execution.abort();

  const tracker = new JobTracker(jobStates, options.onEvent);
  const events = (async () => {
    for await (const event of execution.eventLogs) tracker.observe(event as LibraryEvent);
  })();

  let result: FlowExecutionResult;
  try {
    const output = await execution.result;
    await events;
    result = { status: 'SUCCEEDED', output: output as JsonValue, startedAt, stoppedAt: new Date(), jobs: {} };
  } catch (thrown) {
    await events;
    const stoppedAt = new Date();
    if (thrown instanceof ExecutionError) {
      const cause = thrown.cause as Error;
      const failedJob = /^JobFailed\.(.+)$/.exec(cause.name)?.[1];
      result = { status: 'FAILED', error: cause.name, cause: cause.message, ...(failedJob ? { failedJob } : {}), startedAt, stoppedAt, jobs: {} };
    } else if (thrown instanceof ExecutionTimeoutError) {
      result = { status: 'TIMED_OUT', error: 'States.Timeout', startedAt, stoppedAt, jobs: {} };
    } else {
      result = { status: 'ABORTED', startedAt, stoppedAt, jobs: {} };
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // Whatever still runs (a parallel job whose sibling failed, a job of a timed-out execution) must stop.
    for (const controller of running) controller.abort();
  }
  result.jobs = tracker.jobs(result.stoppedAt, attempts);
  return result;
}

function taskFor(tasks: Record<string, FlowTask>, name: string): FlowTask {
  const task = tasks[name];
  if (!task) throw new InternalError(`flow job '${name}' has no local task handler (given: ${Object.keys(tasks).join(', ') || 'none'})`);
  return task;
}
