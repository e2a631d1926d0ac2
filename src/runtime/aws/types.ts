/**
 * The shapes the Lambda entry shares with its callers: Lambda's context object (the part a step
 * uses), the handler function, and how the step is run (Pylon's execution modes).
 */

/** The part of Lambda's context object a step uses; `sluice worker` builds one per batch. */
export interface LambdaContext {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
  /** Set by Lambda; a worker leaves it out and the function's name comes from its environment. */
  functionName?: string;
  functionVersion?: string;
  invokedFunctionArn?: string;
  memoryLimitInMB?: string;
}

/** A Lambda handler function. */
export type LambdaFunction = (event: unknown, context: LambdaContext) => Promise<unknown>;

/**
 * How a step runs, as its start heartbeat reports it (Pylon's modes): `run_once` inside Lambda (one
 * invocation per event), `run_forever` as a long-running worker polling its queue (`sluice worker`).
 */
export type ExecutionMode = 'run_once' | 'run_forever';
