/**
 * Runs one job of a flow execution on the local engine, as Lambda runs a job's function: in its own
 * worker thread, its heap capped at the job's memory, ended at its timeout. A worker stays warm for
 * the job's next run (as Lambda keeps a sandbox) unless the run timed out, was stopped or took the
 * worker down; a changed handler (a new bundle) gets a new one. The job lists and opens the
 * stages it reads through the store, and stages its writes as files; the caller commits them only when
 * the job succeeds, so a failed job never leaves a half-written stage behind (see flows.ts).
 */
import { Worker } from 'node:worker_threads';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../model/errors.js';
import { bundleHandler, type Bundle } from '../bundling/bundle.js';
import { bundledFile } from '../bundling/source-ext.js';
import { describeLoadFailure, serializeError, timeoutError } from './invoker.js';
import { LOCAL_REGION, type ErrorInfo } from './aws-events.js';
import type { EngineStore } from './store/types.js';
import type { FromJobWorker, JobCalls, JobWorkerData, StagedWrite, ToJobWorker } from './job-protocol.js';

const WORKER_ENTRY = bundledFile('engine/job-worker-main');

/** One job run. */
export interface JobRunRequest {
  /** The job node's name. */
  job: string;
  /** Its TypeScript handler (a glueJob's local twin). */
  handlerPath: string;
  flow: string;
  execution: string;
  input: unknown;
  config: Record<string, unknown>;
  /** The secret values its config holds: redacted from what it logs and throws. */
  secrets: string[];
  grants: { reads: string[]; writes: string[] };
  /** Environment variables for the handler (the job's `environment`). */
  environment: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  /** Ends the run (the execution stopped). */
  signal?: AbortSignal;
}

type JobRunEnd =
  | { ok: true; result: unknown; staged: StagedWrite[] }
  | { ok: false; error: ErrorInfo; staged: StagedWrite[] };

/** How a run ended, with the writes it staged (to commit on success; a failed run's are gone). */
export type JobRunOutcome = JobRunEnd & {
  /** Remove the staging folder and whatever of it was not committed (call after committing). */
  cleanup(): void;
};

/** Runs jobs in worker threads over a store. */
export class LocalJobRunner {
  private workerBundle: Promise<Bundle> | undefined;
  private readonly running = new Set<Worker>();
  /** Workers being ended (a run that timed out or was stopped): `close()` waits for them. */
  private readonly ending = new Set<Promise<number>>();
  /** A warm worker per job, between runs, with the bundle it loaded. */
  private readonly idle = new Map<string, { worker: Worker; bundle: string; memoryMb: number }>();

  constructor(private readonly store: EngineStore, private readonly cacheDir: string) {}

  /** Run one job; never rejects: a failure of any kind is the outcome's error. */
  async run(request: JobRunRequest): Promise<JobRunOutcome> {
    const staged = new Map<string, StagedWrite>();
    const stagedList = () => [...staged.values()];
    let handler: Bundle;
    try {
      this.workerBundle ??= bundleHandler(WORKER_ENTRY, { cacheDir: this.cacheDir, target: 'local' });
      handler = await bundleHandler(request.handlerPath, { cacheDir: this.cacheDir, target: 'local' });
    } catch (error) {
      return { ok: false, staged: [], cleanup: () => {}, error: { errorType: 'Runtime.ImportModuleError', errorMessage: `job '${request.job}': handler file '${request.handlerPath}' does not build: ${describeLoadFailure(error)}`, trace: [] } };
    }
    const stagingRoot = join(this.cacheDir, 'staging');
    mkdirSync(stagingRoot, { recursive: true });
    const stagingDir = mkdtempSync(join(stagingRoot, `${request.job}-`));
    const worker = await this.workerFor(request, handler.file);
    this.running.add(worker);
    const calls: { [C in keyof JobCalls]: (...args: JobCalls[C]['args']) => Promise<JobCalls[C]['result']> } = {
      list: async (bucket, prefix, startAfter) => this.store.objects.list(bucket, prefix, 1000, startAfter).map((o) => ({ key: o.key, size: o.size, lastModified: o.lastModified })),
      open: async (bucket, key) => {
        const o = this.store.objects.get(bucket, key);
        if (!o) throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}' (NoSuchKey)`, { node: bucket, field: 'key', given: key });
        const path = this.store.blobs.pathOf(o.blob);
        return path ? { path } : { bytes: await this.store.blobs.readAsync(o.blob) };
      },
      stage: async (write) => {
        const id = `${write.bucket}\0${write.key}`;
        const before = staged.get(id);
        if (before) unlinkQuietly(before.path);
        staged.set(id, write);
      },
    };
    const cleanup = () => rmSync(stagingDir, { recursive: true, force: true });
    const outcome = await new Promise<JobRunOutcome>((resolve) => {
      let done = false;
      const finish = (o: JobRunEnd, keepWarm: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        this.running.delete(worker);
        if (keepWarm) {
          // A warm worker waiting for its next run does not keep the process alive.
          worker.unref();
          // One warm worker per job: another run's, left warm meanwhile, is ended.
          const other = this.idle.get(request.job);
          if (other) this.end(other.worker);
          this.idle.set(request.job, { worker, bundle: handler.file, memoryMb: request.memoryMb });
        }
        else this.end(worker);
        resolve({ ...o, cleanup } as JobRunOutcome);
      };
      const fail = (error: ErrorInfo) => finish({ ok: false, error, staged: stagedList() }, false);
      const timer = setTimeout(() => fail(timeoutError(request.timeoutMs)), request.timeoutMs);
      // The state machine stops a job at its TimeoutSeconds (it reports States.Timeout itself) or when the execution ends.
      const onAbort = () => fail({ errorType: 'States.Aborted', errorMessage: `job '${request.job}' was stopped by its state machine (its timeout passed, or its execution ended)`, trace: [] });
      request.signal?.addEventListener('abort', onAbort);
      const onMessage = (m: FromJobWorker) => {
        if (m.type === 'done') {
          // A handler that threw leaves its sandbox usable, as on Lambda (a module that failed to load fails each run alike until it changes).
          finish(m.ok ? { ok: true, result: m.result, staged: stagedList() } : { ok: false, error: m.error, staged: stagedList() }, true);
          return;
        }
        const call = calls[m.method] as (...args: unknown[]) => Promise<unknown>;
        call(...m.args).then(
          (value) => worker.postMessage({ type: 'rpc-result', id: m.id, ok: true, value } satisfies ToJobWorker),
          (error: unknown) => worker.postMessage({ type: 'rpc-result', id: m.id, ok: false, error: serializeError(error) } satisfies ToJobWorker),
        );
      };
      const onError = (e: Error) => fail((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { errorType: 'Runtime.OutOfMemory', errorMessage: `job '${request.job}' ran out of memory: its limit is ${request.memoryMb} MB; raise memory or stream the stage (ctx.open, ctx.rows)`, trace: [] }
        : serializeError(e));
      const onExit = (code: number) => fail({ errorType: 'Runtime.ExitError', errorMessage: `job '${request.job}': its process exited (code ${code}) before the job finished`, trace: [] });
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ type: 'run', flow: request.flow, execution: request.execution, input: request.input, config: request.config, secrets: request.secrets, stagingDir } satisfies ToJobWorker);
    });
    // A failed job's writes are never committed: its staged files go now.
    if (!outcome.ok) cleanup();
    return outcome;
  }

  /** The job's warm worker when it loaded the same bundle with the same memory; else a new one. */
  private async workerFor(request: JobRunRequest, bundle: string): Promise<Worker> {
    const warm = this.idle.get(request.job);
    this.idle.delete(request.job);
    if (warm && warm.bundle === bundle && warm.memoryMb === request.memoryMb) {
      warm.worker.ref();
      return warm.worker;
    }
    if (warm) this.end(warm.worker);
    const data: JobWorkerData = { bundle, job: request.job, grants: request.grants };
    const worker = new Worker((await this.workerBundle!).file, {
      // Stack traces name the handler's source files, from the bundle's inline map; nothing else of
      // this process's flags (a test's loader) applies to a bundle.
      execArgv: ['--enable-source-maps'],
      workerData: data,
      env: { ...process.env, ...request.environment, AWS_LAMBDA_FUNCTION_NAME: request.job, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(request.memoryMb), AWS_REGION: LOCAL_REGION, SLUICE_NODE: request.job },
      resourceLimits: { maxOldGenerationSizeMb: request.memoryMb },
      stdout: true,
      stderr: true,
    });
    // What the job prints goes to stderr with the engine's logs: stdout belongs to the CLI (`--json`).
    // (Written through, not piped: a pipe per warm worker would pile listeners onto process.stderr.)
    worker.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    worker.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return worker;
  }

  /** End a worker, tracked until it has ended. */
  private end(worker: Worker): void {
    const ending = worker.terminate();
    this.ending.add(ending);
    void ending.finally(() => this.ending.delete(ending));
  }

  /** End every job's worker, running, warm or ending, and wait until each has. */
  async close(): Promise<void> {
    for (const w of [...this.running, ...[...this.idle.values()].map((i) => i.worker)]) this.end(w);
    this.running.clear();
    this.idle.clear();
    await Promise.allSettled([...this.ending]);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
