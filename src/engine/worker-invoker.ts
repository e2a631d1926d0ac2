/**
 * Runs each function's handler in worker threads, as Lambda runs it in its own sandbox: the heap is
 * capped at the function's memory, a handler that overruns its timeout has its worker terminated,
 * and at most `concurrency` invocations run at once. Handlers are bundled with esbuild first, which
 * is also how `sluice dev` notices a changed handler and reloads it.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Fn } from '../model/fn.js';
import type { Problem } from '../model/errors.js';
import { bundleHandler, type Bundle } from '../build/bundle.js';
import type { StepBindings } from '../runtime/bindings.js';
import type { StepIo } from '../runtime/context.js';
import { missingHandlerFile, serializeError, timeoutError, type Invoker, type InvokeRequest, type InvokeResult } from './invoker.js';
import { LOCAL_REGION } from './aws-events.js';
import { inputsFromEvent, type RecordInputs } from '../runtime/events.js';

/** Objects up to this total size are sent with the invocation instead of fetched by the handler. */
const PREFETCH_MAX_BYTES = 1024 * 1024;

interface PoolWorker {
  worker: Worker;
  busy: boolean;
  ready: Promise<{ ok: boolean; error?: { errorMessage: string } }>;
  finish?: (result: InvokeResult) => void;
  started?: number;
  timer?: NodeJS.Timeout;
}

interface Pool {
  fn: Fn;
  bundle: Bundle;
  bindings: StepBindings;
  workers: PoolWorker[];
  waiting: Array<() => void>;
}

const WORKER_ENTRY = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

/** The worker-thread invoker. */
export class WorkerInvoker implements Invoker {
  private readonly pools = new Map<string, Pool>();
  private workerBundle: Bundle | undefined;
  private nextId = 0;

  constructor(private readonly io: StepIo, private readonly cacheDir: string) {}

  async prepare(fns: Fn[], bindings: Map<string, StepBindings>): Promise<Problem[]> {
    this.workerBundle = await bundleHandler(WORKER_ENTRY, { cacheDir: this.cacheDir, target: 'local' });
    const problems: Problem[] = [];
    await Promise.all(fns.map(async (fn) => {
      const given = String(fn.props.handler);
      const missing = missingHandlerFile(fn);
      if (missing) {
        problems.push(missing);
        return;
      }
      let bundle: Bundle;
      try {
        bundle = await bundleHandler(fn.handlerPath, { cacheDir: this.cacheDir, target: 'local' });
      } catch (error) {
        problems.push({ code: 'SLUICE_E_HANDLER_LOAD', node: fn.name, field: 'handler', message: `${fn}: handler file '${given}' does not build: ${(error as Error).message.split('\n').slice(0, 6).join(' ')}` });
        return;
      }
      const pool: Pool = { fn, bundle, bindings: bindings.get(fn.name)!, workers: [], waiting: [] };
      this.pools.set(fn.name, pool);
      const first = this.spawn(pool);
      const ready = await first.ready;
      if (!ready.ok) {
        problems.push(ready.error
          ? { code: 'SLUICE_E_HANDLER_LOAD', node: fn.name, field: 'handler', message: `${fn}: handler file '${given}' failed to load: ${ready.error.errorMessage}` }
          : { code: 'SLUICE_E_HANDLER_EXPORT', node: fn.name, field: 'handler', message: `${fn}: handler file '${given}' exports neither a default component()/source()/sink() nor a 'handler' function; add: export default component(async (input, ctx) => ...)` });
      }
    }));
    return problems;
  }

  private spawn(pool: Pool): PoolWorker {
    const { fn, bundle, bindings } = pool;
    const props = fn.resolved;
    const worker = new Worker(this.workerBundle!.file, {
      workerData: { bundle: bundle.file, bindings },
      env: { ...process.env, ...props.environment, AWS_LAMBDA_FUNCTION_NAME: fn.name, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.memoryMb), AWS_REGION: LOCAL_REGION, SLUICE_NODE: fn.name },
      // Lambda's memory setting caps the whole sandbox; the worker's old-generation heap is the
      // closest local equivalent.
      resourceLimits: { maxOldGenerationSizeMb: props.memoryMb },
    });
    worker.unref();
    const pw: PoolWorker = { worker, busy: false, ready: undefined! };
    pw.ready = new Promise((resolve) => {
      worker.once('message', (m) => resolve(m.type === 'ready' ? m : { ok: false }));
      worker.once('error', (e) => resolve({ ok: false, error: { errorMessage: e.message } }));
    });
    worker.on('message', (m) => this.onMessage(pool, pw, m));
    worker.on('error', (e) => this.onExit(pool, pw, (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? { errorType: 'Runtime.OutOfMemory', errorMessage: `function '${fn.name}' ran out of memory (limit ${props.memoryMb} MB); raise memory or process less at once`, trace: [] }
      : serializeError(e)));
    worker.on('exit', (code) => this.onExit(pool, pw, { errorType: 'Runtime.ExitError', errorMessage: `function '${fn.name}': the runtime exited with code ${code} during the invocation`, trace: [] }));
    pool.workers.push(pw);
    return pw;
  }

  private onMessage(pool: Pool, pw: PoolWorker, m: any): void {
    if (m.type === 'rpc') {
      void this.answerRpc(m).then((reply) => pw.worker.postMessage(reply));
      return;
    }
    if (m.type !== 'result' || !pw.finish) return;
    const finish = pw.finish;
    const durationMs = performance.now() - pw.started!;
    this.release(pool, pw);
    finish(m.ok
      ? { ok: true, response: m.response, outputs: m.outputs.map((o: any) => (o.type === 'object' ? { ...o, body: Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength) } : o)), logs: m.logs, failedRecords: m.failedRecords, durationMs }
      : { ok: false, error: m.error, outputs: [], logs: [], failedRecords: [], durationMs });
  }

  private async answerRpc(m: { id: number; method: string; args: any[] }) {
    try {
      let value: unknown;
      if (m.method === 'readObject') value = await this.io.readObject(m.args[0], m.args[1]);
      else {
        const [name, op, ...rest] = m.args;
        value = await (this.io.table(name) as any)[op](...rest);
      }
      return { type: 'rpc-result', id: m.id, ok: true, value };
    } catch (error) {
      return { type: 'rpc-result', id: m.id, ok: false, error: serializeError(error) };
    }
  }

  /** A worker died (timeout, out of memory, crash): fail its invocation and drop it from the pool. */
  private onExit(pool: Pool, pw: PoolWorker, error: ReturnType<typeof serializeError>): void {
    const index = pool.workers.indexOf(pw);
    if (index >= 0) pool.workers.splice(index, 1);
    clearTimeout(pw.timer);
    const finish = pw.finish;
    pw.finish = undefined;
    if (finish) finish({ ok: false, error, outputs: [], logs: [], failedRecords: [], durationMs: performance.now() - (pw.started ?? performance.now()) });
    pool.waiting.shift()?.();
  }

  private release(pool: Pool, pw: PoolWorker): void {
    clearTimeout(pw.timer);
    pw.busy = false;
    pw.finish = undefined;
    pool.waiting.shift()?.();
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const pool = this.pools.get(request.fn)!;
    const limit = pool.fn.resolved.concurrency ?? Number.POSITIVE_INFINITY;
    let pw = pool.workers.find((w) => !w.busy);
    while (!pw) {
      if (pool.workers.length < limit) pw = this.spawn(pool);
      else {
        await new Promise<void>((resolve) => pool.waiting.push(resolve));
        pw = pool.workers.find((w) => !w.busy);
      }
    }
    const chosen = pw;
    chosen.busy = true;
    const prefetched = await this.prefetch(request.event);
    await chosen.ready;
    return new Promise<InvokeResult>((resolve) => {
      chosen.finish = resolve;
      chosen.started = performance.now();
      chosen.timer = setTimeout(() => {
        const finish = chosen.finish;
        chosen.finish = undefined;
        void chosen.worker.terminate();
        if (finish) finish({ ok: false, error: timeoutError(request.timeoutMs), outputs: [], logs: [], failedRecords: [], durationMs: request.timeoutMs });
      }, request.timeoutMs);
      // JSON text clones far faster than a nested object; small objects the event names ride along,
      // so ctx.body() needs no round trip to this thread.
      chosen.worker.postMessage({ type: 'invoke', id: ++this.nextId, eventJson: request.eventJson ?? JSON.stringify(request.event), objects: prefetched, requestId: request.requestId, deadline: Date.now() + request.timeoutMs });
    });
  }

  /** Bodies of the (small) objects an event refers to, keyed `bucket/key`. */
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
        if (input.kind !== 'object' || input.size > PREFETCH_MAX_BYTES || total + input.size > PREFETCH_MAX_BYTES) continue;
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

  /** Re-bundle every handler; restart the workers of those whose bundle changed. */
  async reload(): Promise<string[]> {
    const changed: string[] = [];
    for (const pool of this.pools.values()) {
      let bundle: Bundle;
      try {
        bundle = await bundleHandler(pool.fn.handlerPath, { cacheDir: this.cacheDir, target: 'local' });
      } catch {
        continue; // a half-saved file: keep the old handler until it builds
      }
      if (bundle.hash === pool.bundle.hash) continue;
      pool.bundle = bundle;
      for (const w of pool.workers.filter((w) => !w.busy)) void w.worker.terminate();
      changed.push(pool.fn.name);
    }
    return changed;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].flatMap((p) => p.workers.map((w) => w.worker.terminate())));
    this.pools.clear();
  }
}
