/**
 * The unit-test harness: put objects, send messages, settle, read what came out, move the clock, and
 * look into dead-letter queues, on the same engine `sluice run` uses, here in memory.
 */
import type { Pipeline } from '../model/pipeline.js';
import { InputError } from '../model/errors.js';
import { durationMs, type Duration } from '../model/duration.js';
import { lineageOf, openEngine, ManualClock, type Engine, type EngineEvent, type Lineage, type NodeStats } from '../engine/index.js';
import type { ConfigLayers } from '../runtime/config.js';
import type { IngestionStep } from '../envelope/ingestion-step.js';
import { channel } from '../engine/topology.js';
import type { ObjectRecord } from '../engine/store/objects.js';
import type { ErrorInfo } from '../engine/aws-events.js';
import type { Item } from '../runtime/types.js';

/** Options of `localPipeline`. */
export interface LocalPipelineOptions {
  /** Run handlers in worker threads (timeouts kill, memory limits apply) instead of in process. @default 'in-process' */
  isolation?: 'in-process' | 'worker';
  /** Start the clock here. @default now */
  startTime?: Date | number | string;
  /** Keep state in this folder instead of memory (the clock stays manual: `advance()` works). */
  stateDir?: string;
  /** Called for every invocation and schedule fire. */
  onEvent?: (event: EngineEvent) => void;
  /**
   * Without `stateDir`: plain JavaScript structures, or SQLite in memory (the durable store's code,
   * to run a behaviour suite against both). @default 'memory'
   */
  backend?: 'memory' | 'sqlite';
  /** The stage whose `stageConfig` applies to each step. @default 'local' */
  stage?: string;
  /**
   * Secrets by SSM path (`{ '/team/api-key': 'test-key' }`), or the path of a JSON file of them. A
   * test names its secrets: the pipeline's `.sluice/secrets.json` is not read. @default none
   */
  secrets?: Record<string, string> | string;
  /**
   * Config over each step's, as `SLUICE_CONFIG` (`env`, JSON values) and `.env` (`dotenv`, text
   * values) would give it. A test names its overlays: neither the environment nor `.env` is read.
   */
  config?: Pick<ConfigLayers, 'env' | 'dotenv'>;
}

/** An entry in a dead-letter destination. */
export interface DeadLetter {
  /** Message id (queue DLQ) or request id (function failures). */
  id: string;
  /** The message body (queue DLQ) or the original event as JSON (function failures). */
  body: string;
  /** For functions: why it failed (`RetriesExhausted`, `EventAgeExceeded`). */
  condition?: string;
  /**
   * The error: for functions, the last attempt's; for queues, the last one its consumer reported for
   * this message (kept by the local engine only: SQS records no error).
   */
  error?: ErrorInfo | null;
  /** How many times it was received or attempted. */
  attempts: number;
  /** The parsed original event (function failures). */
  event?: unknown;
}

/** A pipeline running on the in-memory engine. */
export class LocalPipeline {
  constructor(readonly engine: Engine, private readonly manualClock: ManualClock | undefined) {}

  /** Put an object into a bucket; its notifications are enqueued, nothing runs until `settle()`. */
  async put(bucket: string, key: string, body: string | Uint8Array, options?: { contentType?: string; metadata?: Record<string, string> }): Promise<void> {
    this.engine.put(bucket, key, body, options);
  }

  /** Send a message to a queue, or publish it to a topic (objects become JSON). */
  async send(target: string, body: string | object, attributes?: Record<string, string | number | string[]>): Promise<void> {
    this.engine.send(target, body, attributes);
  }

  /** Run until nothing is in flight and nothing is ready now (retries and delays wait for `advance`). */
  async settle(): Promise<void> {
    await this.engine.settle();
  }

  /** Move the clock forward (`'90s'`, `'5m'`, or seconds), running schedules, retries and redeliveries on the way. */
  async advance(duration: Duration): Promise<void> {
    const ms = durationMs(duration);
    if (ms === undefined) throw new InputError('SLUICE_E_DURATION', `advance() takes seconds or a string like '90s', '5m' (given ${JSON.stringify(duration)})`);
    if (!this.manualClock) throw new InputError('SLUICE_E_CLOCK', 'advance() needs the manual clock of an in-memory localPipeline()');
    const clock = this.manualClock;
    await this.engine.advance(ms, (t) => clock.set(t));
  }

  /** The engine clock's time. */
  now(): Date {
    return new Date(this.engine.clock.now());
  }

  /** Whether an object exists. */
  async exists(bucket: string, key: string): Promise<boolean> {
    return this.engine.store.objects.get(bucket, key) !== undefined;
  }

  /** An object's metadata (size, ETag, content type, user metadata). */
  async head(bucket: string, key: string): Promise<ObjectRecord> {
    return this.record(bucket, key);
  }

  /** An object's bytes; throws a clear error listing the bucket's keys when it does not exist. */
  async get(bucket: string, key: string): Promise<Buffer> {
    return this.engine.store.blobs.read(this.record(bucket, key).blob);
  }

  /** An object as UTF-8 text. */
  async text(bucket: string, key: string): Promise<string> {
    return (await this.get(bucket, key)).toString('utf8');
  }

  /** An object parsed as JSON. */
  async json<T = unknown>(bucket: string, key: string): Promise<T> {
    return JSON.parse(await this.text(bucket, key)) as T;
  }

  /** Keys in a bucket, in order, optionally under a prefix. */
  async list(bucket: string, prefix = ''): Promise<string[]> {
    this.assertBucket(bucket);
    return this.engine.store.objects.list(bucket, prefix, 100_000).map((o) => o.key);
  }

  /** Messages waiting in a queue (e.g. one no function consumes), bodies and attributes. */
  async messages(queue: string): Promise<Array<{ id: string; body: string; attributes: Record<string, { type: string; value: string }> }>> {
    if (!this.engine.topology.queues.has(queue)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `queue '${queue}' is not in the pipeline`);
    return this.engine.store.messages.list(channel.queue(queue), 1000, this.engine.clock.now()).map((m) => ({ id: m.id, body: m.body, attributes: m.attributes ? JSON.parse(m.attributes) : {} }));
  }

  /** What landed in a node's dead-letter destination: a queue's DLQ or a function's on-failure destination. */
  async dlq(node: string): Promise<DeadLetter[]> {
    const isFn = this.engine.topology.fns.has(node);
    return this.engine.deadLetters(node).map((m) => {
      if (!isFn) {
        const info = m.info ? JSON.parse(m.info) : {};
        return { id: m.id, body: m.body, attempts: info.receiveCount ?? 0, ...(info.lastError ? { error: info.lastError } : {}) };
      }
      const record = JSON.parse(m.body);
      return { id: record.requestContext.requestId, body: JSON.stringify(record.requestPayload), event: record.requestPayload, condition: record.requestContext.condition, error: record.responsePayload, attempts: record.requestContext.approximateInvokeCount };
    });
  }

  /** Move a node's dead letters back for another try; returns how many. */
  async redrive(node: string): Promise<number> {
    return this.engine.redrive(node);
  }

  /** Read and write a table's items directly (no grants: this is the test's view). */
  table(name: string): { get(key: Item): Item | undefined; put(item: Item): void; query(pk: unknown): Item[]; scan(): Item[] } {
    const schema = this.engine.topology.tables.get(name);
    if (!schema) throw new InputError('SLUICE_E_UNKNOWN_NODE', `table '${name}' is not in the pipeline`);
    const items = this.engine.store.items;
    return { get: (k) => items.get(schema, k), put: (i) => items.put(schema, i), query: (pk) => items.query(schema, pk), scan: () => items.scan(schema) };
  }

  /**
   * The lineage of an object: the executions from the one that wrote it back to the one that consumed
   * the root input, newest first, each an ingestion step (node, version, times, metadata, inputs, outputs).
   * @example (await local.lineage('lake', key)).steps.map((s) => s.artifactName) // ['write-assets', 'parse', 'fetch']
   */
  async lineage(bucket: string, key: string): Promise<Lineage> {
    this.assertBucket(bucket);
    return lineageOf(this.engine.store, bucket, key);
  }

  /** One execution's ingestion step, by its ingestion id. */
  async ingestionStep(ingestionId: string): Promise<IngestionStep | undefined> {
    return this.engine.store.lineage.get(ingestionId);
  }

  /** Per-node counters: invocations, successes, failures, retries, dead-lettered. */
  stats(): Record<string, NodeStats> {
    return Object.fromEntries(this.engine.stats);
  }

  /** Stop workers and release the store. */
  async close(): Promise<void> {
    await this.engine.close();
  }

  private record(bucket: string, key: string): ObjectRecord {
    this.assertBucket(bucket);
    const o = this.engine.store.objects.get(bucket, key);
    if (!o) {
      const keys = this.engine.store.objects.list(bucket, '', 6).map((r) => `'${r.key}'`);
      throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}' (${keys.length ? `it holds ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', ...' : ''}` : 'it is empty'})`);
    }
    return o;
  }

  private assertBucket(bucket: string): void {
    if (!this.engine.topology.buckets.has(bucket)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `bucket '${bucket}' is not in the pipeline (its buckets: ${[...this.engine.topology.buckets.keys()].join(', ')})`);
  }
}

/**
 * Start a pipeline on the in-memory engine. Throws a `PipelineValidationError` listing every problem
 * if the pipeline or a handler file is invalid.
 * @example const local = await localPipeline(pipe);
 */
export async function localPipeline(pipe: Pipeline, options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const start = options.startTime === undefined ? Date.now() : new Date(options.startTime).getTime();
  // Always the manual clock, with a state folder too: a test needs advance() for retries, visibility
  // timeouts and schedules whatever the store, and openEngine would otherwise pick the system clock.
  const clock = new ManualClock(start);
  const engine = await openEngine({
    pipeline: pipe, stateDir: options.stateDir, isolation: options.isolation ?? 'in-process', clock, onEvent: options.onEvent, backend: options.backend,
    stage: options.stage, configLayers: options.config, secrets: options.secrets ?? {},
  });
  return new LocalPipeline(engine, clock);
}
