/**
 * One function's worker threads. Invocations started in the same engine step are sent to a worker in
 * one message and run there one at a time, as in a Lambda sandbox; waking a thread per invocation
 * cost more than the handlers themselves on a small machine. Each invocation's timeout counts from
 * when the one before it on that worker finished, and an overrun terminates the worker: the
 * invocation fails with Lambda's timeout error and the ones queued behind it move to another worker.
 */
import { Worker } from 'node:worker_threads';
import { HANDLER_INIT_LIMIT_MS, type Fn } from '../model/fn.js';
import type { StepBindings } from '../runtime/bindings.js';
import type { Bundle } from '../bundling/bundle.js';
import { serializeError, timeoutError, type InvokeRequest, type InvokeResult } from './invoker.js';
import type { ErrorInfo } from './aws-events.js';
import { LOCAL_REGION } from './aws-events.js';
import { outputsAsBuffers, type CallHandlers, type FromWorker, type ToWorker } from './worker-protocol.js';

/** An invocation waiting for, or running on, a worker. */
export interface Job {
  id: number;
  request: InvokeRequest;
  objects: Array<[string, string, Uint8Array | null, Record<string, string> | null]>;
  resolve: (result: InvokeResult) => void;
}

/** How a worker's start ended: its handler loaded, failed to (with the error), or overran the Init limit. */
export interface WorkerReady {
  ok: boolean;
  error?: { errorMessage: string; trace?: string[] };
  initTimedOut?: boolean;
}

interface PoolWorker {
  worker: Worker;
  ready: Promise<WorkerReady>;
  isReady: boolean;
  /** Jobs sent to it, in order; the first is running. */
  queue: Job[];
  /** Jobs assigned before it was ready. */
  unsent: Job[];
  started: number;
  timer?: NodeJS.Timeout;
  dead: boolean;
  /** Replaced by a reload: takes no new jobs, ends when its queue is empty. */
  retired: boolean;
}


/** A pool of workers for one function. */
export class WorkerPool {
  private readonly workers: PoolWorker[] = [];
  private pending: Job[] = [];
  private flushScheduled = false;

  constructor(
    readonly fn: Fn,
    public bundle: Bundle,
    private readonly bindings: StepBindings,
    private readonly workerEntry: string,
    private readonly maxWorkers: number,
    private readonly calls: CallHandlers,
  ) {}

  /** Start a worker now; resolves when its handler has loaded (for validation at start-up). */
  warmUp(): Promise<WorkerReady> {
    return this.spawn().ready;
  }

  /** Queue a job; jobs queued in the same turn go out together. */
  submit(job: Job): void {
    this.pending.push(job);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.pending;
    this.pending = [];
    const batches = new Map<PoolWorker, Job[]>();
    for (const job of jobs) {
      const open = this.workers.filter((w) => !w.dead && !w.retired);
      let target = open.reduce<PoolWorker | undefined>((best, w) => (!best || load(w) < load(best) ? w : best), undefined);
      if (!target || (load(target) > 0 && open.length < this.maxWorkers)) target = this.spawn();
      target.unsent.push(job);
      batches.set(target, target.unsent);
    }
    for (const w of batches.keys()) if (w.isReady) this.send(w);
  }

  private send(w: PoolWorker): void {
    if (w.dead || w.unsent.length === 0) return;
    const jobs = w.unsent;
    w.unsent = [];
    const wasIdle = w.queue.length === 0;
    w.queue.push(...jobs);
    w.worker.postMessage({
      type: 'invoke',
      items: jobs.map((j) => ({ id: j.id, eventJson: j.request.eventJson ?? JSON.stringify(j.request.event), objects: j.objects, requestId: j.request.requestId, timeoutMs: j.request.timeoutMs })),
    } satisfies ToWorker);
    if (wasIdle) this.startHead(w);
  }

  private startHead(w: PoolWorker): void {
    const head = w.queue[0];
    if (!head) return;
    w.started = performance.now();
    w.timer = setTimeout(() => {
      void w.worker.terminate();
      this.fail(w, timeoutError(head.request.timeoutMs));
    }, head.request.timeoutMs);
  }

  private spawn(): PoolWorker {
    const props = this.fn.resolved;
    const worker = new Worker(this.workerEntry, {
      // Stack traces name the handler's (and sluice's) source files, from the bundles' inline maps.
      execArgv: ['--enable-source-maps'],
      workerData: { bundle: this.bundle.file, bindings: this.bindings, version: this.bundle.hash, memoryMb: props.memoryMb },
      env: { ...process.env, ...props.environment, AWS_LAMBDA_FUNCTION_NAME: this.fn.name, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.memoryMb), AWS_REGION: LOCAL_REGION, SLUICE_NODE: this.fn.name },
      // Lambda's memory setting caps the whole sandbox: the heap is capped here, and the worker
      // measures its heap and buffers together against the same limit (worker-main.ts).
      resourceLimits: { maxOldGenerationSizeMb: props.memoryMb },
      // What a handler prints is its log, as on Lambda: it goes to stderr, never into stdout, which
      // holds a command's result (`sluice run --json`).
      stdout: true,
      stderr: true,
    });
    worker.stdout.pipe(process.stderr, { end: false });
    worker.stderr.pipe(process.stderr, { end: false });
    worker.unref();
    const w: PoolWorker = { worker, ready: undefined!, isReady: false, queue: [], unsent: [], started: 0, dead: false, retired: false };
    w.ready = new Promise((resolve) => {
      // Lambda's Init limit (docs/aws-semantics.md LA-11): a handler whose top-level code never
      // finishes is stopped, instead of holding its invocations (and the command) forever.
      const initLimit = setTimeout(() => resolve({ ok: false, initTimedOut: true }), HANDLER_INIT_LIMIT_MS);
      worker.once('message', (m) => {
        clearTimeout(initLimit);
        resolve(m.type === 'ready' ? m : { ok: false });
      });
      worker.once('error', (e) => {
        clearTimeout(initLimit);
        resolve({ ok: false, error: { errorMessage: e.message } });
      });
    });
    void w.ready.then((r) => {
      w.isReady = true;
      if (r.ok) this.send(w);
      else if (r.initTimedOut) this.fail(w, { errorType: 'Runtime.InitTimeout', errorMessage: `function '${this.fn.name}': the handler did not finish loading within ${HANDLER_INIT_LIMIT_MS / 1000} seconds (Lambda's Init limit)`, trace: [] });
      else this.fail(w, { errorType: 'Runtime.ImportModuleError', errorMessage: r.error?.errorMessage ?? `function '${this.fn.name}': the handler exports no handler`, trace: [] });
    });
    worker.on('message', (m) => this.onMessage(w, m));
    worker.on('error', (e) => this.fail(w, (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? outOfMemory(this.fn) : serializeError(e)));
    worker.on('exit', (code) => this.fail(w, { errorType: 'Runtime.ExitError', errorMessage: `function '${this.fn.name}': the runtime exited with code ${code} during the invocation`, trace: [] }));
    this.workers.push(w);
    return w;
  }

  private onMessage(w: PoolWorker, m: FromWorker): void {
    if (m.type === 'rpc') {
      const answer = (this.calls[m.method] as (...args: unknown[]) => Promise<unknown>)(...m.args);
      void answer.then(
        (value) => w.worker.postMessage({ type: 'rpc-result', id: m.id, ok: true, value } satisfies ToWorker),
        (error: unknown) => w.worker.postMessage({ type: 'rpc-result', id: m.id, ok: false, error: serializeError(error) } satisfies ToWorker),
      );
      return;
    }
    if (m.type === 'memory') {
      // Lambda ends a sandbox that goes over its memory: so does the engine (the invocation fails, the
      // ones queued behind it move to another worker).
      void w.worker.terminate();
      this.fail(w, outOfMemory(this.fn, Math.ceil(m.usedBytes / 1024 / 1024)));
      return;
    }
    if (m.type !== 'result') return;
    const head = w.queue[0];
    if (!head || head.id !== m.id) return;
    clearTimeout(w.timer);
    w.queue.shift();
    const durationMs = performance.now() - w.started;
    this.startHead(w);
    if (w.retired && w.queue.length === 0) void w.worker.terminate();
    head.resolve(m.ok
      ? {
        ok: true, response: m.response, outputs: outputsAsBuffers(m.outputs), logs: m.logs, failedRecords: m.failedRecords, durationMs,
        executions: m.executions, consumedPayloads: m.consumedPayloads, completedKeys: m.completedKeys, duplicates: m.duplicates, started: m.started,
      }
      : { ok: false, error: m.error, outputs: [], logs: [], failedRecords: [], durationMs });
  }

  /** A worker died (timeout, out of memory, crash): fail the running job, move the rest elsewhere. */
  private fail(w: PoolWorker, error: ErrorInfo): void {
    if (w.dead) return;
    w.dead = true;
    clearTimeout(w.timer);
    // A worker whose handler failed to load is still alive, listening: it must not outlive the pool
    // (its port would keep the process running). Terminating an exited worker does nothing.
    void w.worker.terminate();
    const index = this.workers.indexOf(w);
    if (index >= 0) this.workers.splice(index, 1);
    const [head, ...rest] = [...w.queue, ...w.unsent];
    w.queue = [];
    w.unsent = [];
    if (head) head.resolve({ ok: false, error, outputs: [], logs: [], failedRecords: [], durationMs: performance.now() - (w.started || performance.now()) });
    for (const job of rest) this.submit(job);
  }

  /** Point new jobs at a rebuilt bundle; current workers finish their queues, then stop. */
  replaceBundle(bundle: Bundle): void {
    this.bundle = bundle;
    for (const w of this.workers) {
      w.retired = true;
      if (w.queue.length === 0 && w.unsent.length === 0) void w.worker.terminate();
    }
  }

  async close(): Promise<void> {
    const all = this.workers.splice(0);
    for (const w of all) w.dead = true;
    await Promise.all(all.map((w) => endWorker(w.worker)));
  }
}

function load(w: PoolWorker): number {
  return w.queue.length + w.unsent.length;
}

/** Lambda's failure of an invocation that went over the function's memory. */
function outOfMemory(fn: Fn, usedMb?: number): ErrorInfo {
  const used = usedMb === undefined ? '' : ` (it used ${usedMb} MB of heap and buffers)`;
  return { errorType: 'Runtime.OutOfMemory', errorMessage: `function '${fn.name}' ran out of memory: its limit is ${fn.resolved.memoryMb} MB${used}; raise memory or process less at once`, trace: [] };
}

/**
 * End an idle worker: asked first, so it exits by itself once its output (what the handler printed) has
 * reached the engine; terminated if it does not within a second (a handler still busy).
 */
async function endWorker(worker: Worker): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const output = Promise.all([worker.stdout, worker.stderr].map((stream) => new Promise<void>((resolve) => (stream.readableEnded ? resolve() : stream.once('end', () => resolve()).once('close', () => resolve())))));
  try {
    worker.postMessage({ type: 'shutdown' } satisfies ToWorker);
  } catch {
    // already gone
  }
  const ended = await Promise.race([exited.then(() => output).then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1000)))]);
  clearTimeout(timer);
  if (!ended) await worker.terminate();
}
