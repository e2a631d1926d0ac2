/**
 * The Lambda entry of a job: `jobLambdaHandler(userModule)` turns a module exporting `job(...)` into
 * the function a flow's state machine invokes. The Task state sends `{ flow, job, execution, input }`
 * (src/flow/asl.ts); the handler runs with a ctx over S3 (job-io.ts) checked against the job's grants
 * from its bindings, and what it returns is the invocation's result (JSON), kept by Step Functions in
 * the execution's output. A thrown error fails the invocation: Lambda reports its `errorType` and
 * `errorMessage`, which the state machine's retry and catch see. Secret values from the job's config
 * are redacted from what it logs and from the error, as for steps.
 */
import { InputError } from '../../model/errors.js';
import { createJobCtx, jobHandlerOf, jsonSafe, type JobGrants, type JobIo } from '../job.js';
import { startJob } from '../job-start.js';
import { bindingsFromEnv } from './bindings-env.js';
import { createClients, type AwsClients } from './clients.js';
import { s3JobIo } from './job-io.js';
import { ssmSecrets } from './secrets.js';
import type { LambdaContext } from './types.js';

/** What a flow's Task state sends a job's function. */
export interface JobPayload {
  flow: string;
  job: string;
  /** The execution's id (`$$.Execution.Id`, its ARN). */
  execution: string;
  /** The execution's input (`$$.Execution.Input`). */
  input: unknown;
}

/** Options of `jobLambdaHandler`. */
export interface JobLambdaOptions {
  /** The function's environment (synth sets it). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** SDK clients to use. @default clients for the environment's region and endpoint, made on the first invocation */
  clients?: AwsClients;
  /** The JobIo to use. @default S3 through `clients.s3`, buckets mapped by the bindings */
  io?: JobIo;
}

/** The function Lambda calls for a job. */
export type JobLambdaFunction = (event: unknown, context?: LambdaContext) => Promise<unknown>;

/**
 * Wrap a job handler module for Lambda. Throws an `EnvironmentError` naming the variable when the
 * function's environment is malformed, and SLUICE_E_JOB_HANDLER when the module exports no job.
 * @example export const handler = jobLambdaHandler(await import('./jobs/clean.js'));
 */
export function jobLambdaHandler(userModule: Record<string, unknown>, options: JobLambdaOptions = {}): JobLambdaFunction {
  const env = options.env ?? process.env;
  const deployed = bindingsFromEnv(env);
  const { step } = deployed;
  const handler = jobHandlerOf(userModule, step.node);
  const grants: JobGrants = { reads: step.readableBuckets, writes: step.buckets.map((b) => b.name) };
  let clients: AwsClients | undefined;
  let io: JobIo | undefined;
  return async (event) => {
    const payload = jobPayload(event, step.node);
    clients ??= options.clients ?? createClients(env);
    io ??= options.io ?? s3JobIo(clients.s3, deployed.resources);
    const started = await startJob(handler, step, ssmSecrets(clients.ssm, step.node));
    const { guard } = started;
    const ctx = createJobCtx({
      job: payload.job,
      flow: payload.flow,
      execution: payload.execution,
      input: payload.input,
      config: started.config as Record<string, unknown>,
      io,
      grants,
      log: (message, data) => {
        process.stdout.write(JSON.stringify(guard.redactValue({ level: 'INFO', flow: payload.flow, job: payload.job, execution: payload.execution, message, ...data }), jsonSafe) + '\n');
      },
    });
    try {
      const result = await handler.run(ctx);
      return result === undefined ? null : result;
    } catch (error) {
      throw guard.redactError(error);
    }
  };
}

/** The state machine's payload, checked: a function invoked by hand gets an error saying how to run it. */
function jobPayload(event: unknown, node: string): JobPayload {
  const e = event as Partial<JobPayload> | null;
  const missing = ['flow', 'job', 'execution'].filter((k) => typeof (e as Record<string, unknown> | null)?.[k] !== 'string');
  if (e === null || typeof e !== 'object' || missing.length > 0) {
    throw new InputError('SLUICE_E_JOB_PAYLOAD', `job '${node}' was invoked without its flow's payload { flow, job, execution, input } (missing ${missing.join(', ')}); start it through its flow: sluice trigger <flow>`, { node, expected: '{ flow, job, execution, input }' });
  }
  return { flow: e.flow!, job: e.job!, execution: e.execution!, input: e.input ?? null };
}
