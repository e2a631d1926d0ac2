/**
 * The types of flow executions as every stage reports them (Step Functions' statuses and fields): what
 * `Stage.trigger`, `executions` and `execution` take and return. Re-exported by stage.ts.
 */
/** Options of `Stage.trigger`. */
export interface TriggerOptions {
  /**
   * The execution's name, unique per flow (Step Functions: 1..80 of letters, digits, `-` and `_`).
   * @default a generated one
   */
  name?: string;
}

/** An execution just started. */
export interface StartedExecution {
  /** What `execution(flow, id)` takes: the execution ARN on AWS, the engine's id locally. */
  id: string;
  /** Its name (given, or generated). */
  name: string;
  /** ISO-8601. */
  startedAt: string;
}

/** Where a flow execution is: Step Functions' statuses, on every stage. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One execution of a flow, as `sluice executions` lists it. */
export interface ExecutionSummary {
  /** The execution ARN on AWS, the engine's id locally. */
  id: string;
  name: string;
  status: ExecutionStatus;
  /** ISO-8601. */
  startedAt: string;
  /** ISO-8601; absent while it runs. */
  stoppedAt?: string;
  /** From start to stop; absent while it runs. */
  durationMs?: number;
  /** The job that failed it (from the `JobFailed.<job>` error), when one did. */
  failedJob?: string;
  /** Its error (`JobFailed.clean`, `States.Timeout`), when it did not succeed. */
  error?: string;
  /** Why: the failed job's error type and message, as the state machine records it. */
  cause?: string;
}

/** Where one job of an execution is. */
export type JobRunStatus = 'pending' | 'running' | 'succeeded' | 'failed';

/** One job's progress in an execution (from the execution's history on AWS). */
export interface JobProgress {
  /** The job node's name (its Task state's name). */
  job: string;
  kind: 'job' | 'glueJob';
  status: JobRunStatus;
  /** ISO-8601, when it was entered. */
  startedAt?: string;
  /** ISO-8601, when it succeeded or failed. */
  stoppedAt?: string;
  durationMs?: number;
  /** Attempts so far (1 + retries). */
  attempts?: number;
  /** Its last error and cause, when an attempt failed. */
  error?: string;
  cause?: string;
}

/** One execution with each job's progress, polled by `sluice trigger` to show it live. */
export interface ExecutionDetail extends ExecutionSummary {
  flow: string;
  /** The execution's input (JSON). */
  input?: unknown;
  /** Its output when it succeeded: each job's result by job name. */
  output?: unknown;
  /** Every job of the flow, in run order (levels, then declaration order). */
  jobs: JobProgress[];
}
