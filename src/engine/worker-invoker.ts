/**
 * Runs each function's handler in worker threads, as Lambda runs it in its own sandbox: the heap is
 * capped at the function's memory, a handler that overruns its timeout has its worker terminated,
 * and no more than `concurrency` invocations are in flight. Handlers are bundled with esbuild first,
 * which is also how `sluice dev` notices a changed handler and reloads it. See worker-pool.ts for how
 * invocations reach the threads.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Fn } from '../model/fn.js';
import { FN_DEFAULTS } from '../model/fn.js';
import type { Problem } from '../model/errors.js';
import { bundleHandler, type Bundle } from '../build/bundle.js';
import type { StepBindings } from '../runtime/bindings.js';
import type { StepIo } from '../runtime/context.js';
import { inputsFromEvent, type RecordInputs } from '../runtime/events.js';
import { handlerExportProblem, handlerLoadProblem, missingHandlerFile, type Invoker, type InvokeRequest, type InvokeResult, type ReloadResult } from './invoker.js';
import { WorkerPool } from './worker-pool.js';

/** Objects up to this total size are sent with the invocation instead of fetched by the handler. */
const PREFETCH_MAX_BYTES = 1024 * 1024;

const WORKER_ENTRY = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

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
        problems.push(handlerLoadProblem(fn, `does not build: ${(error as Error).message.split('\n').slice(0, 6).join(' ')}`));
        return;
      }
      const pool = new WorkerPool(fn, bundle, bindings.get(fn.name)!, this.workerBundle!.file, workersFor(fn), (method, args) => this.answerRpc(method, args));
      this.pools.set(fn.name, pool);
      const ready = await pool.warmUp();
      if (!ready.ok) {
        problems.push(ready.error
          ? handlerLoadProblem(fn, `failed to load: ${ready.error.errorMessage}`)
          : handlerExportProblem(fn));
      }
    }));
    return problems;
  }

  private async answerRpc(method: string, args: any[]): Promise<unknown> {
    if (method === 'readObject') return this.io.readObject(args[0], args[1]);
    const [name, op, ...rest] = args;
    return (this.io.table(name) as any)[op](...rest);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const pool = this.pools.get(request.fn)!;
    const objects = await this.prefetch(request.event);
    return new Promise<InvokeResult>((resolve) => pool.submit({ id: ++this.nextId, request, objects, resolve }));
  }

  /** Bodies of the (small) objects an event refers to, so ctx.body() needs no round trip. */
  private async prefetch(event: unknown): Promise<Array<[string, string, Uint8Array]>> {
    let records: RecordInputs[];
    try {
      records = inputsFromEvent(event);
    } catch {
      return [];
    }
    const out: Array<[string, string, Uint8Array]> = [];
    let total = 0;
    for (const r of records) {
      for (const input of r.inputs) {
        if (input.kind !== 'object' || total + input.size > PREFETCH_MAX_BYTES) continue;
        try {
          out.push([input.bucket, input.key, await this.io.readObject(input.bucket, input.key)]);
          total += input.size;
        } catch {
          // gone or unreadable: the handler's own read reports it
        }
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
