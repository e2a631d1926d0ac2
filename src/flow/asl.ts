/**
 * A flow plan as Amazon States Language: the one state machine definition that synth deploys (with
 * CloudFormation's `DefinitionSubstitutions` filling the ARNs) and the local engine runs (local-run.ts,
 * with fake ARNs). Same plan, byte-identical JSON.
 *
 * The state data is `{ input, results }`: the execution's input, carried so every job receives it,
 * and each finished job's result by job name. Jobs read the input from the state data rather than
 * `$$.Execution.Input` because aws-local-stepfunctions gives a Parallel branch the branch's input as
 * `$$.Execution.Input` (AWS gives the execution's), and one definition must mean the same in both.
 *
 * The shape, for levels [[extract], [clean, enrich]] publishing to topic `done` and notify `alerts`:
 * Start -> extract -> Level 2 (Parallel: clean | enrich) -> Flow succeeded -> Publish success to done
 *   -> Publish success to alerts (end)
 * a job's failure -> `<job> failed` (the outcome) -> Publish failure to done -> Publish failure to alerts
 *   -> Flow failed (Fail: JobFailed.<job>)
 * A topic receives the outcome as JSON; a notify node an email (notify-message.ts).
 */
import type { FlowJob, FlowPlan, FlowPublish } from './plan.js';
import { notifyPublishParameters } from './notify-message.js';

/** A JSON value, as state data and definitions hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One state of a definition (Task, Parallel, Pass, Fail, ...), loosely typed: ASL is the schema. */
export interface AslState {
  Type: 'Task' | 'Parallel' | 'Pass' | 'Fail' | 'Succeed' | 'Choice' | 'Wait' | 'Map';
  [field: string]: JsonValue | undefined;
}

/** A state machine definition (or a Parallel branch: the same without the top-level fields). */
export interface AslDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
}

/** The resources a definition names through `${...}` placeholders: its jobs, and the topics and notify nodes it publishes to. */
export interface FlowResource {
  kind: FlowJob['kind'] | FlowPublish['kind'];
  name: string;
}

/** Resources of the optimized integrations the definition uses. */
export const RESOURCE = {
  lambdaInvoke: 'arn:aws:states:::lambda:invoke',
  glueStartJobRunSync: 'arn:aws:states:::glue:startJobRun.sync',
  snsPublish: 'arn:aws:states:::sns:publish',
} as const;

/**
 * Errors worth retrying whatever the user asked: the service, not the job, failed.
 * Lambda: the four errors AWS's "Handle transient Lambda service exceptions" best practice lists
 * (https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html#bp-lambda-serviceexception).
 * Glue: StartJobRun's errors that say "try again" (https://docs.aws.amazon.com/glue/latest/webapi/API_StartJobRun.html).
 */
export const TRANSIENT_ERRORS: Record<FlowJob['kind'], string[]> = {
  job: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
  glueJob: ['Glue.ConcurrentRunsExceededException', 'Glue.InternalServiceException', 'Glue.OperationTimeoutException', 'Glue.ThrottlingException'],
};

/** The error a failed execution ends with: names the job that failed. */
export function jobFailedError(job: string): string {
  return `JobFailed.${job}`;
}

/** The prefix of each resource kind's substitution keys. */
const KEY_PREFIX: Record<FlowResource['kind'], string> = { job: 'Job', glueJob: 'GlueJob', topic: 'Topic', notify: 'Notify' };

/**
 * The `DefinitionSubstitutions` key of a resource: `Job_<name>`, `GlueJob_<name>`, `Topic_<name>` or
 * `Notify_<name>`. Keys allow only `[A-Za-z0-9_]`, so every other character of the name (and `_`
 * itself) becomes `_` and its two hex digits (`clean-orders` -> `Job_clean_2dorders`): two names
 * never share a key.
 *
 * @example substitutionKey('job', 'clean-orders') // 'Job_clean_2dorders'
 */
export function substitutionKey(kind: FlowResource['kind'], name: string): string {
  const safe = name.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `${KEY_PREFIX[kind]}_${safe}`;
}

/**
 * Every placeholder a plan's definition uses, each resolved by `resolve`: the ARN intrinsic for
 * synth, a fake ARN for the local engine. Keys are sorted, so the result is deterministic.
 *
 * @example substitutionsFor(plan, (r) => r.kind === 'job' ? functionArn(r.name) : topicArn(r.name))
 */
export function substitutionsFor<V>(plan: FlowPlan, resolve: (resource: FlowResource) => V): Record<string, V> {
  const resources: FlowResource[] = [...plan.levels.flat(), ...plan.publishes].map((r) => ({ kind: r.kind, name: r.name }));
  const entries = resources.map((r) => [substitutionKey(r.kind, r.name), r] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, r]) => [key, resolve(r)]));
}

const START = 'Start';
const SUCCEEDED = 'Flow succeeded';
const FAILED = 'Flow failed';

/** The state publishing an outcome to one target: `Publish success to <name>`, `Publish failure to <name>` (at most 79 characters: names are at most 60). */
export function publishStateName(outcome: 'success' | 'failure', target: FlowPublish): string {
  return `Publish ${outcome} to ${target.name}`;
}

/**
 * The names of the states a job's failure passes through. State names are unique across the whole
 * machine, branches included, and job names hold no spaces, so none of these can be a job's name.
 */
export function failureStateNames(job: string, level: number): { failed: string; timedOut: string; stopped: string; reported: string } {
  return { failed: `${job} failed`, timedOut: `${job} timed out`, stopped: `${job} stopped`, reported: `${levelStateName(level)}: ${job} failed` };
}

function levelStateName(index: number): string {
  return `Level ${index + 1}`;
}

/** JSONPath to a job's result in the state data (bracket notation: job names may hold `-`). */
function resultPath(job: string): string {
  return `$.results['${job}']`;
}

/**
 * The state machine definition of a flow plan: each level in turn (a Parallel state for a level of
 * several jobs, the Task itself for one), a failing job ending the execution with
 * `JobFailed.<job>` and its cause, and the outcome published to each of `publishes`, in turn, before the end.
 *
 * @example
 * const definition = flowDefinition({ pipeline: 'shop', flow: 'nightly', publishes: [{ kind: 'notify', name: 'alerts' }],
 *   levels: [[{ name: 'extract', kind: 'job', timeoutSeconds: 300, retry: { attempts: 0, intervalSeconds: 10, backoffRate: 2 } }]] });
 */
export function flowDefinition(plan: FlowPlan): AslDefinition {
  const first = plan.publishes[0];
  const onFailure = first ? publishStateName('failure', first) : FAILED;
  const stepName = (i: number) => (i >= plan.levels.length ? SUCCEEDED : plan.levels[i]!.length === 1 ? plan.levels[i]![0]!.name : levelStateName(i));
  const states: Record<string, AslState> = {
    // The execution's input may be any JSON (a string, an array): the state data starts as an object.
    [START]: { Type: 'Pass', Parameters: { 'input.$': '$', results: {} }, Next: stepName(0) },
  };
  const done: FlowJob[] = [];
  plan.levels.forEach((level, i) => {
    done.push(...level);
    if (level.length === 1) {
      Object.assign(states, jobStates(plan, level[0]!, i, { Next: stepName(i + 1) }, { Next: onFailure }));
      return;
    }
    states[levelStateName(i)] = {
      Type: 'Parallel',
      Branches: level.map((job) => ({ StartAt: job.name, States: jobStates(plan, job, i, { End: true }, null) })) as unknown as JsonValue,
      // Each branch returns the state data plus its own job's result: one state data again.
      ResultSelector: {
        'input.$': '$[0].input',
        results: Object.fromEntries(done.map((j) => [`${j.name}.$`, `$[${Math.max(0, level.indexOf(j))}].results['${j.name}']`])),
      },
      Next: stepName(i + 1),
      // A branch fails with its job's JobFailed.<job> (its Fail state): one catcher per job says which.
      Catch: level.map((job) => ({ ErrorEquals: [jobFailedError(job.name)], Next: failureStateNames(job.name, i).reported })),
    };
    for (const job of level) {
      states[failureStateNames(job.name, i).reported] = {
        Type: 'Pass',
        Parameters: { ...outcome(plan, 'FAILED'), failedJob: job.name, 'error.$': '$.Error', 'cause.$': '$.Cause' },
        Next: onFailure,
      };
    }
  });
  const output = Object.fromEntries(done.map((j) => [`${j.name}.$`, j.kind === 'job' ? `${resultPath(j.name)}.Payload` : resultPath(j.name)]));
  if (first) {
    states[SUCCEEDED] = { Type: 'Pass', Parameters: { output, outcome: outcome(plan, 'SUCCEEDED') }, Next: publishStateName('success', first) };
    plan.publishes.forEach((target, i) => {
      const next = plan.publishes[i + 1];
      // Not caught: if the outcome cannot be published, the execution says so rather than succeeding quietly.
      states[publishStateName('success', target)] = { ...publish(plan, target, 'SUCCEEDED'), ...(next ? { Next: publishStateName('success', next) } : { OutputPath: '$.output', End: true }) };
      // Caught: a publish that fails must not hide which job failed, nor keep the outcome from the other targets.
      const then = next ? publishStateName('failure', next) : FAILED;
      states[publishStateName('failure', target)] = { ...publish(plan, target, 'FAILED'), Next: then, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: then }] };
    });
  } else {
    states[SUCCEEDED] = { Type: 'Pass', Parameters: output, End: true };
  }
  states[FAILED] = { Type: 'Fail', ErrorPath: '$.error', CausePath: '$.cause' };
  return {
    Comment: `sluice flow '${plan.flow}' of pipeline '${plan.pipeline}'`,
    StartAt: START,
    States: states,
    ...(plan.timeoutSeconds !== undefined ? { TimeoutSeconds: plan.timeoutSeconds } : {}),
  };
}

/**
 * A job's Task and the states its failure passes through: the outcome (`<job> failed`, or
 * `<job> timed out`), then `onFailure` at the top level, or in a Parallel branch (`onFailure` null)
 * a Fail state that ends the branch with `JobFailed.<job>` and the cause.
 */
function jobStates(plan: FlowPlan, job: FlowJob, level: number, onSuccess: { Next: string } | { End: true }, onFailure: { Next: string } | null): Record<string, AslState> {
  const names = failureStateNames(job.name, level);
  const then = onFailure ?? { Next: names.stopped };
  const failure = { ...outcome(plan, 'FAILED'), failedJob: job.name, error: jobFailedError(job.name) };
  const states: Record<string, AslState> = {
    [job.name]: { ...jobTask(plan, job, names), ...onSuccess },
    // A timeout's Catch output may carry no Cause: say what happened without reading one.
    [names.timedOut]: { Type: 'Pass', Parameters: { ...failure, cause: `States.Timeout: job '${job.name}' ran longer than its timeout of ${job.timeoutSeconds} s` }, ...then },
    // The error's type, then its cause: a Lambda error's Cause is JSON with errorType and errorMessage, a Glue job run's has ErrorMessage.
    [names.failed]: { Type: 'Pass', Parameters: { ...failure, 'cause.$': "States.Format('{}: {}', $.Error, $.Cause)" }, ...then },
  };
  if (!onFailure) states[names.stopped] = { Type: 'Fail', Error: jobFailedError(job.name), CausePath: '$.cause' };
  return states;
}

/** A job's Task state, without its transition. */
function jobTask(plan: FlowPlan, job: FlowJob, names: { failed: string; timedOut: string }): AslState {
  const call: AslState = job.kind === 'job'
    ? {
        Type: 'Task',
        Resource: RESOURCE.lambdaInvoke,
        Parameters: {
          FunctionName: `\${${substitutionKey('job', job.name)}}`,
          Payload: { flow: plan.flow, job: job.name, 'execution.$': '$$.Execution.Id', 'input.$': '$.input' },
        },
        ResultSelector: { 'Payload.$': '$.Payload' },
      }
    : {
        Type: 'Task',
        Resource: RESOURCE.glueStartJobRunSync,
        Parameters: { JobName: `\${${substitutionKey('glueJob', job.name)}}`, Arguments: { '--sluice-execution.$': '$$.Execution.Id' } },
        ResultSelector: { 'JobRunId.$': '$.Id', 'JobRunState.$': '$.JobRunState' },
      };
  const retry: JsonValue[] = [{ ErrorEquals: TRANSIENT_ERRORS[job.kind], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }];
  if (job.retry.attempts > 0) {
    // Last: a retrier naming States.ALL must come after every other (ASL spec, "Retrying after error").
    retry.push({ ErrorEquals: ['States.ALL'], IntervalSeconds: job.retry.intervalSeconds, MaxAttempts: job.retry.attempts, BackoffRate: job.retry.backoffRate });
  }
  return {
    ...call,
    ResultPath: resultPath(job.name),
    TimeoutSeconds: job.timeoutSeconds,
    Retry: retry,
    Catch: [{ ErrorEquals: ['States.Timeout'], Next: names.timedOut }, { ErrorEquals: ['States.ALL'], Next: names.failed }],
  };
}

function outcome(plan: FlowPlan, status: 'SUCCEEDED' | 'FAILED'): { [key: string]: JsonValue } {
  return { flow: plan.flow, 'execution.$': '$$.Execution.Id', status };
}

/**
 * Publish the outcome to one target. The state data holds the outcome at `$.outcome` after success
 * and is the outcome after a failure. A topic gets it as the Message (an object Message is sent as
 * its JSON text: AWS's connect-sns examples pass one); a notify node an email's subject and text.
 */
function publish(plan: FlowPlan, target: FlowPublish, status: 'SUCCEEDED' | 'FAILED'): AslState {
  const topicArn = `\${${substitutionKey(target.kind, target.name)}}`;
  return {
    Type: 'Task',
    Resource: RESOURCE.snsPublish,
    Parameters: target.kind === 'topic'
      ? { TopicArn: topicArn, 'Message.$': status === 'SUCCEEDED' ? '$.outcome' : '$' }
      : { TopicArn: topicArn, ...notifyPublishParameters(plan, status) },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }],
  };
}
