/**
 * The messages between the engine and its handler worker threads, typed end to end: the engine sends
 * invocations, a worker answers with results, and a worker's reads (objects, payloads, tables,
 * secrets, idempotency records) are calls to the engine, which owns the store. Each call is named
 * with its arguments and its answer here, so both sides are checked by the compiler.
 */
import type { IdempotencyBegin } from '../runtime/context.js';
import type { Item, RoutedOutput } from '../runtime/types.js';
import type { ErrorInfo } from './aws-events.js';
import type { ExecutionResult, InvokeResult } from './invoker.js';

/** Each call a worker can make: its arguments, and what it answers. */
export interface WorkerCalls {
  readObject: { args: [bucket: string, key: string]; result: Uint8Array };
  readPayload: { args: [path: string]; result: Uint8Array };
  objectMetadata: { args: [bucket: string, key: string]; result: Record<string, string> | null };
  secrets: { args: [paths: string[]]; result: { values: Record<string, string | undefined>; source: string } };
  idempotencyBegin: { args: [node: string, key: string, inProgressMs: number]; result: IdempotencyBegin };
  idempotencyRelease: { args: [node: string, key: string]; result: void };
  tableGet: { args: [table: string, key: Item]; result: Item | undefined };
  tablePut: { args: [table: string, item: Item]; result: void };
  tableDelete: { args: [table: string, key: Item]; result: void };
  tableQuery: { args: [table: string, partitionValue: unknown, options?: { limit?: number; descending?: boolean }]; result: Item[] };
  tableScan: { args: [table: string, options?: { limit?: number }]; result: Item[] };
}

/** A call's name. */
export type CallName = keyof WorkerCalls;

/** How the engine answers each call. */
export type CallHandlers = { [C in CallName]: (...args: WorkerCalls[C]['args']) => Promise<WorkerCalls[C]['result']> };

/** A call from a worker. */
export type CallRequest = { [C in CallName]: { type: 'rpc'; id: number; method: C; args: WorkerCalls[C]['args'] } }[CallName];

/** One invocation as the engine sends it to a worker. */
export interface InvokeItem {
  id: number;
  eventJson: string;
  /** Objects the event names, prefetched: bucket, key, body (when small) and metadata. */
  objects: Array<[string, string, Uint8Array | null, Record<string, string> | null]>;
  requestId: string;
  timeoutMs: number;
}

/** A finished invocation as a worker reports it (the engine adds its duration). */
export type InvokeAnswer =
  | ({ type: 'result'; id: number; ok: true } & Pick<InvokeResult, 'response' | 'outputs' | 'logs' | 'failedRecords' | 'consumedPayloads' | 'completedKeys' | 'duplicates' | 'started'> & { executions: ExecutionResult[] })
  | { type: 'result'; id: number; ok: false; error: ErrorInfo };

/** What a worker sends. */
export type FromWorker =
  | { type: 'ready'; ok: boolean; error?: ErrorInfo }
  | InvokeAnswer
  | CallRequest
  /** The invocation went over the function's memory: the worker stops; the engine ends it and fails the invocation. */
  | { type: 'memory'; id: number; usedBytes: number };

/** What the engine sends a worker. */
export type ToWorker =
  | { type: 'invoke'; items: InvokeItem[] }
  /** Stop taking work and end once idle, so what the handler printed is flushed first. */
  | { type: 'shutdown' }
  | { type: 'rpc-result'; id: number; ok: true; value: unknown }
  | { type: 'rpc-result'; id: number; ok: false; error: ErrorInfo };

const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Bytes from a worker arrive as Uint8Array; the store keeps Buffers. */
export function outputsAsBuffers(outputs: RoutedOutput[]): RoutedOutput[] {
  return outputs.map((o) => {
    if (o.type === 'object') return { ...o, body: toBuffer(o.body) };
    return o.payload ? { ...o, payload: { ...o.payload, body: toBuffer(o.payload.body) } } : o;
  });
}
