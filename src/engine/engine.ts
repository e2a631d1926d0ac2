/**
 * The local engine: runs a pipeline with AWS's semantics on one machine. It receives work from
 * durable channels, invokes handlers (in process or in worker threads), and commits each group of
 * finished invocations in one SQLite transaction: outputs written, deliveries enqueued, inputs
 * acknowledged, together or not at all.
 */
import { randomUUID } from 'node:crypto';
import type { Pipeline } from '../model/pipeline.js';
import { InputError, PipelineValidationError } from '../model/errors.js';
import { bindingsFor, type StepBindings } from '../runtime/bindings.js';
import { toAttributes } from '../runtime/attributes.js';
import { layerConfig, type ConfigLayers } from '../runtime/config.js';
import { payloadBucketName } from '../envelope/offload.js';
import { sqsRecord, arn } from './aws-events.js';
import type { Clock } from './clock.js';
import { Delivery, eTagOf } from './delivery.js';
import { missingHandlerFile, serializeError, type Invoker, type ReloadResult } from './invoker.js';
import type { EngineStore as Store } from './store/types.js';
import type { StoredMessage } from './store/messages.js';
import { DLQ_RETENTION_MS, timedChannels, topologyOf, type FnRuntime, type QueueSource, type Topology } from './topology.js';
import { applyCompletion, emptyStats, moveToFailures, type Completion, type NodeStats } from './completion.js';
import { SchedulerClock } from './schedules.js';
import { listDeadLetters, redriveDeadLetters } from './dead-letters.js';
import { invocationEvents, type EngineEvent } from './events.js';
import { BatchWindows } from './batch-windows.js';

const GROUP_COMMIT_WAIT_MS = 2;

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
}

/** Options of `put`. */
export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
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
  private readonly scheduler: SchedulerClock;
  private readonly onEvent?: (event: EngineEvent) => void;
  private readonly execution: string;
  /** The bucket offloaded envelope bodies go to (`<pipeline>-<stage>-sluice-payloads`). */
  readonly payloadBucket: string;
  private completions: Completion[] = [];
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
      const stats = this.stats.get(topic)!;
      stats.failures++;
      stats.lastError = { errorType: error.name, errorMessage: error.message, trace: [], code: error.code };
      this.onEvent?.({ type: 'delivery-failed', topic, target, error: stats.lastError });
    });
    this.scheduler = new SchedulerClock(topology, this.store, this.delivery);
    for (const name of this.pipeline.nodes.keys()) this.stats.set(name, emptyStats());
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
    const bindings = new Map<string, StepBindings>(fns.map((fn) => {
      const b = bindingsFor(pipe, fn, stage);
      return [fn.name, { ...b, config: layerConfig(b.config ?? {}, fn.name, { ...options.configLayers, nodes }) }];
    }));
    // With model problems the handlers are not loaded (their bindings may be meaningless), but a
    // missing handler file is still reported, so the user sees every problem at once.
    const handlerProblems = modelProblems.length
      ? fns.filter((fn) => !modelProblems.some((p) => p.node === fn.name && p.code === 'SLUICE_E_FN_HANDLER')).flatMap((fn) => missingHandlerFile(fn) ?? [])
      : await options.invoker.prepare(fns, bindings);
    const problems = [...modelProblems, ...handlerProblems];
    if (problems.length) {
      await options.invoker.close();
      throw new PipelineValidationError(pipe.name, problems);
    }
    return new Engine(options, topologyOf(pipe, options.defaultConcurrency));
  }

  /** Put an object into a bucket, as `aws s3 cp` would; its notifications are enqueued in the same transaction. */
  put(bucket: string, key: string, body: string | Uint8Array, options: PutOptions = {}): void {
    if (!this.topology.buckets.has(bucket)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `bucket '${bucket}' is not in pipeline '${this.pipeline.name}' (its buckets: ${[...this.topology.buckets.keys()].join(', ') || 'none'})`);
    if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > 1024) throw new InputError('SLUICE_E_OBJECT_KEY', `an object key must be 1 to 1024 bytes (given ${JSON.stringify(key)})`);
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    let blob: string | undefined;
    let replaced: string | undefined;
    try {
      replaced = this.store.transaction(() => {
        blob = this.store.blobs.write(bytes);
        return this.delivery.putObject({ bucket, key, blob, size: bytes.byteLength, eTag: eTagOf(bytes), ...options }, this.clock.now());
      });
    } catch (error) {
      if (blob) this.store.blobs.remove(blob);
      throw error;
    }
    if (replaced) this.removeBlobs([replaced]);
  }

  /** Put many objects, committing them in groups (fast for thousands of files). */
  putMany(objects: Iterable<{ bucket: string; key: string; body: Uint8Array }>, groupSize = 500): number {
    let count = 0;
    let group: Array<{ bucket: string; key: string; body: Uint8Array }> = [];
    const flush = () => {
      const written: string[] = [];
      const replaced: string[] = [];
      try {
        this.store.transaction(() => {
          for (const o of group) {
            if (!this.topology.buckets.has(o.bucket)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `bucket '${o.bucket}' is not in pipeline '${this.pipeline.name}' (its buckets: ${[...this.topology.buckets.keys()].join(', ') || 'none'})`);
            const blob = this.store.blobs.write(o.body);
            written.push(blob);
            const r = this.delivery.putObject({ bucket: o.bucket, key: o.key, blob, size: o.body.byteLength, eTag: eTagOf(o.body) }, this.clock.now());
            if (r) replaced.push(r);
          }
        });
      } catch (error) {
        for (const blob of written) this.store.blobs.remove(blob);
        throw error;
      }
      this.removeBlobs(replaced);
      count += group.length;
      group = [];
    };
    for (const o of objects) {
      group.push(o);
      if (group.length >= groupSize) flush();
    }
    if (group.length) flush();
    return count;
  }

  /** Send a message to a queue or publish it to a topic. Returns the message id for topics. */
  send(target: string, body: string | object, attributes?: Record<string, string | number | string[]>): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const m = { body: text, attributes: toAttributes(attributes) };
    this.store.transaction(() => {
      if (this.topology.queues.has(target)) this.delivery.sendToQueue(target, m, this.clock.now());
      else if (this.topology.topics.has(target)) this.delivery.publish(target, m, this.clock.now());
      else throw new InputError('SLUICE_E_UNKNOWN_NODE', `'${target}' is not a queue or topic of pipeline '${this.pipeline.name}' (queues: ${[...this.topology.queues.keys()].join(', ') || 'none'}; topics: ${[...this.topology.topics.keys()].join(', ') || 'none'})`);
    });
  }

  /**
   * Run until nothing is in flight and nothing is ready now. Messages waiting for a visibility
   * timeout, a delay or a retry back-off stay pending: `advance()` moves the clock to them.
   */
  async settle(): Promise<void> {
    for (;;) {
      const started = this.step();
      if (this.completions.length === 0) {
        if (this.inFlight === 0 && started === 0) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
      // Group commit: sleep until more invocations finish (up to half of those out, for at most
      // 2 ms) so one transaction commits them all. Sleeping, not spinning: the workers need the CPU.
      const waitUntil = performance.now() + GROUP_COMMIT_WAIT_MS;
      while (this.inFlight > 0 && this.completions.length < (this.inFlight + this.completions.length) / 2) {
        const left = waitUntil - performance.now();
        if (left <= 0) break;
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
  }

  /**
   * One turn of the engine, in one transaction: commit finished invocations, fire due schedules,
   * receive new work. The invocations start once it has committed. Returns how many started.
   */
  private step(): number {
    const now = this.clock.now();
    let starts: Array<() => void> = [];
    let replaced: string[] = [];
    const committed = this.completions;
    this.store.transaction(() => {
      replaced = this.commit(now);
      this.scheduler.fireDue(now, (e) => this.onEvent?.(e));
      starts = this.dispatch(now);
    });
    this.removeBlobs(replaced);
    // Reported once committed, so whoever hears of an invocation can already read its outputs.
    if (this.onEvent) for (const c of committed) this.emitInvocation(c);
    for (const start of starts) start();
    return starts.length;
  }

  private emitInvocation(c: Completion): void {
    for (const e of invocationEvents(c, this.execution, this.clock.now())) this.onEvent!(e);
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

  /** The next time something timed is due (retry, visibility, delay, schedule), if any. */
  nextDueAt(includeSchedules = true): number | undefined {
    const now = this.clock.now();
    const times = [this.store.messages.nextDueAfter(now, timedChannels(this.topology)), includeSchedules ? this.scheduler.nextFireAfter(now) : undefined, ...this.windows.closingAfter(now)].filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
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

  /** Receive ready work for every function with spare concurrency and start the invocations. */
  private dispatch(now: number): Array<() => void> {
    const starts: Array<() => void> = [];
    {
      for (const f of this.topology.fns.values()) {
        let progress = true;
        while (progress && f.inFlight < f.concurrency) {
          progress = false;
          if (f.asyncChannel) {
            // Each async event is one invocation: take as many as there are free slots, in one query.
            const events = this.store.messages.receive(f.asyncChannel, { max: f.concurrency - f.inFlight, visibilityMs: f.props.timeoutSeconds * 1000 + 60_000 }, now);
            for (const m of events) {
              progress = true;
              // The in-memory store keeps the event as a value; the invoker copies it for handlers that could change it.
              const event = m.payload !== undefined ? m.payload : JSON.parse(m.body);
              if (now - m.sentAt > f.props.maxEventAgeSeconds * 1000) {
                // This receive is not an invocation: the record's approximateInvokeCount (LA-07) counts
                // only the attempts actually made.
                moveToFailures({ f, messages: [{ ...m, receiveCount: m.receiveCount - 1 }], event, requestId: randomUUID() }, this.store, this.stats.get(f.fn.name)!, now, 'EventAgeExceeded');
              } else {
                starts.push(this.begin(f, undefined, [m], event, m.payload === undefined ? m.body : undefined));
              }
            }
          }
          for (const source of f.queueSources) {
            const slots = f.concurrency - f.inFlight;
            if (slots <= 0) break;
            if (source.windowMs > 0 && this.windows.waiting(this.store.messages, source, now)) continue;
            // One query for every batch the free slots can take; each batch is one invocation.
            const received = this.store.messages.receive(source.channel, {
              max: source.batchSize * slots,
              visibilityMs: source.props.visibilityTimeoutSeconds * 1000,
              maxReceiveCount: source.props.maxReceiveCount,
              deadLetter: { channel: source.dlqChannel, retentionMs: DLQ_RETENTION_MS, sourceArn: arn.queue(source.queue) },
            }, now);
            if (received.length === 0) continue;
            progress = true;
            const redelivered = received.filter((m) => m.receiveCount > 1).length;
            if (redelivered) this.stats.get(source.queue)!.retries += redelivered;
            for (let i = 0; i < received.length; i += source.batchSize) {
              const batch = received.slice(i, i + source.batchSize);
              starts.push(this.begin(f, source, batch, { Records: batch.map((m) => sqsRecord(source.queue, m)) }));
            }
          }
        }
      }
    }
    return starts;
  }

  /** Open batching windows (LSQS-04); `nextDueAt` wakes the engine when each closes. */
  private readonly windows = new BatchWindows();

  /** Reserve a slot for an invocation; the returned function starts it once the receive has committed. */
  private begin(f: FnRuntime, source: QueueSource | undefined, messages: StoredMessage[], event: unknown, eventJson?: string): () => void {
    f.inFlight++;
    this.inFlight++;
    const requestId = randomUUID();
    const timeoutMs = f.props.timeoutSeconds * 1000;
    return () => {
      void this.invoker.invoke({ fn: f.fn.name, event, eventJson, requestId, deadline: this.clock.now() + timeoutMs, timeoutMs }).then((result) => {
        f.inFlight--;
        this.inFlight--;
        this.completions.push({ f, source, messages, event, requestId, result, blobs: [] });
        this.wake?.();
      });
    };
  }

  /** Apply every finished invocation; runs inside the step's transaction. Returns blobs to remove. */
  private commit(now: number): string[] {
    const group = this.completions;
    const replaced: string[] = [];
    if (group.length === 0) return replaced;
    this.completions = [];
    for (const c of group) {
      const stats = this.stats.get(c.f.fn.name)!;
      const statsBefore = { ...stats };
      try {
        // A nested better-sqlite3 transaction is a savepoint: one completion's failure rolls back
        // only its own writes, and the group still commits once.
        this.store.savepoint(() => {
          if (c.result.ok) c.blobs = c.result.outputs.map((o) => (o.type === 'object' ? { blob: this.store.blobs.write(o.body), eTag: eTagOf(o.body) } : undefined));
          replaced.push(...applyCompletion(c, this.store, this.delivery, stats, now, this.payloadBucket));
        });
      } catch (error) {
        // An output the engine refused (e.g. too large for its queue): the invocation fails instead,
        // and its input is retried and dead-lettered like any failure; nothing is half-written.
        for (const b of c.blobs) if (b?.blob.startsWith('f')) this.store.blobs.remove(b.blob);
        for (const blob of c.payloadBlobs ?? []) if (blob.startsWith('f')) this.store.blobs.remove(blob);
        Object.assign(stats, statsBefore);
        // Keep the error's code (e.g. SLUICE_E_MESSAGE_TOO_LARGE): codes are public API users branch on.
        const failed: Completion = { ...c, blobs: [], payloadBlobs: [], result: { ...c.result, ok: false, outputs: [], executions: [], consumedPayloads: [], completedKeys: [], error: { ...serializeError(error), trace: [] } } };
        applyCompletion(failed, this.store, this.delivery, stats, now, this.payloadBucket);
      }
    }
    return replaced;
  }

  /** Messages in a node's dead-letter destination: a queue's DLQ or a function's failure destination. */
  deadLetters(node: string): StoredMessage[] {
    return listDeadLetters(this.pipeline, this.topology, this.store, node, this.clock.now());
  }

  /** Move a node's dead letters back to where they came from; returns how many. */
  redrive(node: string): number {
    return redriveDeadLetters(this.pipeline, this.topology, this.store, this.delivery, node, this.clock.now());
  }

  /** Rebuild changed handlers and restart their workers (dev mode): the functions reloaded, and those whose change does not build. */
  async reloadHandlers(): Promise<ReloadResult> {
    return (await this.invoker.reload?.()) ?? { reloaded: [], failed: [] };
  }

  async close(): Promise<void> {
    await this.invoker.close();
    this.store.close();
  }
}

export type { NodeStats, EngineEvent };
