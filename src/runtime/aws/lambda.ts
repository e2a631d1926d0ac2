/**
 * The Lambda entry of a sluice handler: `lambdaHandler(userModule)` turns a module exporting a
 * `component`/`source`/`sink` into the function Lambda calls. S3, SQS, SNS and EventBridge events
 * become the same inputs the local engine gives; an SQS batch reports its failing records in
 * `batchItemFailures` (the event source mapping enables ReportBatchItemFailures). A module that
 * exports a plain Lambda handler is returned as is. Synth bundles this file with each handler
 * (src/cloud/synth/assets.ts); `sluice worker` calls the same function with SQS events it receives.
 *
 * After the step ran, in this order: its outputs are written (offloaded bodies first), its
 * idempotency keys completed, its ingestion steps written to the lineage table, then its heartbeats
 * and timings logged. A failed write fails the invocation (its input is retried) and gives back the
 * keys not yet completed. Offloaded bodies it consumed stay in the payload bucket until its lifecycle
 * rule expires them (locally they are removed once consumed).
 */
import { InputError } from '../../model/errors.js';
import { durationMs } from '../../model/duration.js';
import { DEFAULT_IDEMPOTENCY_TTL_MS, invokeHandler, resolveHandler, type InvocationOutcome } from '../invoke.js';
import type { HandlerDescriptor } from '../types.js';
import type { StepIo } from '../context.js';
import { bindingsFromEnv, type DeployedBindings } from './bindings-env.js';
import { createClients, type AwsClients } from './clients.js';
import { awsStepIo } from './io.js';
import { missingIdempotencyTable, powertoolsIdempotency, type AwsIdempotency } from './idempotency.js';
import { writeOutputs } from './write-outputs.js';
import { writeLineage } from './lineage.js';
import { createTelemetry } from './telemetry.js';
import type { ExecutionMode, LambdaFunction } from './types.js';

export type { ExecutionMode, LambdaContext, LambdaFunction } from './types.js';
export type { AwsClients } from './clients.js';

/** Whether a value is a `job()` (runtime/job.ts marks them; not imported here, to keep its row helpers out of steps' bundles). */
function isJobHandler(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[Symbol.for('sluice.job')] === true;
}

/** Whether a module's default export is a `job()` (possibly nested once more by a bundle). */
function exportsJob(userModule: Record<string, unknown>): boolean {
  return isJobHandler(userModule.default) || isJobHandler((userModule.default as Record<string, unknown> | undefined)?.default);
}

/** Options of `lambdaHandler`. */
export interface LambdaHandlerOptions {
  /** The function's environment (synth sets it; a worker reads it from the deployed function). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** SDK clients to use. @default clients for the environment's region and endpoint, made on the first invocation */
  clients?: AwsClients;
  /** How the step runs, for its start heartbeat: `run_forever` for a worker. @default 'run_once' */
  mode?: ExecutionMode;
}

/**
 * Wrap a handler module for Lambda, or for `sluice worker`. Throws an `EnvironmentError` naming the
 * variable when the function's environment is malformed (at cold start, before any input).
 * @example export const handler = lambdaHandler(await import('./handlers/copy.js'));
 * @example const handler = lambdaHandler(userModule, { env: deployedEnv, mode: 'run_forever' }); await handler(sqsEvent, context);
 */
export function lambdaHandler(userModule: Record<string, unknown>, options: LambdaHandlerOptions = {}): LambdaFunction {
  if (exportsJob(userModule)) {
    throw new InputError('SLUICE_E_HANDLER_EXPORT', "the handler module exports a job(): declare it with job(name, { handler }), whose function synth builds with the job adapter (jobLambdaHandler), not as a step");
  }
  const resolved = resolveHandler(userModule);
  if (!resolved) {
    throw new InputError('SLUICE_E_HANDLER_EXPORT', "the handler module exports neither a default component()/source()/sink() nor a 'handler' function");
  }
  if (resolved.kind === 'lambda') return async (event, context) => resolved.handler(event, context);
  const env = options.env ?? process.env;
  const deployed = bindingsFromEnv(env);
  const { step } = deployed;
  const node = step.node;
  const telemetry = createTelemetry({ pipeline: step.pipeline, stage: step.stage, node, functionName: deployed.functionName, mode: options.mode ?? 'run_once' });
  let runtime: StepRuntime | undefined;
  return async (event, context) => {
    // Made on the first invocation, then reused: ctx's methods are built once per I/O object.
    runtime ??= stepRuntime(options.clients ?? createClients(env), deployed, resolved.descriptor);
    const requestId = context.awsRequestId;
    telemetry.invocation(context);
    let outcome: InvocationOutcome;
    try {
      outcome = await invokeHandler(resolved, {
        event,
        requestId,
        deadline: Date.now() + context.getRemainingTimeInMillis(),
        bindings: step,
        io: runtime.io,
        nodeNameOf: deployed.nodeNameOf,
      });
    } catch (error) {
      telemetry.invocationFailed(requestId, error);
      throw error;
    }
    if (outcome.started) telemetry.heartbeatStart();
    telemetry.logs(outcome.logs);
    telemetry.failedRecords(requestId, outcome.failedRecords);
    try {
      await deliver(runtime, deployed, outcome);
    } catch (error) {
      telemetry.invocationFailed(requestId, error);
      throw error;
    }
    telemetry.processed(requestId, outcome.executions);
    return outcome.response ?? undefined;
  };
}

/** What a step needs on every invocation, made once. */
interface StepRuntime {
  clients: AwsClients;
  io: StepIo;
  idempotency?: AwsIdempotency;
}

function stepRuntime(clients: AwsClients, deployed: DeployedBindings, descriptor: HandlerDescriptor): StepRuntime {
  const options = descriptor.options ?? {};
  let idempotency: AwsIdempotency | undefined;
  if (options.idempotencyKey) {
    idempotency = deployed.idempotencyTable
      ? powertoolsIdempotency({
        tableName: deployed.idempotencyTable,
        functionName: deployed.functionName,
        ttlMs: (options.idempotencyTtl === undefined ? undefined : durationMs(options.idempotencyTtl)) ?? DEFAULT_IDEMPOTENCY_TTL_MS,
        client: clients.idempotencyDb,
      })
      : missingIdempotencyTable();
  }
  const io = awsStepIo(clients, deployed.resources, { node: deployed.step.node, ...(idempotency ? { idempotency } : {}) });
  return { clients, io, ...(idempotency ? { idempotency } : {}) };
}

/** Write an invocation's outputs, complete its idempotency keys, then record its lineage. */
async function deliver({ clients, idempotency }: StepRuntime, deployed: DeployedBindings, outcome: InvocationOutcome): Promise<void> {
  const node = deployed.step.node;
  try {
    await writeOutputs(clients, deployed.resources, outcome.outputs);
  } catch (error) {
    // Nothing of this invocation counts as processed: its keys go back so the retry can claim them.
    if (idempotency) await Promise.allSettled(outcome.completedKeys.map((k) => idempotency.release(node, k.key)));
    throw error;
  }
  if (idempotency) await completeKeys(idempotency, node, outcome.completedKeys);
  // After the keys: if this write fails, the retry skips the inputs already processed instead of
  // sending their outputs twice (their ingestion steps are then missing from the table).
  if (deployed.lineageTable) await writeLineage(clients.dynamo, deployed.lineageTable, outcome.executions);
}

/**
 * Complete the keys of the records whose outputs were written. When some cannot be completed, they
 * are given back (best effort), so the retry can claim them at once instead of finding them in
 * progress until the claim's deadline, and maybe running out of receives before then.
 */
async function completeKeys(idempotency: AwsIdempotency, node: string, keys: InvocationOutcome['completedKeys']): Promise<void> {
  const results = await Promise.allSettled(keys.map((k) => idempotency.complete(node, k.key, k.ingestionId)));
  const failed = keys.filter((_, i) => results[i]!.status === 'rejected');
  if (failed.length === 0) return;
  await Promise.allSettled(failed.map((k) => idempotency.release(node, k.key)));
  throw (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
}
