/**
 * Invokers run a function's handler on one event. The in-process invoker is for unit tests (starts in
 * microseconds); the worker invoker (worker-invoker.ts) isolates each function in worker threads with
 * its memory limit, and can kill a handler that overruns its timeout.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { missingHandlerFile } from '../bundling/handler-file.js';
import { describeLoadFailure, whereInUserCode } from '../bundling/user-errors.js';

export { missingHandlerFile, describeLoadFailure, whereInUserCode };
import { pathToFileURL } from 'node:url';
import { HANDLER_INIT_LIMIT_MS, type Fn } from '../model/fn.js';
import type { Problem } from '../model/errors.js';
import { invokeHandler, resolveHandler, type ExecutionRecord, type InvocationOutcome, type ResolvedHandler } from '../runtime/invoke.js';
import type { StepBindings } from '../runtime/bindings.js';
import type { LogLine, StepIo } from '../runtime/context.js';
import type { RoutedOutput } from '../runtime/types.js';
import type { ErrorInfo } from './aws-events.js';
import { InternalError } from '../model/errors.js';

/** One invocation to run. */
export interface InvokeRequest {
  fn: string;
  event: unknown;
  /** The event as JSON text, when the engine already has it (saves re-encoding for workers). */
  eventJson?: string;
  requestId: string;
  /** Epoch ms (engine clock) when the invocation times out. */
  deadline: number;
  timeoutMs: number;
}

/** What came of an invocation. */
export interface InvokeResult {
  ok: boolean;
  response?: unknown;
  outputs: RoutedOutput[];
  failedRecords: Array<{ recordId: string; error: ErrorInfo }>;
  error?: ErrorInfo;
  logs: LogLine[];
  durationMs: number;
  /** The executions of the inputs that succeeded: their ingestion steps and timings. */
  executions?: ExecutionResult[];
  /** Offloaded bodies consumed by the records that succeeded. */
  consumedPayloads?: InvocationOutcome['consumedPayloads'];
  /** Idempotency keys processed by the records that succeeded. */
  completedKeys?: InvocationOutcome['completedKeys'];
  /** Inputs skipped as already processed (idempotency). */
  duplicates?: number;
  /** Whether this invocation started the step (its first). */
  started?: boolean;
}

/**
 * An execution as the engine gets it: the runtime's record in process, or, from a worker thread, its
 * summary with the ingestion step already serialized there (off the engine's thread, which commits).
 */
export type ExecutionResult =
  | ExecutionRecord
  | (Pick<ExecutionRecord, 'ingestionId' | 'recordId' | 'lineage' | 'coreMs' | 'totalMs' | 'startedAt' | 'finishedAt' | 'artifactName'> & { stepJson?: string });

/** An execution record as a worker thread sends it: the summary and, with lineage on, the step as JSON. */
export function serializedExecution(e: ExecutionRecord): ExecutionResult {
  const { recordId, lineage, ...step } = e;
  return {
    ingestionId: e.ingestionId, ...(recordId !== undefined ? { recordId } : {}), lineage, coreMs: e.coreMs, totalMs: e.totalMs,
    startedAt: e.startedAt, finishedAt: e.finishedAt, artifactName: e.artifactName, ...(lineage ? { stepJson: JSON.stringify(step) } : {}),
  };
}

/** The fields of an invocation outcome the engine carries in its result. */
export function outcomeFields(outcome: InvocationOutcome): Pick<InvokeResult, 'executions' | 'consumedPayloads' | 'completedKeys' | 'duplicates' | 'started'> {
  return { executions: outcome.executions, consumedPayloads: outcome.consumedPayloads, completedKeys: outcome.completedKeys, duplicates: outcome.duplicates, started: outcome.started };
}

/** What a reload did: handlers reloaded, and changed handlers that do not build (the old code keeps running). */
export interface ReloadResult {
  reloaded: string[];
  failed: Array<{ fn: string; message: string }>;
}

/** Runs handlers. */
export interface Invoker {
  /** Load every function's handler; returns the problems (missing file, no export) for validation. */
  prepare(fns: Fn[], bindings: Map<string, StepBindings>): Promise<Problem[]>;
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /** Reload changed handlers (dev mode). */
  reload?(): Promise<ReloadResult>;
  close(): Promise<void>;
}

/** A thrown value as Lambda reports it: type, message and stack lines. */
export function serializeError(error: unknown): ErrorInfo {
  const e = error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
  const code = (e as { code?: unknown }).code;
  return { errorType: e.name, errorMessage: e.message, trace: (e.stack ?? '').split('\n').slice(1).map((l) => l.trim()).filter(Boolean), ...(typeof code === 'string' ? { code } : {}) };
}

/** Lambda's timeout failure. */
export function timeoutError(timeoutMs: number): ErrorInfo {
  return { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`, trace: [] };
}

/** A handler file that does not build or whose import throws. */
export function handlerLoadProblem(fn: Fn, what: string): Problem {
  return { code: 'SLUICE_E_HANDLER_LOAD', node: fn.name, field: 'handler', message: `${fn}: handler file '${String(fn.props.handler)}' ${what}` };
}

/** A handler file whose imports or top-level code did not finish within Lambda's Init limit. */
export function handlerInitTimeoutProblem(fn: Fn): Problem {
  return { code: 'SLUICE_E_HANDLER_INIT_TIMEOUT', node: fn.name, field: 'handler', message: `${fn}: handler file '${String(fn.props.handler)}' did not finish loading within ${HANDLER_INIT_LIMIT_MS / 1000} seconds (Lambda's limit for a function's Init phase); move slow or endless work at its top level into the step` };
}

/** A handler file that exports no handler. */
export function handlerExportProblem(fn: Fn): Problem {
  return { code: 'SLUICE_E_HANDLER_EXPORT', node: fn.name, field: 'handler', message: `${fn}: handler file '${String(fn.props.handler)}' exports neither a default component()/source()/sink() nor a 'handler' function; add: export default component(async (input, ctx) => ...)` };
}

const INIT_TIMED_OUT = Symbol('init timed out');

/** Check a handler file exists, then import it and find its handler; problems name the node and the fix. */
export async function loadHandlerModule(fn: Fn, importer: (url: string) => Promise<Record<string, unknown>>): Promise<{ handler?: ResolvedHandler; problem?: Problem }> {
  const missing = missingHandlerFile(fn);
  if (missing) return { problem: missing };
  let exports: Record<string, unknown>;
  let timer: NodeJS.Timeout | undefined;
  const initLimit = new Promise<typeof INIT_TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(INIT_TIMED_OUT), HANDLER_INIT_LIMIT_MS)));
  try {
    // A top-level await that never settles is bounded; an endless synchronous loop cannot be in
    // process (it holds the thread): worker isolation bounds that too.
    const loaded = await Promise.race([importer(pathToFileURL(fn.handlerPath).href), initLimit]);
    if (loaded === INIT_TIMED_OUT) return { problem: handlerInitTimeoutProblem(fn) };
    exports = loaded;
  } catch (error) {
    return { problem: handlerLoadProblem(fn, `failed to load: ${describeLoadFailure(error)}`) };
  } finally {
    clearTimeout(timer);
  }
  const handler = resolveHandler(exports);
  if (!handler) {
    return { problem: handlerExportProblem(fn) };
  }
  return { handler };
}

/**
 * A handler's version when it runs in process (no bundle): the sha256 of its file. Worker threads and
 * Lambda use the bundle's hash, which also covers what the handler imports.
 */
export function handlerFileVersion(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'unversioned';
  }
}

/** Runs handlers in this thread: fast to start, for unit tests; a timeout fails the invocation but cannot stop the handler. */
export class InProcessInvoker implements Invoker {
  private readonly handlers = new Map<string, ResolvedHandler>();
  private readonly versions = new Map<string, string>();
  private bindings = new Map<string, StepBindings>();
  constructor(private readonly io: StepIo, private readonly now: () => number) {}

  async prepare(fns: Fn[], bindings: Map<string, StepBindings>): Promise<Problem[]> {
    this.bindings = bindings;
    const problems: Problem[] = [];
    await Promise.all(fns.map(async (fn) => {
      const { handler, problem } = await loadHandlerModule(fn, (url) => import(url));
      if (problem) problems.push(problem);
      if (handler) this.handlers.set(fn.name, handler);
      this.versions.set(fn.name, handlerFileVersion(fn.handlerPath));
    }));
    return problems;
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const started = performance.now();
    const handler = this.handlers.get(request.fn)!;
    // A plain Lambda handler gets the event itself and may change it; give it a copy, as AWS sends
    // each attempt afresh. Components only read the event through the adapter.
    const event = handler.kind === 'lambda' ? structuredClone(request.event) : request.event;
    const invocation = invokeHandler(handler, { event, requestId: request.requestId, deadline: request.deadline, bindings: this.bindings.get(request.fn)!, io: this.io, now: this.now, version: this.versions.get(request.fn) });
    try {
      const outcome = await this.deadlines.race(invocation, started + request.timeoutMs);
      return { ok: true, response: outcome.response, outputs: outcome.outputs, logs: outcome.logs, failedRecords: outcome.failedRecords.map((f) => ({ recordId: f.recordId, error: serializeError(f.error) })), durationMs: performance.now() - started, ...outcomeFields(outcome) };
    } catch (error) {
      const info = error === TIMED_OUT ? timeoutError(request.timeoutMs) : serializeError(error);
      return { ok: false, error: info, outputs: [], logs: [], failedRecords: [], durationMs: performance.now() - started };
    }
  }

  private readonly deadlines = new Deadlines();

  async close(): Promise<void> {}
}

/** For commands that only read or write data (put, ls, cat): loads no handler and never invokes. */
export class StoreOnlyInvoker implements Invoker {
  async prepare(): Promise<Problem[]> {
    return [];
  }
  invoke(request: InvokeRequest): Promise<InvokeResult> {
    return Promise.reject(new InternalError(`function '${request.fn}' cannot run: this engine was opened for data commands only`));
  }
  async close(): Promise<void> {}
}

const TIMED_OUT = Symbol('timed out');

/**
 * Timeouts for in-process invocations with one timer for all of them: a timer per invocation costs
 * more than a small handler does. `race` rejects with TIMED_OUT when the deadline passes first.
 */
class Deadlines {
  private readonly running = new Set<{ deadline: number; fail: () => void }>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  race<T>(work: Promise<T>, deadline: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { deadline, fail: () => reject(TIMED_OUT) };
      this.running.add(entry);
      if (deadline < this.armedFor) this.arm();
      const done = () => {
        this.running.delete(entry);
        if (this.running.size === 0) {
          clearTimeout(this.timer);
          this.armedFor = Number.POSITIVE_INFINITY;
        }
      };
      work.then(
        (value) => (done(), resolve(value)),
        (error) => (done(), reject(error)),
      );
    });
  }

  private arm(): void {
    clearTimeout(this.timer);
    let earliest = Number.POSITIVE_INFINITY;
    for (const e of this.running) if (e.deadline < earliest) earliest = e.deadline;
    this.armedFor = earliest;
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => {
      const now = performance.now();
      for (const e of this.running) {
        if (e.deadline > now) continue;
        this.running.delete(e);
        e.fail();
      }
      this.arm();
    }, Math.max(0, earliest - performance.now()));
  }
}
