/**
 * The local engine: runs a pipeline with AWS's semantics on one machine. Each turn it commits the
 * invocations that finished, lets clock-driven kinds start their work (schedules), and lets each
 * compute node receive ready work from its event sources; the invocations run in process or in
 * worker threads. A turn is one SQLite transaction: outputs written, deliveries enqueued, inputs
 * acknowledged, together or not at all. What each kind does lives in `kinds/` (see kind.ts).
 */
import { scheduledEvent } from './aws-events.js';
import type { ScheduleRuntime } from './kinds/schedule.js';
import { randomUUID } from 'node:crypto';
import type { Pipeline } from '../model/pipeline.js';
import { InputError, InternalError, PipelineValidationError } from '../model/errors.js';
import { nodeFor } from '../model/lookup.js';
import { objectKeyProblem } from '../model/object-key.js';
import { bindingsFor, type StepBindings } from '../runtime/bindings.js';
import { toAttributes } from '../runtime/attributes.js';
import { layerConfig, type ConfigLayers } from '../runtime/config.js';
import { payloadBucketName } from '../envelope/offload.js';
import type { Clock } from './clock.js';
import { Delivery, eTagOf } from './delivery.js';
import { missingHandlerFile, serializeError, type Invoker, type InvokeResult, type ReloadResult } from './invoker.js';
import type { EngineStore as Store } from './store/types.js';
import type { StoredMessage } from './store/messages.js';
import { engineOf, timedChannels, topologyOf, type Topology } from './topology.js';
import { applyCompletion, emptyStats, settleRecords, writeOutputs, type Completion, type CompletionContext, type NodeStats } from './completion.js';
import { invocationEvents, type EngineEvent } from './events.js';
import { recordActivity } from './activity.js';
import type { DeliveryContext, DispatchContext, DispatchRuntime, EventSource, Invocation, NodeCounts } from './kind.js';
import type { QueueRuntime } from './kinds/queue.js';
import { FlowRunner } from './flows.js';
import type { SecretsSource } from './local-io.js';
import { LocalJobRunner } from './job-runner.js';
import type { StagedWrite } from './job-protocol.js';
import type { ExecutionRecord } from './store/executions.js';
import { missingGlueFiles } from '../bundling/handler-file.js';
import { join } from 'node:path';

const GROUP_COMMIT_WAIT_MS = 2;

// How many times `drain` moves the clock before it gives up on work that never ends.
const MAX_DRAIN_SKIPS = 1_000_000;

/** Options of the engine. */
export interface EngineOptions {
  pipeline: Pipeline;
  store: Store;
  clock: Clock;
  invoker: Invoker;
  stage?: string;
  onEvent?: (event: EngineEvent) => void;
  /** Default concurrency of functions that declare none. */
  defaultConcurrency?: number;
  /** Config laid over each step's (`SLUICE_CONFIG`, `.env`). */
  configLayers?: ConfigLayers;
  /** How steps run, for the start heartbeat (Pylon's `run_once`, `run_forever`). @default 'local' */
  execution?: string;
  /** Where jobs' handler bundles and staged writes go. @default .sluice/memory/cache under the working folder */
  cacheDir?: string;
  /** Do not sleep a failed job's retry interval (a test's manual clock). @default false */
  skipRetryWaits?: boolean;
  /** Where jobs' `secret('/path')` config values are read (the local secrets file). */
  secrets?: SecretsSource;
}

/** Options of `put`. */
export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

/** An object to put. */
export interface ObjectPut extends PutOptions {
  bucket: string;
  key: string;
  body: string | Uint8Array;
}

/** The local engine. Create it with `Engine.start()`. */
export class Engine {
  readonly pipeline: Pipeline;
  readonly store: Store;
  readonly clock: Clock;
  readonly topology: Topology;
  readonly stats = new Map<string, NodeStats>();
  private readonly invoker: Invoker;
  private readonly delivery: Delivery;
  private readonly onEvent?: (event: EngineEvent) => void;
  private readonly execution: string;
  /** The bucket offloaded envelope bodies go to (`<pipeline>-<stage>-sluice-payloads`). */
  readonly payloadBucket: string;
  private completions: Completion[] = [];
  /** The flows' executions (jobs in worker threads). */
  private readonly flows: FlowRunner;
  private readonly jobs: LocalJobRunner;
  private inFlight = 0;
  private wake: (() => void) | undefined;

  private constructor(options: EngineOptions, topology: Topology) {
    this.pipeline = options.pipeline;
    this.store = options.store;
    this.clock = options.clock;
    this.invoker = options.invoker;
    this.onEvent = options.onEvent;
    this.execution = options.execution ?? 'local';
    this.payloadBucket = payloadBucketName(this.pipeline.name, options.stage ?? 'local');
    this.topology = topology;
    this.delivery = new Delivery(this.store, topology, (topic, target, error) => {
      const stats = this.statsOf(topic);
      stats.failures++;
      stats.lastError = { errorType: error.name, errorMessage: error.message, trace: [], code: error.code };
      this.onEvent?.({ type: 'delivery-failed', topic, target, error: stats.lastError });
    });
    for (const name of this.pipeline.nodes.keys()) this.stats.set(name, emptyStats());
    this.jobs = new LocalJobRunner(this.store, options.cacheDir ?? join(process.cwd(), '.sluice', 'memory', 'cache'));
    this.flows = new FlowRunner({
      pipeline: this.pipeline, store: this.store, now: () => this.clock.now(), jobs: this.jobs, stage: options.stage ?? 'local',
      commitWrites: (writes) => this.commitJobWrites(writes),
      publish: ({ to, ...message }) => this.store.transaction(() => this.delivery.send(to, { ...message, attributes: {} }, this.clock.now())),
      changed: () => this.wake?.(),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.skipRetryWaits ? { skipRetryWaits: true } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
    });
    this.flows.abortLeftovers();
  }

  /**
   * Validate the pipeline and its handlers, then start an engine. Every problem (model and handler
   * files) is reported at once in a `PipelineValidationError`, before anything runs.
   */
  static async start(options: EngineOptions): Promise<Engine> {
    const pipe = options.pipeline;
    const modelProblems = pipe.validate();
    const stage = options.stage ?? 'local';
    const fns = pipe.nodesOf('fn');
    const nodes = fns.map((fn) => fn.name);
    // Jobs run when their flow does, but a missing handler or twin is reported now, with everything else.
    const jobFiles = [...pipe.nodesOf('job').flatMap((j) => missingHandlerFile(j) ?? []), ...pipe.nodesOf('glueJob').flatMap((g) => missingGlueFiles(g, true).filter((p) => p.field === 'local'))];
    const bindings = new Map<string, StepBindings>(fns.map((fn) => {
      const b = bindingsFor(pipe, fn, stage);
      return [fn.name, { ...b, config: layerConfig(b.config ?? {}, fn.name, { ...options.configLayers, nodes }) }];
    }));
    // With model problems the handlers are not loaded (their bindings may be meaningless), but a
    // missing handler file is still reported, so the user sees every problem at once.
    const handlerProblems = modelProblems.length
      ? fns.filter((fn) => !modelProblems.some((p) => p.node === fn.name && p.code === 'SLUICE_E_FN_HANDLER')).flatMap((fn) => missingHandlerFile(fn) ?? [])
      : await options.invoker.prepare(fns, bindings);
    const problems = [...modelProblems, ...handlerProblems, ...jobFiles.filter((p) => !modelProblems.some((m) => m.node === p.node && m.field === p.field))];
    if (problems.length) {
      await options.invoker.close();
      throw new PipelineValidationError(pipe.name, problems);
    }
    return new Engine(options, topologyOf(pipe, options.defaultConcurrency));
  }

  /** Put an object into a bucket, as `aws s3 cp` would; its notifications are enqueued in the same transaction. */
  put(bucket: string, key: string, body: string | Uint8Array, options: PutOptions = {}): void {
    this.putMany([{ bucket, key, body, ...options }]);
  }

  /**
   * Put many objects, committing them in groups (fast for thousands of files). Every object is
   * checked (its bucket, its key) before its group is written. Returns how many were put.
   */
  putMany(objects: Iterable<ObjectPut>, groupSize = 500): number {
    let count = 0;
    let group: ObjectPut[] = [];
    const flush = () => {
      this.putGroup(group);
      count += group.length;
      group = [];
    };
    for (const o of objects) {
      nodeFor(this.pipeline, o.bucket, 'objects');
      const problem = objectKeyProblem(o.key);
      if (problem) throw new InputError('SLUICE_E_OBJECT_KEY', `bucket '${o.bucket}': ${problem}`, { node: o.bucket, field: 'key', given: o.key, expected: '1 to 1024 bytes of UTF-8' });
      group.push(o);
      if (group.length >= groupSize) flush();
    }
    if (group.length) flush();
    return count;
  }

  /** Write one group of objects in one transaction; blobs written for a group that fails are removed. */
  private putGroup(group: ObjectPut[]): void {
    const written: string[] = [];
    const replaced: string[] = [];
    const now = this.clock.now();
    try {
      this.store.transaction(() => {
        for (const o of group) {
          const bytes = typeof o.body === 'string' ? Buffer.from(o.body) : o.body;
          const blob = this.store.blobs.write(bytes);
          written.push(blob);
          const r = this.delivery.putObject({ bucket: o.bucket, key: o.key, blob, size: bytes.byteLength, eTag: eTagOf(bytes), contentType: o.contentType, metadata: o.metadata }, now);
          if (r) replaced.push(r);
        }
      });
    } catch (error) {
      for (const blob of written) this.store.blobs.remove(blob);
      throw error;
    }
    this.removeBlobs(replaced);
  }

  /** Send a message to a queue or publish it to a topic; returns its message id. */
  send(target: string, body: string | object, attributes?: Record<string, string | number | string[]>): string {
    nodeFor(this.pipeline, target, 'send');
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const id = randomUUID();
    this.store.transaction(() => this.delivery.send(target, { body: text, attributes: toAttributes(attributes) }, this.clock.now(), id));
    return id;
  }

  /** Messages waiting in a queue (visible, in flight or delayed), oldest first. */
  queueMessages(queue: string, limit = 1000): StoredMessage[] {
    const rt = this.topology.nodes.get(nodeFor(this.pipeline, queue, 'messages').name) as QueueRuntime;
    return this.store.messages.list(rt.channel, limit, this.clock.now());
  }

  /** What the state holds for a node now: objects, messages, dead letters. */
  counts(node: string): NodeCounts {
    const rt = this.topology.nodes.get(node);
    return rt ? engineOf(rt).counts?.(rt, this.store, this.clock.now()) ?? {} : {};
  }

  /**
   * Run until nothing is in flight and nothing is ready now. Messages waiting for a visibility
   * timeout, a delay or a retry back-off stay pending: `advance()` moves the clock to them.
   */
  async settle(): Promise<void> {
    for (;;) {
      const started = this.step();
      if (this.completions.length === 0) {
        if (this.inFlight === 0 && this.flows.active === 0 && started === 0) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
      await this.gatherCompletions();
    }
  }

  /**
   * Group commit: sleep until more invocations finish (up to half of those out, for at most 2 ms) so
   * one transaction commits them all. Sleeping, not spinning: the workers need the CPU.
   */
  private async gatherCompletions(): Promise<void> {
    const waitUntil = performance.now() + GROUP_COMMIT_WAIT_MS;
    while (this.inFlight > 0 && this.completions.length < (this.inFlight + this.completions.length) / 2) {
      const left = waitUntil - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.ceil(left));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * One turn of the engine, in one transaction: commit finished invocations, let clock-driven kinds
   * start their work, receive new work. The invocations start once it has committed. Returns how
   * many started.
   */
  private step(): number {
    const now = this.clock.now();
    const starts: Array<() => void> = [];
    const replaced: string[] = [];
    const committed = this.completions;
    let flowsStarted = 0;
    this.store.transaction(() => {
      const before = committed.length ? this.countersNow() : undefined;
      this.commit(now, replaced);
      if (before) recordActivity(this.store, committed, before, this.countersNow(), now);
      const ctx = this.deliveryContext(now);
      const emit = (e: EngineEvent) => this.onEvent?.(e);
      for (const rt of this.topology.tickers) engineOf(rt).tick!(rt, ctx, emit);
      this.dispatch(now, starts);
      flowsStarted = this.flows.startDue();
      for (const rt of this.topology.watchers) engineOf(rt).watch!(rt, ctx);
    });
    this.removeBlobs(replaced);
    // Reported once committed, so whoever hears of an invocation can already read its outputs.
    if (this.onEvent) for (const c of committed) for (const e of invocationEvents(c, this.execution, this.clock.now())) this.onEvent(e);
    for (const start of starts) start();
    return starts.length + flowsStarted;
  }

  /** Let every compute node receive ready work, up to its concurrency; each invocation is queued in `starts`. */
  private dispatch(now: number, starts: Array<() => void>): void {
    const ctx: DispatchContext = {
      store: this.store,
      now,
      stats: (node) => this.statsOf(node),
      begin: (rt, source, invocation) => starts.push(this.begin(rt, source, invocation)),
    };
    for (const rt of this.topology.dispatchers) engineOf(rt).dispatch!(rt, ctx);
  }

  /** Reserve a slot for an invocation; the returned function starts it once the receive has committed. */
  private begin(rt: DispatchRuntime, source: EventSource, { messages, event, eventJson }: Invocation): () => void {
    rt.inFlight++;
    this.inFlight++;
    const requestId = randomUUID();
    return () => {
      void this.invoker.invoke({ fn: rt.node.name, event, eventJson, requestId, deadline: this.clock.now() + rt.timeoutMs, timeoutMs: rt.timeoutMs }).then((result) => {
        rt.inFlight--;
        this.inFlight--;
        this.completions.push({ rt, source, messages, event, requestId, result, blobs: [] });
        this.wake?.();
      });
    };
  }

  /** Apply every finished invocation; runs inside the step's transaction. Blobs to remove go to `replaced`. */
  private commit(now: number, replaced: string[]): void {
    const group = this.completions;
    if (group.length === 0) return;
    this.completions = [];
    for (const c of group) {
      const stats = this.statsOf(c.rt.node.name);
      const ctx: CompletionContext = { store: this.store, delivery: this.delivery, now, stats, payloadBucket: this.payloadBucket, replaced, statsOf: (node) => this.statsOf(node) };
      const statsBefore = { ...stats };
      const replacedBefore = replaced.length;
      try {
        // A nested better-sqlite3 transaction is a savepoint: one completion's failure rolls back
        // only its own writes, and the group still commits once.
        this.store.savepoint(() => {
          if (c.result.ok) c.blobs = c.result.outputs.map((o) => (o.type === 'object' ? { blob: this.store.blobs.write(o.body), eTag: eTagOf(o.body) } : undefined));
          applyCompletion(c, ctx);
        });
      } catch (error) {
        // An output the engine refused (e.g. too large for its queue): the invocation fails instead,
        // and its input is retried and dead-lettered like any failure; nothing is half-written.
        replaced.length = replacedBefore;
        for (const b of c.blobs) if (b?.blob.startsWith('f')) this.store.blobs.remove(b.blob);
        for (const blob of c.payloadBlobs ?? []) if (blob.startsWith('f')) this.store.blobs.remove(blob);
        Object.assign(stats, statsBefore);
        // Keep the error's code (e.g. SLUICE_E_MESSAGE_TOO_LARGE): codes are public API users branch on.
        const failed: Completion = { ...c, blobs: [], payloadBlobs: [], result: { ...c.result, ok: false, outputs: [], executions: [], consumedPayloads: [], completedKeys: [], error: { ...serializeError(error), trace: [] } } };
        applyCompletion(failed, ctx);
      }
    }
  }

  private deliveryContext(now: number): DeliveryContext {
    return { store: this.store, delivery: this.delivery, now };
  }

  /** Every node's counters as they stand (to tell what a commit added). */
  private countersNow(): Map<string, NodeStats> {
    return new Map([...this.stats].map(([node, stats]) => [node, { ...stats }]));
  }

  /** A node's counters (created for nodes the stats map does not know yet). */
  private statsOf(node: string): NodeStats {
    let stats = this.stats.get(node);
    if (!stats) this.stats.set(node, (stats = emptyStats()));
    return stats;
  }

  /** Delete objects from a bucket, as DeleteObjects does (a key not there is no error); returns how many were there. */
  deleteObjects(bucket: string, keys: readonly string[]): number {
    const blobs = this.store.transaction(() => keys.map((k) => this.store.objects.remove(bucket, k)).filter((b): b is string => b !== undefined));
    this.removeBlobs(blobs.filter((b) => !this.store.objects.references(b)));
    return blobs.length;
  }

  /** Remove blobs replaced by overwrites, once the overwrite has committed. */
  private removeBlobs(ids: string[]): void {
    if (ids.length) this.store.transaction(() => ids.forEach((id) => this.store.blobs.remove(id)));
  }

  /**
   * Make the messages a crashed engine had in flight visible now. Only for an engine that holds its
   * state's lock (so no other engine is working on them); returns how many.
   */
  releaseInFlight(): number {
    return this.store.transaction(() => this.store.messages.releaseInFlight(this.clock.now()));
  }

  /** Messages not yet done in the channels functions consume (waiting, delayed, retrying or in flight). */
  pendingWork(): number {
    return this.store.messages.pending(timedChannels(this.topology));
  }

  /** The next time something timed is due (retry, visibility, delay, batching window, schedule), if any. */
  nextDueAt(includeSchedules = true): number | undefined {
    const now = this.clock.now();
    const times = [this.store.messages.nextDueAfter(now, timedChannels(this.topology))];
    for (const rt of this.topology.dispatchers) for (const s of rt.sources) times.push(s.nextDueAfter(now));
    if (includeSchedules) for (const rt of this.topology.tickers) times.push(engineOf(rt).nextDue?.(rt, this.store, now));
    const due = times.filter((t): t is number => t !== undefined);
    return due.length ? Math.min(...due) : undefined;
  }

  /** Move a manual clock forward by `ms`, running everything that falls due on the way. */
  async advance(ms: number, setTime: (time: number) => void): Promise<void> {
    const target = this.clock.now() + ms;
    await this.settle();
    for (;;) {
      const next = this.nextDueAt();
      if (next === undefined || next > target) break;
      setTime(next);
      await this.settle();
    }
    setTime(target);
    await this.settle();
  }

  /**
   * Run one function once on an event, outside the pipeline's flow: nothing is received or
   * acknowledged, no counter moves, no event is reported. With `deliver`, the outputs of the records
   * that succeeded are written and sent downstream (and their lineage, consumed payloads and
   * idempotency keys settled) in one transaction, as a real invocation's would be; otherwise they are
   * only returned, and the idempotency keys the step claimed are given back, so a later real
   * invocation of the same input is not skipped as a duplicate. `sluice invoke` and `Stage.invoke`.
   */
  async invokeOnce(fn: string, event: unknown, options: { deliver?: boolean } = {}): Promise<{ requestId: string; result: InvokeResult; delivered: boolean }> {
    const rt = this.topology.nodes.get(nodeFor(this.pipeline, fn, 'invoke').name) as DispatchRuntime;
    const requestId = randomUUID();
    const result = await this.invoker.invoke({ fn: rt.node.name, event, requestId, deadline: this.clock.now() + rt.timeoutMs, timeoutMs: rt.timeoutMs });
    const failed = new Set(result.failedRecords.map((f) => f.recordId));
    const acknowledged = (recordId: string | undefined) => recordId === undefined || !failed.has(recordId);
    if (!options.deliver || !result.ok) {
      for (const k of result.completedKeys ?? []) this.store.idempotency.release(rt.node.name, k.key);
      return { requestId, result, delivered: false };
    }
    const replaced: string[] = [];
    const c = { rt, result, blobs: [] as Completion['blobs'], payloadBlobs: [] as string[] };
    try {
      this.store.transaction(() => {
        c.blobs = result.outputs.map((o) => (o.type === 'object' ? { blob: this.store.blobs.write(o.body), eTag: eTagOf(o.body) } : undefined));
        const now = this.clock.now();
        const ctx: CompletionContext = { store: this.store, delivery: this.delivery, now, stats: emptyStats(), payloadBucket: this.payloadBucket, replaced, statsOf: () => emptyStats() };
        writeOutputs(c, result.outputs, ctx);
        settleRecords(c, acknowledged, ctx);
      });
    } catch (error) {
      // Nothing half-written: the blobs of a transaction that rolled back are removed.
      for (const b of c.blobs) if (b?.blob.startsWith('f')) this.store.blobs.remove(b.blob);
      for (const blob of c.payloadBlobs) if (blob.startsWith('f')) this.store.blobs.remove(blob);
      throw error;
    }
    this.removeBlobs(replaced);
    return { requestId, result, delivered: true };
  }

  /**
   * Run until no work is left, moving the clock (`setTime`) to each retry back-off, visibility timeout,
   * delay and batching window in turn, never to a schedule (they fire forever); every input then has
   * succeeded or reached its dead-letter destination. What `sluice run` does, and the harness's
   * `settleAll()`.
   */
  async drain(setTime: (time: number) => void): Promise<void> {
    await this.settle();
    for (let skips = 0; ; skips++) {
      const next = this.nextDueAt(false);
      if (next === undefined) return;
      // A guard against work that keeps scheduling more timed work forever.
      if (skips >= MAX_DRAIN_SKIPS) throw new InternalError(`${this.pendingWork()} message(s) are still pending after moving the clock ${MAX_DRAIN_SKIPS} times`);
      setTime(next);
      await this.settle();
    }
  }

  /** Messages in a node's dead-letter destination (a queue's DLQ, a function's failure destination), oldest first. */
  deadLetters(node: string, limit = 1000): StoredMessage[] {
    const rt = this.topology.nodes.get(nodeFor(this.pipeline, node, 'deadLetters').name)!;
    return this.store.messages.list(engineOf(rt).deadLetters!.channel(rt), limit, this.clock.now());
  }

  /** Send a node's dead letters back where they came from; returns how many. */
  redrive(node: string): number {
    const rt = this.topology.nodes.get(nodeFor(this.pipeline, node, 'deadLetters').name)!;
    const deadLetters = engineOf(rt).deadLetters!;
    const letters = this.deadLetters(node);
    this.store.transaction(() => {
      const ctx = this.deliveryContext(this.clock.now());
      for (const letter of letters) deadLetters.redrive(rt, letter, ctx);
    });
    return letters.length;
  }

  /** Rebuild changed handlers and restart their workers (dev mode): the functions reloaded, and those whose change does not build. */
  async reloadHandlers(): Promise<ReloadResult> {
    return (await this.invoker.reload?.()) ?? { reloaded: [], failed: [] };
  }

  /**
   * Start an execution of a flow, as StartExecution does; returns its name. It runs as the engine
   * turns (`settle()` waits for it). Refused while one runs when the flow's overlap is 'refuse'.
   */
  trigger(flow: string, input: unknown = {}, options: { name?: string; source?: string } = {}): string {
    const id = this.flows.request(nodeFor(this.pipeline, flow, 'executions'), input, options);
    this.wake?.();
    return id;
  }

  /**
   * Fire a schedule now, as its rule would: the scheduled event EventBridge sends, delivered to each of
   * its targets (or to `target` alone) in one transaction; returns the event and the targets.
   */
  fire(schedule: string, options: { detail?: Record<string, unknown>; target?: string } = {}): { event: Record<string, unknown>; targets: string[] } {
    const rt = this.topology.nodes.get(nodeFor(this.pipeline, schedule, 'fire').name) as ScheduleRuntime;
    const now = this.clock.now();
    const event = scheduledEvent(schedule, now, options.detail ?? rt.detail);
    const targets = rt.targets.filter((t) => options.target === undefined || t === options.target);
    this.store.transaction(() => targets.forEach((t) => this.delivery.deliver(t, { type: 'scheduled', event }, now)));
    this.onEvent?.({ type: 'schedule', schedule, time: String(event.time) });
    this.wake?.();
    return { event, targets };
  }

  /** The running or waiting execution of a flow (its name), if any. */
  busyWith(flow: string): string | undefined {
    return this.flows.busyWith(nodeFor(this.pipeline, flow, 'executions'));
  }

  /** A flow's executions, newest first. */
  executions(flow: string, limit = 100): ExecutionRecord[] {
    const node = nodeFor(this.pipeline, flow, 'executions');
    return [...this.flows.waiting(node), ...this.store.executions.list(node.name, limit)].slice(0, limit);
  }

  /** One execution of a flow by name, if it exists (one still waiting to start is RUNNING with no job started). */
  describeExecution(flow: string, name: string): ExecutionRecord | undefined {
    const node = nodeFor(this.pipeline, flow, 'executions');
    const record = this.store.executions.get(name);
    return record ? (record.flow === node.name ? record : undefined) : this.flows.waitingExecution(node, name);
  }

  /** Commit a job's staged writes: each file taken in as an object, its notifications enqueued, all in one transaction. */
  private commitJobWrites(writes: StagedWrite[]): void {
    if (writes.length === 0) return;
    const replaced: string[] = [];
    const now = this.clock.now();
    this.store.transaction(() => {
      for (const w of writes) {
        const blob = this.store.blobs.adopt(w.path, w.size);
        const r = this.delivery.putObject({ bucket: w.bucket, key: w.key, blob, size: w.size, eTag: w.eTag, contentType: w.contentType }, now);
        if (r) replaced.push(r);
      }
    });
    this.removeBlobs(replaced);
  }

  async close(): Promise<void> {
    await this.flows.close();
    await this.jobs.close();
    await this.invoker.close();
    this.store.close();
  }
}

export type { NodeStats, EngineEvent };
