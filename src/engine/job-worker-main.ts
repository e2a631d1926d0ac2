/**
 * Entry of a job's worker thread (bundled by esbuild, as the handler workers' is): loads the job's
 * bundled handler once, then runs it whenever the engine asks (a warm sandbox, as Lambda keeps one),
 * each run with a ctx whose I/O goes to the engine, and reports its result. A run's writes stream into
 * files in its staging folder, so a stage of a few GB never sits in memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { randomUUID, createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { createJobCtx, jobHandlerOf, type JobIo, type JobObject } from '../runtime/job.js';
import { serializeError } from './invoker.js';
import { SecretGuard, guardConsole } from '../runtime/secret-guard.js';
import type { FromJobWorker, JobCallRequest, JobCalls, JobRunMessage, JobWorkerData, ToJobWorker } from './job-protocol.js';

const port = parentPort!;
const data = workerData as JobWorkerData;
const send = (message: FromJobWorker) => port.postMessage(message);

let nextRpc = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
function call<C extends keyof JobCalls>(method: C, ...args: JobCalls[C]['args']): Promise<JobCalls[C]['result']> {
  const id = ++nextRpc;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    send({ type: 'rpc', id, method, args } as JobCallRequest);
  });
}
port.on('message', (m: ToJobWorker) => {
  if (m.type === 'run') {
    void run(m);
    return;
  }
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  if (m.ok) p.resolve(m.value);
  else p.reject(Object.assign(new Error(m.error.errorMessage), { name: m.error.errorType, ...(m.error.code ? { code: m.error.code } : {}) }));
});

/** The staging folder of the run in progress (one run at a time per worker). */
let stagingDir = '';

const io: JobIo = {
  async *list(bucket: string, prefix = ''): AsyncIterable<JobObject> {
    let after: string | undefined;
    for (;;) {
      const page = await call('list', bucket, prefix, after);
      for (const o of page) yield { key: o.key, size: o.size, lastModified: new Date(o.lastModified) };
      if (page.length < 1000) return;
      after = page[page.length - 1]!.key;
    }
  },
  async open(bucket, key) {
    const where = await call('open', bucket, key);
    return 'path' in where ? createReadStream(where.path) : Readable.from([Buffer.from(where.bytes.buffer, where.bytes.byteOffset, where.bytes.byteLength)]);
  },
  async write(bucket, key, body, options) {
    const path = join(stagingDir, randomUUID());
    const md5 = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _enc, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(body as NodeJS.ReadableStream, measure, createWriteStream(path));
    await call('stage', { bucket, key, path, size, eTag: `"${md5.digest('hex')}"`, ...(options.contentType ? { contentType: options.contentType } : {}) });
    return { size };
  },
};

const loaded = import(pathToFileURL(data.bundle).href).then((module) => jobHandlerOf(module as Record<string, unknown>, data.job));
// A module that fails to load fails every run with its error (the engine then ends this worker).
loaded.catch(() => {});

async function run(m: JobRunMessage): Promise<void> {
  stagingDir = m.stagingDir;
  // Secret values its config holds never reach its logs or its error, as on Lambda (secret-guard.ts).
  const guard = new SecretGuard(m.secrets);
  guardConsole(guard);
  try {
    const handler = await loaded;
    const ctx = createJobCtx({
      job: data.job, flow: m.flow, execution: m.execution, input: m.input, config: m.config, io, grants: data.grants,
      // Job output goes to stderr with the engine's logs: stdout belongs to the CLI (`--json`).
      log: (message, extra) => process.stderr.write(`${JSON.stringify(guard.redactValue({ at: new Date().toISOString(), level: 'info', job: data.job, message, ...(extra ? { data: extra } : {}) }), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}\n`),
    });
    const result = await handler.run(ctx);
    send({ type: 'done', ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    send({ type: 'done', ok: false, error: serializeError(guard.redactError(error)) });
  }
}
