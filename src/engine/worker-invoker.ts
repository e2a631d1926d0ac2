/**
 * Runs each function's handler in worker threads, as Lambda runs it in its own sandbox: the heap is
 * capped at the function's memory, a handler that overruns its timeout has its worker terminated,
 * and no more than `concurrency` invocations are in flight. Handlers are bundled with esbuild first,
 * which is also how `sluice dev` notices a changed handler and reloads it. See worker-pool.ts for how
 * invocations reach the threads.
 */
import { availableParallelism } from 'node:os';
import type { Fn } from '../model/fn.js';
import { FN_DEFAULTS } from '../model/fn.js';
import type { Problem } from '../model/errors.js';
import { bundleHandler, type Bundle } from '../bundling/bundle.js';
import type { StepBindings } from '../runtime/bindings.js';
import type { StepIo } from '../runtime/context.js';
import { inputsFromEvent, type RecordInputs } from '../runtime/events.js';
import { describeLoadFailure, handlerExportProblem, handlerInitTimeoutProblem, handlerLoadProblem, whereInUserCode, missingHandlerFile, type Invoker, type InvokeRequest, type InvokeResult, type ReloadResult } from './invoker.js';
import { WorkerPool } from './worker-pool.js';
import { bundledFile } from '../bundling/source-ext.js';
import type { CallHandlers } from './worker-protocol.js';
import { StepStartError } from '../runtime/step-start-error.js';

/** Objects up to this total size are sent with the invocation instead of fetched by the handler. */
const PREFETCH_MAX_BYTES = 1024 * 1024;

const WORKER_ENTRY = bundledFile('engine/worker-main');

/**
 * Threads per function: its concurrency, but no more than the machine's cores (at least two), since
 * more threads than cores only add switching. `SLUICE_WORKERS_PER_FUNCTION` overrides the cap, e.g.
 * for handlers that mostly wait on the network.
 */
function workersFor(fn: Fn): number {
  const cap = Number(process.env.SLUICE_WORKERS_PER_FUNCTION) || Math.max(2, availableParallelism());
  return Math.max(1, Math.min(fn.resolved.concurrency ?? FN_DEFAULTS.localConcurrency, cap));
}

/** The worker-thread invoker. */
export class WorkerInvoker implements Invoker {
  private readonly pools = new Map<string, WorkerPool>();
  private workerBundle: Bundle | undefined;
  private nextId = 0;

  constructor(private readonly io: StepIo, private readonly cacheDir: string) {}

  async prepare(fns: Fn[], bindings: Map<string, StepBindings>): Promise<Problem[]> {
    this.workerBundle = await bundleHandler(WORKER_ENTRY, { cacheDir: this.cacheDir, target: 'local' });
    const problems: Problem[] = [];
    await Promise.all(fns.map(async (fn) => {
      const missing = missingHandlerFile(fn);
      if (missing) {
        problems.push(missing);
        return;
      }
      let bundle: Bundle;
      try {
        bundle = await bundleHandler(fn.handlerPath, { cacheDir: this.cacheDir, target: 'local' });
      } catch (error) {
        problems.push(handlerLoadProblem(fn, `does not build: ${describeLoadFailure(error)}`));
        return;
      }
      const pool = new WorkerPool(fn, bundle, bindings.get(fn.name)!, this.workerBundle!.file, workersFor(fn), this.calls);
      this.pools.set(fn.name, pool);
      const ready = await pool.warmUp();
      if (!ready.ok) {
        problems.push(ready.initTimedOut
          ? handlerInitTimeoutProblem(fn)
          : ready.error
            ? handlerLoadProblem(fn, `failed to load: ${ready.error.errorMessage}${whereInUserCode(ready.error.trace?.join("\n"))}`)
            : handlerExportProblem(fn));
      }
    }));
    return problems;
  }

  /** How the engine answers a worker's calls: from the step I/O over its store. */
  private readonly calls: CallHandlers = {
    readObject: (bucket, key) => this.io.readObject(bucket, key),
    readPayload: (path) => this.io.readPayload!(path),
    objectMetadata: async (bucket, key) => (await this.io.objectMetadata!(bucket, key)) ?? null,
    secrets: async (paths) => {
      if (!this.io.secrets) throw new StepStartError('SLUICE_E_SECRET', 'this engine has no secrets source; open it with the secrets option', '');
      const { values, source } = await this.io.secrets(paths);
      return { values, source };
    },
    idempotencyBegin: (node, key, inProgressMs) => this.io.idempotency!.begin(node, key, inProgressMs),
    idempotencyRelease: (node, key) => this.io.idempotency!.release(node, key),
    tableGet: (table, key) => this.io.table(table).get(key),
    tablePut: (table, item) => this.io.table(table).put(item),
    tableDelete: (table, key) => this.io.table(table).delete(key),
    tableQuery: (table, pk, options) => this.io.table(table).query(pk, options),
    tableScan: (table, options) => this.io.table(table).scan(options),
  };

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const pool = this.pools.get(request.fn)!;
    const objects = await this.prefetch(request.event);
    return new Promise<InvokeResult>((resolve) => pool.submit({ id: ++this.nextId, request, objects, resolve }));
  }

  /**
   * Metadata of the objects an event refers to (their lineage) and bodies of the small ones, so
   * neither needs a round trip from the worker.
   */
  private async prefetch(event: unknown): Promise<Array<[string, string, Uint8Array | null, Record<string, string> | null]>> {
    let records: RecordInputs[];
    try {
      records = inputsFromEvent(event);
    } catch {
      return [];
    }
    const out: Array<[string, string, Uint8Array | null, Record<string, string> | null]> = [];
    let total = 0;
    for (const r of records) {
      for (const input of r.inputs) {
        if (input.kind !== 'object') continue;
        const metadata = (await this.io.objectMetadata?.(input.bucket, input.key)) ?? null;
        let body: Uint8Array | null = null;
        if (total + input.size <= PREFETCH_MAX_BYTES) {
          try {
            body = await this.io.readObject(input.bucket, input.key);
            total += input.size;
          } catch {
            // gone or unreadable: the handler's own read reports it
          }
        }
        out.push([input.bucket, input.key, body, metadata]);
      }
    }
    return out;
  }

  /** Re-bundle every handler; new invocations of those that changed go to fresh workers. */
  async reload(): Promise<ReloadResult> {
    const result: ReloadResult = { reloaded: [], failed: [] };
    for (const pool of this.pools.values()) {
      let bundle: Bundle;
      try {
        bundle = await bundleHandler(pool.fn.handlerPath, { cacheDir: this.cacheDir, target: 'local' });
      } catch (error) {
        // A half-saved or broken file: keep the old handler running, and say why once per change.
        const message = (error as Error).message.split('\n').slice(0, 6).join(' ');
        if (this.lastFailure.get(pool.fn.name) !== message) result.failed.push({ fn: pool.fn.name, message });
        this.lastFailure.set(pool.fn.name, message);
        continue;
      }
      this.lastFailure.delete(pool.fn.name);
      if (bundle.hash === pool.bundle.hash) continue;
      pool.replaceBundle(bundle);
      result.reloaded.push(pool.fn.name);
    }
    return result;
  }

  private readonly lastFailure = new Map<string, string>();

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}
