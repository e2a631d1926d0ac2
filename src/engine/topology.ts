/**
 * The pipeline as the engine runs it, derived once: each function's sources (its async-invoke channel
 * and the queues it consumes), each bucket's notifications, each topic's subscriptions and each
 * schedule's targets. Channel names: `queue:<q>`, `dlq:<q>`, `async:<fn>`, `failures:<fn>`.
 */
import type { Pipeline } from '../model/pipeline.js';
import { Fn, FN_DEFAULTS, type ResolvedFnProps } from '../model/fn.js';
import { Queue, type ResolvedQueueProps } from '../model/queue.js';
import { Topic } from '../model/topic.js';
import type { Table } from '../model/table.js';
import { durationMs } from '../model/duration.js';
import { visibilityOf } from '../model/visibility.js';
import type { FilterPolicyScope } from '../model/filter-policy.js';
import type { KeySchema } from './store/items.js';

export const channel = {
  queue: (name: string) => `queue:${name}`,
  dlq: (name: string) => `dlq:${name}`,
  async: (fn: string) => `async:${fn}`,
  failures: (fn: string) => `failures:${fn}`,
};

/** How long DLQs and failure destinations keep messages: SQS's maximum, 14 days. */
export const DLQ_RETENTION_MS = 1_209_600_000;

/** A queue a function consumes. */
export interface QueueSource {
  queue: string;
  channel: string;
  dlqChannel: string;
  batchSize: number;
  windowMs: number;
  props: ResolvedQueueProps;
}

/** A function as the engine runs it. */
export interface FnRuntime {
  fn: Fn;
  props: ResolvedFnProps;
  concurrency: number;
  /** Set when buckets, topics or schedules invoke it asynchronously. */
  asyncChannel?: string;
  queueSources: QueueSource[];
  inFlight: number;
}

/** Where a bucket's ObjectCreated events go. */
export interface Notification {
  target: string;
  kind: 'fn' | 'queue' | 'topic';
  prefix?: string;
  suffix?: string;
  configurationId: string;
}

/** A topic subscription. */
export interface Subscription {
  target: string;
  kind: 'fn' | 'queue';
  filterPolicy?: Record<string, unknown>;
  scope: FilterPolicyScope;
  raw: boolean;
}

/** The whole derived topology. */
export interface Topology {
  fns: Map<string, FnRuntime>;
  queues: Map<string, ResolvedQueueProps>;
  topics: Map<string, { maxMessageSize: number; subscriptions: Subscription[] }>;
  buckets: Map<string, Notification[]>;
  schedules: Map<string, { expression: string; detail: Record<string, unknown>; targets: string[] }>;
  tables: Map<string, KeySchema>;
}

/** Derive the topology of a (valid) pipeline. */
export function topologyOf(pipe: Pipeline, defaultConcurrency: number = FN_DEFAULTS.localConcurrency): Topology {
  const t: Topology = { fns: new Map(), queues: new Map(), topics: new Map(), buckets: new Map(), schedules: new Map(), tables: new Map() };
  for (const q of pipe.nodesOf('queue')) t.queues.set(q.name, q.resolved);
  for (const topic of pipe.nodesOf('topic')) t.topics.set(topic.name, { maxMessageSize: topic.maxMessageSize, subscriptions: [] });
  for (const b of pipe.nodesOf('bucket')) t.buckets.set(b.name, []);
  for (const s of pipe.nodesOf('schedule')) t.schedules.set(s.name, { expression: s.props.expression, detail: s.props.detail ?? {}, targets: [] });
  for (const table of pipe.nodesOf('table')) t.tables.set(table.name, keySchemaOf(table));
  for (const fn of pipe.nodesOf('fn')) {
    const props = fn.resolved;
    t.fns.set(fn.name, { fn, props, concurrency: props.concurrency ?? defaultConcurrency, queueSources: [], inFlight: 0 });
  }
  const seen = new Set<string>();
  for (const edge of pipe.edges) {
    const key = `${edge.from.name}\0${edge.to.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const from = edge.from, to = edge.to, o = edge.options;
    if (from.kind === 'bucket' && (to.kind === 'fn' || to.kind === 'queue' || to.kind === 'topic')) {
      t.buckets.get(from.name)!.push({ target: to.name, kind: to.kind, prefix: o.prefix, suffix: o.suffix, configurationId: `${from.name}-to-${to.name}` });
    }
    if (from instanceof Topic && (to.kind === 'fn' || to.kind === 'queue')) {
      t.topics.get(from.name)!.subscriptions.push({ target: to.name, kind: to.kind, filterPolicy: o.filterPolicy, scope: o.filterPolicyScope ?? 'MessageAttributes', raw: o.rawMessageDelivery ?? false });
    }
    if (from.kind === 'schedule' && to.kind === 'fn') t.schedules.get(from.name)!.targets.push(to.name);
    if (to instanceof Fn && (from.kind === 'bucket' || from.kind === 'topic' || from.kind === 'schedule')) t.fns.get(to.name)!.asyncChannel = channel.async(to.name);
    if (from instanceof Queue && to instanceof Fn) {
      t.fns.get(to.name)!.queueSources.push({
        queue: from.name,
        channel: channel.queue(from.name),
        dlqChannel: channel.dlq(from.name),
        batchSize: o.batchSize ?? 10,
        windowMs: o.maxBatchingWindow === undefined ? 0 : durationMs(o.maxBatchingWindow) ?? 0,
        // One visibility for local and AWS: SQS-6's 6 x timeout + window unless declared.
        props: { ...from.resolved, visibilityTimeoutSeconds: visibilityOf(pipe, from).seconds },
      });
    }
  }
  return t;
}

/** Each table's key schema; safe on a pipeline not yet validated (unlike `topologyOf`). */
export function tablesOf(pipe: Pipeline): Map<string, KeySchema> {
  return new Map(pipe.nodesOf('table').map((table) => [table.name, keySchemaOf(table)]));
}

function keySchemaOf(table: Table): KeySchema {
  return { table: table.name, partitionKey: table.partitionKey, ...(table.sortKey ? { sortKey: table.sortKey } : {}) };
}

/** Every channel whose timed messages matter for the clock (retries, visibility, delays). */
export function timedChannels(t: Topology): string[] {
  const out: string[] = [];
  for (const f of t.fns.values()) {
    if (f.asyncChannel) out.push(f.asyncChannel);
    for (const s of f.queueSources) out.push(s.channel);
  }
  return [...new Set(out)];
}
