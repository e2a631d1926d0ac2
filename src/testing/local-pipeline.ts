/**
 * The unit-test harness: put objects, send messages, settle, read what came out, move the clock, and
 * look into dead-letter queues, on the same engine `sluice run` uses, here in memory. Everything it
 * reads goes through the local Stage, the interface every command uses, so a test sees what
 * `sluice ls`, `cat`, `dlq` and `lineage` would show.
 */
import type { OutboxEmail } from '../engine/kinds/notify.js';
import type { Pipeline } from '../model/pipeline.js';
import { InputError } from '../model/errors.js';
import { durationMs, type Duration } from '../model/duration.js';
import { openEngine, ManualClock, type EngineEvent, type Lineage, type NodeStats } from '../engine/index.js';
import type { ConfigLayers } from '../runtime/config.js';
import type { IngestionStep } from '../envelope/ingestion-step.js';
import type { Item } from '../runtime/types.js';
import { LocalStage } from '../stage/local.js';
import { localBranch, type LocalBranch, type LocalBranchOptions } from './branch.js';
import type { DeadLetter, ExecutionDetail, ExecutionSummary, InvocationReport, InvokeInput, InvokeOptions, StoredObject, TriggerOptions } from '../stage/stage.js';

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

export type { DeadLetter };

/** A message waiting in a queue, as `messages()` gives it. */
export interface QueuedMessage {
  id: string;
  body: string;
  /** Attributes, SNS-typed: `{ type: 'String' | 'Number' | ..., value }`. */
  attributes: Record<string, { type: string; value: string }>;
  /** Unwrapped from SNS's notification: the topic it was published to. */
  topic?: string;
  /** Unwrapped from SNS's notification: its subject, when published with one. */
  subject?: string;
}

/** The message a consumer reads from a queue message holding SNS's notification (wrapped delivery, SNS-01); others as they are. */
function unwrapNotification(m: QueuedMessage): QueuedMessage {
  let n: { Type?: unknown; MessageId?: unknown; TopicArn?: unknown; Message?: unknown; Subject?: unknown; MessageAttributes?: Record<string, { Type: string; Value: string }> };
  try {
    n = JSON.parse(m.body) as typeof n;
  } catch {
    return m;
  }
  if (n === null || typeof n !== 'object' || n.Type !== 'Notification' || typeof n.Message !== 'string' || typeof n.TopicArn !== 'string') return m;
  return {
    id: typeof n.MessageId === 'string' ? n.MessageId : m.id,
    body: n.Message,
    attributes: Object.fromEntries(Object.entries(n.MessageAttributes ?? {}).map(([k, a]) => [k, { type: a.Type, value: a.Value }])),
    topic: n.TopicArn.split(':').pop()!,
    ...(typeof n.Subject === 'string' ? { subject: n.Subject } : {}),
  };
}

/** A pipeline running on the in-memory engine. */
export class LocalPipeline {
  constructor(
    /** The local stage the harness drives: what `sluice` commands see of the same state. */
    readonly stage: LocalStage,
    private readonly manualClock: ManualClock,
    private readonly secrets: Record<string, string> | string = {},
  ) {}

  /**
   * A branch of this pipeline from `node`, in memory: that node and everything downstream of it, fed by
   * `trigger()` from this harness's objects (read, never written) and compared with them by `deltas()`.
   * `handler` runs the branched step with another handler file (relative to the test file).
   * @example
   * const branch = await local.branch('clean', 'dedup', { handler: './clean-keep-first.ts' });
   * await branch.trigger();
   * const report = await branch.deltas({ keys: ['order_id'] });
   */
  async branch(node: string, name: string, options: LocalBranchOptions = {}): Promise<LocalBranch> {
    return localBranch(this.stage, node, name, options, this.secrets);
  }

  /** Put an object into a bucket; its notifications are enqueued, nothing runs until `settle()`. */
  async put(bucket: string, key: string, body: string | Uint8Array, options?: { contentType?: string; metadata?: Record<string, string> }): Promise<void> {
    await this.stage.put(bucket, [{ key, body: typeof body === 'string' ? Buffer.from(body) : body, ...options }]);
  }

  /** Send a message to a queue, or publish it to a topic (objects become JSON). */
  async send(target: string, body: string | object, attributes?: Record<string, string | number | string[]>): Promise<void> {
    await this.stage.send(target, typeof body === 'string' ? body : JSON.stringify(body), attributes);
  }

  /** Run until nothing is in flight and nothing is ready now (retries and delays wait for `advance`). */
  async settle(): Promise<void> {
    await this.stage.engine.settle();
  }

  /**
   * Run until no work is left: like `settle()`, then move the clock through every retry back-off,
   * visibility timeout, delay and batching window in turn (not schedules, which never end), so each
   * failing input ends in its dead-letter destination, as `sluice run` does. Returns how far the
   * clock moved, in milliseconds.
   * @example await local.put('raw', 'bad.csv', 'x'); await local.settleAll(); (await local.dlq('copy')).length // 1
   */
  async settleAll(): Promise<number> {
    const clock = this.manualClock;
    const from = clock.now();
    await this.stage.engine.drain((t) => clock.set(t));
    return clock.now() - from;
  }

  /**
   * Run an execution of a flow to its end, as `sluice trigger` does, and return it with each job's
   * progress: its status, the failed job and its error, the output (each job's result by name). The
   * work its jobs' writes start downstream (event-driven steps) is settled too. A job's retry interval
   * is not waited out in real time on the harness's manual clock.
   * @example const run = await local.trigger('nightly'); assert.equal(run.status, 'SUCCEEDED');
   */
  async trigger(flow: string, input: unknown = {}, options: TriggerOptions = {}): Promise<ExecutionDetail> {
    const started = await this.stage.trigger(flow, input, options);
    await this.stage.engine.settle();
    return this.stage.execution(flow, started.id);
  }

  /** A flow's executions, newest first. */
  async executions(flow: string, limit = 20): Promise<ExecutionSummary[]> {
    return this.stage.executions(flow, { limit });
  }

  /**
   * Run one function once on an event, as `sluice invoke` does: on an event given whole, or on the
   * event AWS would send it for an object already in a bucket upstream (`{ object: { bucket, key } }`)
   * or a message sent to a queue or topic upstream (`{ message: { body, attributes?, from? } }`).
   * Nothing else runs; its outputs are returned, and written downstream only with `{ deliver: true }`.
   * @example const { outputs } = await local.invoke('copy', { object: { bucket: 'raw', key: 'a.csv' } });
   */
  async invoke(fn: string, input: InvokeInput, options: InvokeOptions = {}): Promise<InvocationReport> {
    return this.stage.invoke(fn, input, options);
  }

  /** Move the clock forward (`'90s'`, `'5m'`, or seconds), running schedules, retries and redeliveries on the way. */
  async advance(duration: Duration): Promise<void> {
    const ms = durationMs(duration);
    if (ms === undefined) throw new InputError('SLUICE_E_DURATION', `advance() takes seconds or a string like '90s', '5m' (given ${JSON.stringify(duration)})`, { field: 'duration', given: duration, expected: "seconds, or a string like '90s'" });
    const clock = this.manualClock;
    await this.stage.engine.advance(ms, (t) => clock.set(t));
  }

  /** The engine clock's time. */
  now(): Date {
    return new Date(this.manualClock.now());
  }

  /** Whether an object exists. */
  async exists(bucket: string, key: string): Promise<boolean> {
    return this.stage.exists(bucket, key);
  }

  /** An object's metadata and bytes (size, ETag, content type, user metadata). */
  async head(bucket: string, key: string): Promise<StoredObject> {
    return this.stage.get(bucket, key);
  }

  /** An object's bytes; throws a clear error listing the bucket's keys when it does not exist. */
  async get(bucket: string, key: string): Promise<Buffer> {
    return (await this.stage.get(bucket, key)).body;
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
    return (await this.stage.list(bucket, prefix)).map((o) => o.key);
  }

  /**
   * Messages waiting in a queue (e.g. one no function consumes), bodies and attributes, as the queue
   * holds them: a topic's wrapped delivery (the default, without `rawMessageDelivery`) holds SNS's
   * notification JSON, its attributes inside it. With `{ unwrap: true }`, each such message is the
   * one a consumer reads: the body and attributes published, with the topic and subject.
   * @example (await local.messages('orders', { unwrap: true }))[0].body // 'hello', not '{"Type":"Notification",...}'
   */
  async messages(queue: string, options: { unwrap?: boolean } = {}): Promise<QueuedMessage[]> {
    const messages = (await this.stage.messages(queue)).map(({ id, body, attributes }) => ({ id, body, attributes }));
    return options.unwrap ? messages.map(unwrapNotification) : messages;
  }

  /** What landed in a node's dead-letter destination: a queue's DLQ or a function's on-failure destination. */
  async dlq(node: string): Promise<DeadLetter[]> {
    return this.stage.deadLetters(node);
  }

  /** Move a node's dead letters back for another try; returns how many. */
  async redrive(node: string): Promise<number> {
    return this.stage.redrive(node);
  }

  /**
   * The emails the pipeline's notify nodes would have sent, oldest first (one node's when `name` is
   * given): an alarm email per watched dead-letter queue going from empty to holding messages.
   * @example await local.settleAll(); local.outbox('alerts')[0]?.subject // 'ALARM: dead letters in queue ...'
   */
  outbox(name?: string): OutboxEmail[] {
    return this.stage.outboxEmails(name);
  }

  /** Read and write a table's items directly (no grants: this is the test's view). */
  table(name: string): { get(key: Item): Item | undefined; put(item: Item): void; query(pk: unknown): Item[]; scan(): Item[] } {
    // The local store answers at once; the Stage's promises are for AWS. Tests read synchronously.
    const items = this.stage.engineTable(name);
    return { get: (k) => items.get(k), put: (i) => items.put(i), query: (pk) => items.query(pk), scan: () => items.scan() };
  }

  /**
   * The lineage of an object: the executions from the one that wrote it back to the one that consumed
   * the root input, newest first, each an ingestion step (node, version, times, metadata, inputs, outputs).
   * @example (await local.lineage('lake', key)).steps.map((s) => s.artifactName) // ['write-assets', 'parse', 'fetch']
   */
  async lineage(bucket: string, key: string): Promise<Lineage> {
    return this.stage.lineage(bucket, key);
  }

  /** One execution's ingestion step, by its ingestion id. */
  async ingestionStep(ingestionId: string): Promise<IngestionStep | undefined> {
    return this.stage.ingestionStep(ingestionId);
  }

  /** The ingestion steps recorded so far, newest first, optionally of one node. */
  steps(options: { node?: string; limit?: number } = {}): IngestionStep[] {
    return this.stage.steps(options);
  }

  /** The offloaded envelope bodies the local payload bucket holds, each with how many undelivered messages point at it. */
  payloads(): Array<{ key: string; size: number; refs: number; contentType: string; ingestionId: string; createdAt: number }> {
    return this.stage.payloads();
  }

  /** Per-node counters: invocations, successes, failures, retries, dead-lettered. */
  stats(): Record<string, NodeStats> {
    return this.stage.stats();
  }

  /** Stop workers and release the store. */
  async close(): Promise<void> {
    await this.stage.close();
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
  return new LocalPipeline(new LocalStage(engine, options.stateDir), clock, options.secrets ?? {});
}
