/**
 * Batch jobs: `job(async (ctx) => ...)` is what a job's handler file exports. A job runs once per
 * flow execution, reads whole stages (buckets) and writes the next ones through `ctx`, which checks
 * every call against the job's grants (its edges: `bucket.to(job)` to read and list, `job.to(bucket)`
 * to write), so a missing edge fails locally exactly where it would fail on AWS, naming the edge.
 * Storage is a `JobIo`: the local engine's files, S3 on Lambda (aws/job-io.ts), memory in tests.
 */
import type { Readable } from 'node:stream';
import { InputError, PermissionDeniedError } from '../model/errors.js';
import { bodyStream, type RowCount, type RowSource } from './rows/streams.js';
import { readCsv, csvStream, type CsvReadOptions, type CsvWriteOptions } from './rows/csv.js';
import { readJsonl, jsonlStream } from './rows/jsonl.js';
import { readParquet, parquetStream, type ParquetReadOptions, type ParquetWriteOptions } from './rows/parquet.js';
import { objectKeyProblem } from '../model/object-key.js';

/** One object of a listing. */
export interface JobObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** What a write wrote. */
export interface WrittenObject {
  key: string;
  size: number;
}

/** What a rows write wrote: the object and how many rows it holds. */
export interface WrittenRows extends WrittenObject {
  rows: number;
}

/** A body `ctx.write` takes. */
export type JobBody = string | Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** Streamed row helpers of one format. */
export interface RowFormat<Row, ReadOptions, WriteOptions> {
  /** The object's rows, streamed: a few GB never sit in memory at once. */
  read(bucket: string, key: string, options?: ReadOptions): AsyncIterable<Row>;
  /** Write `rows` (streamed as they are produced) as one object. */
  write(bucket: string, key: string, rows: RowSource, options?: WriteOptions): Promise<WrittenRows>;
}

/** `ctx.rows`: CSV (csv-parse, csv-stringify), JSON Lines, Parquet (hyparquet, hyparquet-writer). */
export interface JobRows {
  csv: RowFormat<Record<string, string>, CsvReadOptions, CsvWriteOptions>;
  jsonl: RowFormat<Record<string, unknown>, undefined, undefined>;
  parquet: RowFormat<Record<string, unknown>, ParquetReadOptions, ParquetWriteOptions>;
}

/** What a job handler is given. Bucket names are the pipeline's node names, on every stage. */
export interface JobCtx {
  readonly job: string;
  readonly flow: string;
  /** The flow execution's id (an execution ARN on AWS). */
  readonly execution: string;
  /** The execution's input (`sluice trigger <flow> --input JSON`). */
  readonly input: unknown;
  readonly config: Record<string, unknown>;
  /** A structured log line. */
  log(message: string, data?: Record<string, unknown>): void;
  /** The objects of a bucket the job reads, under `prefix`, in key order. */
  list(bucket: string, prefix?: string): AsyncIterable<JobObject>;
  /** A whole object, in memory: for small objects; `open` or `rows` for large ones. */
  read(bucket: string, key: string): Promise<Buffer>;
  /** An object as a stream. */
  open(bucket: string, key: string): Promise<NodeJS.ReadableStream>;
  /** Write an object to a bucket the job writes; the body may be a stream. */
  write(bucket: string, key: string, body: JobBody, options?: { contentType?: string }): Promise<WrittenObject>;
  rows: JobRows;
}

/** What a job may touch, checked on every call (PermissionDeniedError naming the edge to declare). */
export interface JobGrants {
  /** Buckets the job reads and lists (`bucket.to(job)`). */
  reads: string[];
  /** Buckets the job writes (`job.to(bucket)`). */
  writes: string[];
}

/**
 * How a job reaches storage: the local engine (files), S3 (aws/job-io.ts), memory (job-memory-io.ts).
 * Buckets are node names; grants are checked before the I/O is called. `open` of a missing object
 * rejects with an error naming it.
 */
export interface JobIo {
  list(bucket: string, prefix?: string): AsyncIterable<JobObject>;
  open(bucket: string, key: string): Promise<NodeJS.ReadableStream>;
  /** Store the stream's bytes as the object (replacing it); resolves once it is stored whole. */
  write(bucket: string, key: string, body: NodeJS.ReadableStream, options: { contentType?: string }): Promise<{ size: number }>;
}

/** A JSON.stringify replacer for log data: bigints (INT64 Parquet values) as strings, not a TypeError. */
export function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Marks job handlers; `Symbol.for` so separately bundled copies of the runtime agree. */
export const JOB_HANDLER = Symbol.for('sluice.job');

/** What `job(run)` returns: the handler file's default export. */
export interface JobHandler<R = unknown> {
  readonly [JOB_HANDLER]: true;
  readonly run: (ctx: JobCtx) => Promise<R> | R;
}

/**
 * A batch job: `run` reads and writes whole stages through `ctx`; what it returns (JSON) is kept in
 * the flow execution's output under the job's name.
 * @example
 * import { job } from 'sluice/runtime';
 * export default job(async (ctx) => {
 *   let rows = 0;
 *   for await (const o of ctx.list('bronze', 'orders/')) {
 *     const written = await ctx.rows.parquet.write('silver', o.key.replace(/\.csv$/, '.parquet'), ctx.rows.csv.read('bronze', o.key));
 *     rows += written.rows;
 *   }
 *   return { rows };
 * });
 */
export function job<R = unknown>(run: (ctx: JobCtx) => Promise<R> | R): JobHandler<R> {
  if (typeof run !== 'function') throw jobHandlerError(`job() takes a function (ctx) => result (given ${run === null ? 'null' : typeof run})`);
  return Object.freeze({ [JOB_HANDLER]: true as const, run });
}

/** Whether `value` is what `job()` returns. */
export function isJobHandler(value: unknown): value is JobHandler {
  return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[JOB_HANDLER] === true;
}

/**
 * The job a handler module exports as its default (a module loaded from a bundle may nest it once
 * more under `default`).
 * @example const handler = jobHandlerOf(await import('./jobs/clean.js'), 'clean');
 */
export function jobHandlerOf(module: Record<string, unknown>, jobName: string): JobHandler {
  const candidate = module.default;
  if (isJobHandler(candidate)) return candidate;
  const nested = (candidate as Record<string, unknown> | undefined)?.default;
  if (isJobHandler(nested)) return nested;
  throw jobHandlerError(`the handler module of job '${jobName}' does not export a job() as its default; export default job(async (ctx) => { ... })`);
}

function jobHandlerError(message: string): InputError {
  return new InputError('SLUICE_E_JOB_HANDLER', message, { expected: 'job(async (ctx) => ...)' });
}

/** What a job's ctx is made of. */
export interface JobCtxOptions {
  job: string;
  flow: string;
  execution: string;
  input: unknown;
  config?: Record<string, unknown>;
  io: JobIo;
  grants: JobGrants;
  /** Where `ctx.log` lines go. @default one JSON line on stdout */
  log?: (message: string, data?: Record<string, unknown>) => void;
}

/**
 * The ctx of one job run.
 * @example const ctx = createJobCtx({ job: 'clean', flow: 'nightly', execution: 'e1', input: {}, io, grants: { reads: ['bronze'], writes: ['silver'] } });
 */
export function createJobCtx(options: JobCtxOptions): JobCtx {
  const { io, job: name } = options;
  const reads = new Set(options.grants.reads);
  const writes = new Set(options.grants.writes);
  const mayRead = (bucket: string) => {
    if (!reads.has(bucket)) {
      throw new PermissionDeniedError(`bucket '${bucket}' is not read by job '${name}': declare ${bucket}.to(${name})`, { node: name, field: bucket, expected: 'read' });
    }
  };
  const mayWrite = (bucket: string, key: string) => {
    if (!writes.has(bucket)) {
      throw new PermissionDeniedError(`bucket '${bucket}' is not written by job '${name}': declare ${name}.to(${bucket})`, { node: name, field: bucket, expected: 'write' });
    }
    // S3's key rules, checked before any byte is written, locally as on S3.
    const problem = objectKeyProblem(key);
    if (problem) throw new InputError('SLUICE_E_OBJECT_KEY', `job '${name}' writing to bucket '${bucket}': ${problem}`, { node: name, field: 'key', given: key, expected: '1 to 1024 bytes of UTF-8' });
  };
  const open = async (bucket: string, key: string) => {
    mayRead(bucket);
    return io.open(bucket, key);
  };
  const write = async (bucket: string, key: string, body: JobBody, writeOptions: { contentType?: string } = {}): Promise<WrittenObject> => {
    mayWrite(bucket, key);
    const { size } = await io.write(bucket, key, bodyStream(body), writeOptions);
    return { key, size };
  };
  /** Write rows as one object, the grant checked before the first row is asked for. */
  const writeRows = async (bucket: string, key: string, contentType: string, encode: (count: RowCount) => Readable): Promise<WrittenRows> => {
    mayWrite(bucket, key);
    const count: RowCount = { rows: 0 };
    const { size } = await io.write(bucket, key, encode(count), { contentType });
    return { key, size, rows: count.rows };
  };
  /**
   * Rows of an object, opened when the iteration starts (the grant checked then), and then iterated
   * straight from the decoder: no generator in between, since every layer costs a promise per row.
   */
  const readRows = <Row>(bucket: string, key: string, decode: (stream: NodeJS.ReadableStream) => AsyncIterable<Row>): AsyncIterable<Row> => ({
    [Symbol.asyncIterator](): AsyncIterator<Row> {
      let inner: AsyncIterator<Row> | undefined;
      let opening: Promise<AsyncIterator<Row>> | undefined;
      const start = () => (opening ??= open(bucket, key).then((stream) => (inner = decode(stream)[Symbol.asyncIterator]())));
      return {
        next: () => (inner ? inner.next() : start().then((it) => it.next())),
        return: async (value?: unknown) => (await inner?.return?.(value)) ?? { done: true, value: value as Row },
      };
    },
  });
  const rows: JobRows = {
    csv: {
      read: (bucket, key, o) => readRows(bucket, key, (s) => readCsv(s, { bucket, key }, o)),
      write: (bucket, key, rs, o) => writeRows(bucket, key, 'text/csv', (c) => csvStream(rs, o ?? {}, c)),
    },
    jsonl: {
      read: (bucket, key) => readRows(bucket, key, (s) => readJsonl(s, { bucket, key })),
      write: (bucket, key, rs) => writeRows(bucket, key, 'application/x-ndjson', (c) => jsonlStream(rs, c)),
    },
    parquet: {
      read: (bucket, key, o) => readRows(bucket, key, (s) => readParquet(s, { bucket, key }, o)),
      write: (bucket, key, rs, o) => writeRows(bucket, key, 'application/vnd.apache.parquet', (c) => parquetStream(rs, { bucket, key }, o ?? {}, c)),
    },
  };
  const log = options.log ?? ((message: string, data?: Record<string, unknown>) => {
    process.stdout.write(JSON.stringify({ level: 'INFO', job: name, execution: options.execution, message, ...data }, jsonSafe) + '\n');
  });
  return Object.freeze({
    job: name,
    flow: options.flow,
    execution: options.execution,
    input: options.input,
    config: options.config ?? {},
    log,
    list(bucket: string, prefix?: string): AsyncIterable<JobObject> {
      mayRead(bucket);
      return io.list(bucket, prefix);
    },
    async read(bucket: string, key: string): Promise<Buffer> {
      const stream = await open(bucket, key);
      const chunks: Buffer[] = [];
      for await (const chunk of stream as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks);
    },
    open,
    write,
    rows,
  });
}
