/**
 * The local stage: the Stage interface over the embedded engine. Data commands open it store-only
 * (nothing runs; a running `sluice dev` or the next `sluice run` picks their writes up), `run`, `dev`
 * and the test harness with handlers. Everything a command or test needs of the engine's state goes
 * through here, so none of them reaches into the engine.
 */
import type { Pipeline } from '../model/pipeline.js';
import { InputError } from '../model/errors.js';
import { nodeFor } from '../model/lookup.js';
import { kindOf } from '../model/kinds.js';
import type { IngestionStep } from '../envelope/ingestion-step.js';
import { lineageOf, type Engine, type Lineage, type NodeStats } from '../engine/index.js';
import type { ObjectRecord } from '../engine/store/objects.js';
import type { ReadOnlyState } from '../engine/store/read-only.js';
import { INGESTION_ID_METADATA } from '../envelope/lineage.js';
import type { PayloadRecord } from '../engine/store/types.js';
import type { Item } from '../runtime/types.js';
import { keySchemaOf } from '../engine/kinds/table.js';
import { readOutbox, type OutboxEmail } from '../engine/kinds/notify.js';
import { notifyNodes, type OutboxReport } from './outbox.js';
import { deadLetterOf } from './dead-letters.js';
import { LOCAL_REGION, localArn } from '../engine/aws-events.js';
import { invokeEvent } from './invoke-event.js';
import { tableConflict } from './table-conflict.js';
import { flowRunningError, unknownExecutionError } from './executions.js';
import { flowLevels } from '../model/flow.js';
import { percentiles } from './timings.js';
import type { ExecutionRecord } from '../engine/store/executions.js';
import type { FireOptions, FiredSchedule, TableChanges, TableWriteOptions } from './stage.js';
import type { NodeActivity, RecentInvocation, ExecutionDetail, ExecutionSummary, StartedExecution, TriggerOptions, DeadLetter, InvocationReport, InvokedOutput, InvokeInput, InvokeOptions, ObjectInfo, ObjectToPut, QueueMessage, Stage, StageStatus, StoredObject, TableItems } from './stage.js';

/** Apply a table's changes in one transaction of the local store: all or nothing, whatever their number. */
function writeLocally(engine: Engine, name: string, changes: TableChanges, options: TableWriteOptions = {}): void {
  const schema = keySchemaOf(nodeFor(engine.pipeline, name, 'items'));
  const items = engine.store.items;
  const total = changes.put.length + changes.delete.length;
  engine.store.transaction(() => {
    const failed = [
      ...(changes.mustExist ?? []).filter((k) => items.get(schema, k) === undefined).map((k) => `${JSON.stringify(k)} does not exist`),
      ...(changes.mustNotExist ?? []).filter((k) => items.get(schema, k) !== undefined).map((k) => `${JSON.stringify(k)} exists`),
    ];
    if (failed.length) throw tableConflict(name, failed);
    for (const key of changes.delete) items.remove(schema, key);
    for (const item of changes.put) items.put(schema, item);
  });
  options.onProgress?.(total, total);
}

/** The local stage over an open engine. */
export class LocalStage implements Stage {
  readonly name = 'local';
  readonly commandSuffix = '';
  readonly label = '';
  readonly afterWrite = "they are processed by a running 'sluice dev', or by the next 'sluice run'";

  constructor(
    readonly engine: Engine,
    /** The state folder, or undefined for an in-memory engine. */
    readonly stateDir: string | undefined,
  ) {}

  get pipeline(): Pipeline {
    return this.engine.pipeline;
  }

  async put(bucket: string, objects: Iterable<ObjectToPut>): Promise<string[]> {
    const keys: string[] = [];
    this.engine.putMany((function* () {
      for (const o of objects) {
        keys.push(o.key);
        yield { bucket, ...o };
      }
    })());
    return keys;
  }

  async list(bucket: string, prefix = ''): Promise<ObjectInfo[]> {
    nodeFor(this.pipeline, bucket, 'objects');
    return this.engine.store.objects.list(bucket, prefix, 1_000_000).map(info);
  }

  async get(bucket: string, key: string): Promise<StoredObject> {
    const o = this.record(bucket, key);
    return { ...info(o), bucket, body: this.engine.store.blobs.read(o.blob), ...(o.contentType ? { contentType: o.contentType } : {}), ...(o.metadata ? { metadata: o.metadata } : {}) };
  }

  /** Whether an object exists (false for an unknown key; an unknown bucket still fails). */
  exists(bucket: string, key: string): boolean {
    nodeFor(this.pipeline, bucket, 'objects');
    return this.engine.store.objects.get(bucket, key) !== undefined;
  }

  async send(target: string, body: string, attributes?: Record<string, string | number | string[]>): Promise<{ messageId: string }> {
    return { messageId: this.engine.send(target, body, attributes) };
  }

  async messages(queue: string): Promise<QueueMessage[]> {
    return this.engine.queueMessages(queue).map((m) => ({ id: m.id, body: m.body, attributes: m.attributes ? JSON.parse(m.attributes) : {}, sentAt: new Date(m.sentAt).toISOString() }));
  }

  async deadLetters(node: string): Promise<DeadLetter[]> {
    const messages = this.engine.deadLetters(node);
    const { record } = kindOf(this.pipeline.node(node)!).deadLetters!;
    return messages.map((m) => {
      const info = m.info ? (JSON.parse(m.info) as { receiveCount?: number; lastError?: DeadLetter['error'] }) : {};
      return deadLetterOf(record, { id: m.id, body: m.body, sentAt: new Date(m.sentAt).toISOString(), ...(info.receiveCount !== undefined ? { receiveCount: info.receiveCount } : {}), ...(info.lastError ? { lastError: info.lastError } : {}) });
    });
  }

  async redrive(node: string): Promise<number> {
    return this.engine.redrive(node);
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<number> {
    nodeFor(this.pipeline, bucket, 'objects');
    this.engine.deleteObjects(bucket, keys);
    return keys.length;
  }

  async lineage(bucket: string, key: string): Promise<Lineage> {
    nodeFor(this.pipeline, bucket, 'objects');
    return lineageOf(this.engine.store, bucket, key);
  }

  /** One execution's ingestion step, by its ingestion id. */
  async ingestionStep(ingestionId: string): Promise<IngestionStep | undefined> {
    return this.engine.store.lineage.get(ingestionId);
  }

  /** The most recently recorded ingestion steps, newest first, optionally of one node. */
  steps(options: { node?: string; limit?: number } = {}): IngestionStep[] {
    return this.engine.store.lineage.recent(options.limit ?? 1000, options.node);
  }

  /** This stage's objects and lineage, read-only: what a branch of it reads (nothing through it can write). */
  readOnlyState(): ReadOnlyState {
    const store = this.engine.store;
    return {
      objects: (bucket) => store.objects.list(bucket, '', Number.MAX_SAFE_INTEGER),
      keys: function* (bucket) {
        for (const o of store.objects.list(bucket, '', Number.MAX_SAFE_INTEGER)) {
          const id = o.metadata?.[INGESTION_ID_METADATA];
          yield id ? { key: o.key, lastModified: o.lastModified, ingestionId: id } : { key: o.key, lastModified: o.lastModified };
        }
      },
      object: (bucket, key) => store.objects.get(bucket, key),
      body: (record) => store.blobs.read(record.blob),
      pathOf: (record) => store.blobs.pathOf(record.blob),
      step: (id) => store.lineage.get(id),
      close: () => undefined,
    };
  }

  /** The offloaded envelope bodies the local payload bucket holds, with how many messages still point at each. */
  payloads(): Array<Omit<PayloadRecord, 'blob'>> {
    return this.engine.store.payloads.list().map(({ blob: _blob, ...p }) => p);
  }

  table(name: string): TableItems {
    const items = this.engineTable(name);
    return {
      get: async (key) => items.get(key),
      put: async (item) => items.put(item),
      delete: async (key) => items.delete(key),
      scan: async (limit) => items.scan(limit),
      query: async (pk, o) => items.query(pk, o),
      write: async (changes, options) => writeLocally(this.engine, name, changes, options),
    };
  }

  /** A table's items, answered at once (the local store is synchronous), for the test harness. */
  /**
   * The emails notify nodes would have sent (the local outbox), oldest first; only `name`'s when given.
   * @example stage.outboxEmails('alerts').map((e) => e.subject)
   */
  outboxEmails(name?: string): OutboxEmail[] {
    notifyNodes(this.pipeline, name);
    return readOutbox(this.engine.store, this.pipeline, name);
  }

  async outbox(name?: string): Promise<OutboxReport> {
    const subscriptions = notifyNodes(this.pipeline, name).flatMap((n) => n.emails.map((email) => ({ notify: n.name, email, state: 'local' as const })));
    return { emails: this.outboxEmails(name), subscriptions };
  }

  engineTable(name: string): { [K in keyof TableItems]: (...args: Parameters<TableItems[K]>) => Awaited<ReturnType<TableItems[K]>> } {
    const table = nodeFor(this.pipeline, name, 'items');
    const schema = keySchemaOf(table);
    const items = this.engine.store.items;
    return {
      get: (key: Item) => items.get(schema, key),
      put: (item: Item) => items.put(schema, item),
      delete: (key: Item) => items.remove(schema, key),
      scan: (limit?: number) => items.scan(schema, limit),
      query: (pk: unknown, o?: { limit?: number; descending?: boolean }) => items.query(schema, pk, o?.limit, o?.descending),
      write: (changes: TableChanges, options?: TableWriteOptions) => writeLocally(this.engine, name, changes, options),
    };
  }

  async fire(schedule: string, options: FireOptions = {}): Promise<FiredSchedule> {
    const { event, targets } = this.engine.fire(schedule, options);
    return { schedule, event, targets };
  }

  /** One settle at a time: pause() may return before it ends, and the next pause() joins it. */
  private settling: Promise<void> | undefined;

  async pause(ms: number): Promise<void> {
    this.settling ??= this.engine.settle().finally(() => (this.settling = undefined));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.settling, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  async trigger(flow: string, input: unknown = {}, options: TriggerOptions = {}): Promise<StartedExecution> {
    const node = nodeFor(this.pipeline, flow, 'executions');
    const busy = this.engine.busyWith(node.name);
    if (busy && node.overlap === 'refuse') throw flowRunningError(node.name, busy, this.commandSuffix);
    const name = this.engine.trigger(node.name, input, options.name ? { name: options.name } : {});
    return { id: name, name, startedAt: new Date(this.engine.clock.now()).toISOString() };
  }

  async executions(flow: string, options: { limit?: number } = {}): Promise<ExecutionSummary[]> {
    return this.engine.executions(flow, options.limit ?? 20).map(summaryOf);
  }

  async execution(flow: string, id: string): Promise<ExecutionDetail> {
    const node = nodeFor(this.pipeline, flow, 'executions');
    const record = this.engine.describeExecution(node.name, id);
    if (!record) throw unknownExecutionError(node.name, id, this.commandSuffix);
    const jobs = flowLevels(this.pipeline, node).levels.flat().map((step) => {
      const p = record.jobs[step.name];
      if (!p) return { job: step.name, kind: step.kind, status: 'pending' as const };
      return {
        job: step.name, kind: step.kind, status: p.status.toLowerCase() as 'running' | 'succeeded' | 'failed',
        startedAt: new Date(p.startedAt).toISOString(), attempts: p.attempts,
        ...(p.durationMs !== undefined ? { durationMs: p.durationMs, stoppedAt: new Date(p.startedAt + p.durationMs).toISOString() } : {}),
        ...(p.error ? { error: p.error } : {}), ...(p.cause ? { cause: p.cause } : {}),
      };
    });
    return { ...summaryOf(record), flow: node.name, input: record.input, ...(record.output !== undefined ? { output: record.output } : {}), jobs };
  }

  async invoke(fn: string, input: InvokeInput, options: InvokeOptions = {}): Promise<InvocationReport> {
    const node = nodeFor(this.pipeline, fn, 'invoke');
    const event = await invokeEvent(this.pipeline, node, input, {
      region: LOCAL_REGION,
      now: () => this.engine.clock.now(),
      // Locally a node's physical name is its own.
      bucketName: (b) => b.name,
      queueArn: (q) => localArn('queue', q.name),
      topicArn: (t) => localArn('topic', t.name),
      head: async (b, key) => this.record(b.name, key),
    });
    const { requestId, result, delivered } = await this.engine.invokeOnce(node.name, event, { deliver: options.deliver === true });
    return {
      fn: node.name,
      requestId,
      event,
      ok: result.ok && result.failedRecords.length === 0,
      ...(result.error ? { error: result.error } : {}),
      failedRecords: result.failedRecords,
      ...(result.response !== undefined ? { response: result.response } : {}),
      outputs: result.outputs.map((o): InvokedOutput => (o.type === 'object'
        ? { type: 'object', bucket: o.bucket, key: o.key, size: o.body.byteLength, ...(o.contentType ? { contentType: o.contentType } : {}), ...(o.metadata ? { metadata: o.metadata } : {}), body: Buffer.from(o.body) }
        : { type: 'message', to: o.to, body: o.body, attributes: Object.fromEntries(Object.entries(o.attributes).map(([k, a]) => [k, a.value])), ...(o.subject ? { subject: o.subject } : {}), ...(o.delaySeconds !== undefined ? { delaySeconds: o.delaySeconds } : {}) })),
      logs: result.logs.map((l) => ({ at: l.at, message: l.message, ...(l.data ? { data: l.data } : {}) })),
      durationMs: result.durationMs,
      ...(result.duplicates ? { duplicates: result.duplicates } : {}),
      delivered,
    };
  }

  async status(): Promise<StageStatus> {
    const activity = this.engine.store.activity.counters();
    return {
      pipeline: this.pipeline.name,
      stage: this.name,
      deployed: true,
      where: this.stateDir ? `local state ${this.stateDir}` : 'in memory',
      nodes: [...this.pipeline.nodes.values()].map((n) => ({ node: n.name, kind: n.kind, ...this.engine.counts(n.name), ...(activity[n.name] ? { activity: activity[n.name] } : {}) })),
    };
  }

  async activity(node: string, options: { limit?: number } = {}): Promise<NodeActivity> {
    const n = nodeFor(this.pipeline, node, 'logs');
    const invocations = this.engine.store.activity.recent(n.name, options.limit ?? 50).map((i): RecentInvocation => ({
      requestId: i.requestId, at: new Date(i.at).toISOString(), ok: i.ok, durationMs: i.durationMs, records: i.records, failedRecords: i.failedRecords,
      ...(i.error ? { error: i.error } : {}), logs: i.logs,
      heartbeats: { start: i.started, coreProcess: i.executions }, timings: { coreProcess: i.coreMs, total: i.totalMs },
    }));
    return { node: n.name, invocations, timings: percentiles(invocations.map((i) => i.durationMs)) };
  }

  /** Per-node counters of what this engine has run: invocations, successes, failures, retries, dead-lettered. */
  stats(): Record<string, NodeStats> {
    return Object.fromEntries(this.engine.stats);
  }

  async close(): Promise<void> {
    await this.engine.close();
  }

  private record(bucket: string, key: string): ObjectRecord {
    nodeFor(this.pipeline, bucket, 'objects');
    const o = this.engine.store.objects.get(bucket, key);
    if (!o) {
      const keys = this.engine.store.objects.list(bucket, '', 6).map((r) => `'${r.key}'`);
      throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}' (${keys.length ? `it holds ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', ...' : ''}` : 'it is empty'}); list the bucket with: sluice ls ${bucket}`, { node: bucket, field: 'key', given: key });
    }
    return o;
  }
}

function info(o: ObjectRecord): ObjectInfo {
  return { key: o.key, size: o.size, eTag: o.eTag, lastModified: new Date(o.lastModified).toISOString() };
}

/** An execution record as the Stage reports it. */
function summaryOf(r: ExecutionRecord): ExecutionSummary {
  return {
    id: r.id, name: r.name, status: r.status, startedAt: new Date(r.startedAt).toISOString(),
    ...(r.stoppedAt !== undefined ? { stoppedAt: new Date(r.stoppedAt).toISOString(), durationMs: r.stoppedAt - r.startedAt } : {}),
    ...(r.failedJob ? { failedJob: r.failedJob } : {}), ...(r.error ? { error: r.error } : {}), ...(r.cause ? { cause: r.cause } : {}),
  };
}
