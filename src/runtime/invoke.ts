/**
 * Runs a handler module on one Lambda-shaped event: the adapter shared by the local engine and the
 * Lambda entry. A `component`/`source`/`sink` gets one input at a time and its outputs are routed to
 * the nodes downstream; for SQS batches each failing record is reported in `batchItemFailures`
 * (LSQS-07) while the rest succeed. A plain Lambda handler `(event, context)` is called as is.
 */
import { InputError } from '../model/errors.js';
import { isHandlerDescriptor } from './handler.js';
import { createContext, type LogLine, type StepIo } from './context.js';
import { eventKind, inputsFromEvent, type NodeNameOf } from './events.js';
import { messageSize } from './attributes.js';
import type { StepBindings } from './bindings.js';
import type { HandlerDescriptor, Output, RoutedOutput, StepResult } from './types.js';

/** A handler as a module exports it. */
export type ResolvedHandler =
  | { kind: 'descriptor'; descriptor: HandlerDescriptor }
  | { kind: 'lambda'; handler: (event: unknown, context: unknown) => unknown };

/**
 * The handler a module exports: `default` or `handler`, a descriptor or a plain function.
 * Returns undefined when there is none, so callers can say what to export.
 */
export function resolveHandler(exports: Record<string, unknown>): ResolvedHandler | undefined {
  for (const value of [exports.default, exports.handler]) {
    if (isHandlerDescriptor(value)) return { kind: 'descriptor', descriptor: value };
  }
  for (const value of [exports.handler, exports.default]) {
    if (typeof value === 'function') return { kind: 'lambda', handler: value as (event: unknown, context: unknown) => unknown };
  }
  return undefined;
}

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
}

/**
 * Invoke a handler on an event. Throws when the whole invocation fails (any input of a non-SQS
 * event, or a plain handler that throws); the outputs of a failed invocation are discarded.
 */
export async function invokeHandler(handler: ResolvedHandler, request: InvocationRequest): Promise<InvocationOutcome> {
  const logs: LogLine[] = [];
  const { bindings } = request;
  if (handler.kind === 'lambda') {
    const context = { awsRequestId: request.requestId, functionName: bindings.node, getRemainingTimeInMillis: () => Math.max(0, request.deadline - (request.now ?? Date.now)()) };
    const response = await handler.handler(request.event, context);
    return { response, outputs: [], logs, failedRecords: [] };
  }
  const ctx = createContext({ bindings, io: request.io, requestId: request.requestId, deadline: request.deadline, logs, now: request.now });
  const { step, role } = handler.descriptor;
  const records = inputsFromEvent(request.event, request.nodeNameOf);
  const perRecordFailures = eventKind(request.event) === 'sqs';
  const outputs: RoutedOutput[] = [];
  const failedRecords: InvocationOutcome['failedRecords'] = [];
  for (const record of records) {
    try {
      const recordOutputs: RoutedOutput[] = [];
      for (const input of record.inputs) {
        const result = await step(input, ctx);
        const produced = flatten(result);
        if (role === 'sink' && produced.length > 0) {
          throw new InputError('SLUICE_E_SINK_OUTPUT', `function '${bindings.node}' is a sink but returned ${produced.length} output(s); make it a component() to write them downstream`);
        }
        recordOutputs.push(...route(produced, bindings));
      }
      outputs.push(...recordOutputs);
    } catch (error) {
      if (!perRecordFailures || record.recordId === undefined) throw error;
      failedRecords.push({ recordId: record.recordId, error });
    }
  }
  const response = perRecordFailures ? { batchItemFailures: failedRecords.map((f) => ({ itemIdentifier: f.recordId })) } : null;
  return { response, outputs, logs, failedRecords };
}

function flatten(result: StepResult): Output[] {
  if (result === undefined || result === null) return [];
  const list = Array.isArray(result) ? (result as unknown[]).flat() : [result];
  return list.filter((o) => o !== undefined && o !== null).map((o) => {
    const out = o as Output;
    if (out.type !== 'object' && out.type !== 'message') {
      throw new InputError('SLUICE_E_STEP_RESULT', `a step must return ctx.object(...) or ctx.message(...) values, or nothing (given ${JSON.stringify(o)?.slice(0, 80)})`);
    }
    return out;
  });
}

/** Resolve each output to the nodes it goes to, checking size limits on the way (SQS-08, SNS-08). */
export function route(outputs: Output[], bindings: StepBindings): RoutedOutput[] {
  const routed: RoutedOutput[] = [];
  const fn = `function '${bindings.node}'`;
  for (const out of outputs) {
    if (out.type === 'object') {
      const targets = out.bucket ? bindings.buckets.filter((b) => b.name === out.bucket) : bindings.buckets;
      if (targets.length === 0) throw new InputError('SLUICE_E_NO_TARGET', `${fn} returned an object ('${out.key}') but has no bucket downstream; declare ${bindings.node}.to(bucket(...))`);
      for (const t of targets) routed.push({ ...out, bucket: t.name, key: `${t.keyPrefix ?? ''}${out.key}` });
      continue;
    }
    const targets = [...bindings.queues.map((q) => ({ ...q, kind: 'queue' as const })), ...bindings.topics.map((t) => ({ ...t, kind: 'topic' as const }))].filter((t) => !out.to || t.name === out.to);
    if (targets.length === 0) throw new InputError('SLUICE_E_NO_TARGET', `${fn} returned a message but has no queue or topic downstream; declare ${bindings.node}.to(queue(...))`);
    const size = messageSize(out.body, out.attributes);
    for (const t of targets) {
      if (size > t.maxMessageSize) {
        throw new InputError('SLUICE_E_MESSAGE_TOO_LARGE', `${fn}: a message of ${size} bytes exceeds the ${t.maxMessageSize}-byte limit of ${t.kind} '${t.name}'; write large payloads to a bucket and send the key`);
      }
      if (t.kind === 'topic' && out.delaySeconds !== undefined) throw new InputError('SLUICE_E_MESSAGE_DELAY', `${fn}: delaySeconds applies to queues only, not topic '${t.name}'`);
      routed.push({ ...out, to: t.name, targetKind: t.kind });
    }
  }
  return routed;
}
