/**
 * Runs a handler module on one Lambda-shaped event: the adapter shared by the local engine and the
 * Lambda entry. A `component`/`source`/`sink` starts once (config and secrets), then gets one input at
 * a time, each an execution: its envelope decoded, its idempotency key claimed, the step run and
 * timed, its outputs stamped and routed, and its ingestion step recorded. For SQS batches each failing
 * record is reported in `batchItemFailures` (LSQS-07) while the rest succeed. A plain Lambda handler
 * `(event, context)` is called as is.
 */
import { InputError } from '../model/errors.js';
import { durationMs } from '../model/duration.js';
import { newIngestionId, timeDimensions, type IngestionStep } from '../envelope/ingestion-step.js';
import type { ResolvedHandler } from './handler.js';
import { createContext, setIngestionId, type LogLine, type StepIo } from './context.js';
import { eventKind, inputsFromEvent, type NodeNameOf } from './events.js';
import { decodeInput, describeInput, describeSource } from './inputs.js';
import { describeOutput, flatten, prepareOutputs, route } from './outputs.js';
import { startStep, type StartedStep } from './config.js';
import type { StepBindings } from './bindings.js';
import type { HandlerDescriptor, RoutedOutput, StepInput } from './types.js';

export { route } from './outputs.js';

export { resolveHandler, type ResolvedHandler } from './handler.js';

/** One invocation's inputs. */
export interface InvocationRequest {
  event: unknown;
  requestId: string;
  /** Epoch ms when the invocation times out. */
  deadline: number;
  bindings: StepBindings;
  io: StepIo;
  nodeNameOf?: NodeNameOf;
  now?: () => number;
  /** The step's version (its bundle's hash), for its ingestion steps; else `bindings.version`. */
  version?: string;
}

/** One execution: its ingestion step, whether it is recorded, and the SQS record it belongs to. */
export interface ExecutionRecord extends IngestionStep {
  /** The SQS messageId of its record (batches acknowledge per record). */
  recordId?: string;
  /** Whether lineage is on for the step: the engine stores the ingestion step only then. */
  lineage: boolean;
}

/** One invocation's result. */
export interface InvocationOutcome {
  /** What the handler returned to Lambda (`{ batchItemFailures }` for SQS). */
  response: unknown;
  /** Outputs of the inputs that succeeded, each routed to one node. */
  outputs: RoutedOutput[];
  logs: LogLine[];
  /** Records that failed in an SQS batch, with their error. */
  failedRecords: Array<{ recordId: string; error: unknown }>;
  /** The executions of the records that succeeded. */
  executions: ExecutionRecord[];
  /** Offloaded bodies the succeeded records consumed: released once their messages are acknowledged. */
  consumedPayloads: Array<{ recordId?: string; path: string }>;
  /** Idempotency keys processed by the succeeded records: completed with their acknowledgement. */
  completedKeys: Array<{ recordId?: string; key: string; ingestionId: string; ttlMs: number }>;
  /** Inputs acknowledged without running because their idempotency key was already processed. */
  duplicates: number;
  /** Whether this invocation started the step (its first: the start heartbeat). */
  started: boolean;
}

/** How long a completed idempotency key is remembered when the handler gives no `idempotencyTtl`. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 3_600_000;

/** An empty outcome for a plain Lambda handler. */
function plainOutcome(response: unknown, logs: LogLine[]): InvocationOutcome {
  return { response, outputs: [], logs, failedRecords: [], executions: [], consumedPayloads: [], completedKeys: [], duplicates: 0, started: false };
}

/**
 * Invoke a handler on an event. Throws when the whole invocation fails (the step cannot start, any
 * input of a non-SQS event fails, or a plain handler throws); the outputs of a failed invocation are
 * discarded.
 */
export async function invokeHandler(handler: ResolvedHandler, request: InvocationRequest): Promise<InvocationOutcome> {
  const logs: LogLine[] = [];
  const { bindings } = request;
  const now = request.now ?? Date.now;
  if (handler.kind === 'lambda') {
    const context = { awsRequestId: request.requestId, functionName: bindings.node, getRemainingTimeInMillis: () => Math.max(0, request.deadline - now()) };
    const response = await handler.handler(request.event, context);
    return plainOutcome(response, logs);
  }
  const { descriptor } = handler;
  const starting = startStep(descriptor, bindings, request.io);
  const started = starting instanceof Promise ? await starting : starting;
  const ctx = createContext({ bindings, io: request.io, requestId: request.requestId, deadline: request.deadline, logs, now, started });
  const records = inputsFromEvent(request.event, request.nodeNameOf);
  const perRecordFailures = eventKind(request.event) === 'sqs';
  const outcome: InvocationOutcome = { response: null, outputs: [], logs, failedRecords: [], executions: [], consumedPayloads: [], completedKeys: [], duplicates: 0, started: started.fresh };
  const run: RunState = { descriptor, request, started, ctx, now, claimed: [] };
  for (const record of records) {
    const done: RecordDone = { outputs: [], executions: [], payloads: [], keys: [], duplicates: 0 };
    const claimedBefore = run.claimed.length;
    try {
      for (const raw of record.inputs) await execute(raw, record.recordId, run, done);
      outcome.outputs.push(...done.outputs);
      outcome.executions.push(...done.executions);
      outcome.consumedPayloads.push(...done.payloads.map((path) => ({ ...(record.recordId !== undefined ? { recordId: record.recordId } : {}), path })));
      outcome.completedKeys.push(...done.keys);
      outcome.duplicates += done.duplicates;
    } catch (thrown) {
      // Whatever was thrown leaves the step without the step's secrets: message, stack, properties.
      const error = started.guard.redactError(thrown);
      // The record's claims are given up so its retry can take them.
      await release(run, run.claimed.splice(claimedBefore));
      if (!perRecordFailures || record.recordId === undefined) {
        await release(run, run.claimed.splice(0));
        throw error;
      }
      outcome.failedRecords.push({ recordId: record.recordId, error });
    }
  }
  outcome.response = perRecordFailures ? { batchItemFailures: outcome.failedRecords.map((f) => ({ itemIdentifier: f.recordId })) } : null;
  return outcome;
}

interface RunState {
  descriptor: HandlerDescriptor;
  request: InvocationRequest;
  started: StartedStep;
  ctx: ReturnType<typeof createContext>;
  now: () => number;
  /** Idempotency keys claimed and not yet released. */
  claimed: string[];
}

interface RecordDone {
  outputs: RoutedOutput[];
  executions: ExecutionRecord[];
  payloads: string[];
  keys: InvocationOutcome['completedKeys'];
  duplicates: number;
}

async function release(run: RunState, keys: string[]): Promise<void> {
  const idempotency = run.request.io.idempotency;
  if (!idempotency) return;
  await Promise.all(keys.map((key) => idempotency.release(run.request.bindings.node, key).catch(() => undefined)));
}

/** One execution: decode, claim, run, stamp, route, record. Throws to fail its record. */
async function execute(raw: StepInput, recordId: string | undefined, run: RunState, done: RecordDone): Promise<void> {
  const { descriptor, request, started, ctx, now } = run;
  const { bindings, io } = request;
  const options = descriptor.options ?? {};
  const lineage = options.lineage !== false;
  const t0 = performance.now();
  const startedAt = now();
  const decoding = decodeInput(raw, bindings, io);
  const decoded = decoding instanceof Promise ? await decoding : decoding;
  const { input } = decoded;
  const ingestionId = newIngestionId(startedAt);
  setIngestionId(ctx, ingestionId);
  let key: string | undefined;
  if (options.idempotencyKey) {
    const given = options.idempotencyKey(input);
    if (given !== undefined && given !== null && given !== '') {
      key = String(given);
      if (!io.idempotency) throw new InputError('SLUICE_E_IDEMPOTENCY', `function '${bindings.node}' has an idempotencyKey but this runtime keeps no idempotency records`);
      const claim = await io.idempotency.begin(bindings.node, key, Math.max(1000, request.deadline - now()));
      if (claim.status === 'completed') {
        // A redelivery of an input already processed: acknowledge it, run nothing, write nothing.
        done.duplicates++;
        if (decoded.payload) done.payloads.push(decoded.payload);
        ctx.log(`skipped a duplicate: idempotency key '${key}' was processed by ingestion ${claim.ingestionId}`, { idempotencyKey: key, ingestionId: claim.ingestionId });
        return;
      }
      if (claim.status === 'in-progress') {
        throw new InputError('SLUICE_E_IDEMPOTENCY_IN_PROGRESS', `${describeSource(decoded.node, input)}: idempotency key '${key}' is being processed by another invocation; this one will be retried`);
      }
      run.claimed.push(key);
    }
  }
  const t1 = performance.now();
  const result = await descriptor.step(input, ctx);
  const t2 = performance.now();
  const { outputs, metadata } = flatten(result);
  const preparing = prepareOutputs(outputs, descriptor.role, bindings, ingestionId, lineage);
  const prepared = preparing instanceof Promise ? await preparing : preparing;
  const routed = route(prepared, bindings, { ingestionId, guard: started.guard });
  const finishedAt = now();
  const t3 = performance.now();
  done.outputs.push(...routed);
  if (decoded.payload) done.payloads.push(decoded.payload);
  if (key !== undefined) {
    const ttl = options.idempotencyTtl === undefined ? DEFAULT_IDEMPOTENCY_TTL_MS : durationMs(options.idempotencyTtl)!;
    done.keys.push({ ...(recordId !== undefined ? { recordId } : {}), key, ingestionId, ttlMs: ttl });
  }
  // With lineage off the record only carries timings for heartbeats: skip what is built to be stored.
  const dims = lineage ? timeDimensions(startedAt) : { dimUTCTimestamp: 0, dimUTCDateId: 0, dimUTCHour: 0, iso: '' };
  const record: ExecutionRecord = {
    ingestionId,
    parentIngestionId: decoded.parents[0] ?? null,
    parentIngestionIds: decoded.parents,
    artifactName: bindings.node,
    artifactVersion: request.version ?? bindings.version ?? 'unversioned',
    pipeline: bindings.pipeline,
    stage: bindings.stage,
    role: descriptor.role,
    dimUTCTimestamp: dims.dimUTCTimestamp,
    dimUTCDateId: dims.dimUTCDateId,
    dimUTCHour: dims.dimUTCHour,
    startedAt: dims.iso,
    finishedAt: lineage && finishedAt === startedAt ? dims.iso : new Date(finishedAt).toISOString(),
    coreMs: t2 - t1,
    totalMs: t3 - t0,
    metadata,
    inputs: lineage ? [describeInput(input)] : [],
    outputs: lineage ? routed.map(describeOutput) : [],
    requestId: request.requestId,
    lineage,
  };
  if (recordId !== undefined) record.recordId = recordId;
  done.executions.push(record);
}
