/**
 * The messages between the engine and a job's worker thread: the engine starts the run; the worker
 * lists and opens the stages it reads through the engine (which owns the store) and stages what it
 * writes as files the engine takes in when the job succeeds.
 */
import type { ErrorInfo } from './aws-events.js';

/** What the engine gives a job worker (workerData): the job it runs, warm, run after run. */
export interface JobWorkerData {
  /** The bundled handler file. */
  bundle: string;
  job: string;
  grants: { reads: string[]; writes: string[] };
}

/** One run of the job in a worker. */
export interface JobRunMessage {
  type: 'run';
  flow: string;
  execution: string;
  input: unknown;
  config: Record<string, unknown>;
  /** The secret values in its config, redacted from its logs and errors (as on Lambda). */
  secrets: string[];
  /** Where the run's writes are staged until it succeeds. */
  stagingDir: string;
}

/** One object of a listing page. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: number;
}

/** Each call a job worker can make: its arguments and its answer. */
export interface JobCalls {
  /** Up to 1,000 objects of a bucket under `prefix`, after `startAfter`, in key order. */
  list: { args: [bucket: string, prefix: string, startAfter: string | undefined]; result: ListedObject[] };
  /** Where an object's bytes are: its file, or the bytes themselves (small objects, in-memory state). */
  open: { args: [bucket: string, key: string]; result: { path: string } | { bytes: Uint8Array } };
  /** A write staged in a file: the engine keeps it until the job ends (last write of a key wins). */
  stage: { args: [write: StagedWrite]; result: void };
}

/** A write a job staged. */
export interface StagedWrite {
  bucket: string;
  key: string;
  path: string;
  size: number;
  eTag: string;
  contentType?: string;
}

/** A call from a job worker. */
export type JobCallRequest = { [C in keyof JobCalls]: { type: 'rpc'; id: number; method: C; args: JobCalls[C]['args'] } }[keyof JobCalls];

/** What a job worker sends. */
export type FromJobWorker =
  | JobCallRequest
  | { type: 'done'; ok: true; result: unknown }
  | { type: 'done'; ok: false; error: ErrorInfo };

/** What the engine sends a job worker. */
export type ToJobWorker =
  | JobRunMessage
  | { type: 'rpc-result'; id: number; ok: true; value: unknown }
  | { type: 'rpc-result'; id: number; ok: false; error: ErrorInfo };
