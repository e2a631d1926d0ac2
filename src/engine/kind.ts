/**
 * The shape of one node kind on the local engine. Each kind has one module under `kinds/`, and the
 * registry (`registry.ts`) is a `Record<Kind, ...>`, so a kind without an engine module is a compile
 * error, not a node the engine silently ignores. Every member is required, and `null` says "this kind
 * does not do that", so adding a kind means deciding each one.
 *
 * What the engine does with a kind:
 * - `runtime`: the node as the engine runs it (its resolved props, its channels), built once;
 * - `connect`: wiring one of its outgoing edges (a bucket's notifications, a topic's subscriptions, a
 *   schedule's targets, a queue's event source mapping onto the function it feeds);
 * - `receive`: what happens when something is delivered to it (an object put, an S3 event, an SNS
 *   notification, a scheduled event, a message sent), inside the caller's transaction;
 * - `tick` and `nextDue`: work it starts by itself on the engine clock (schedules);
 * - `dispatch`: starting invocations of ready work (functions), each fed by an `EventSource`, which
 *   also applies the invocation's outcome (completion);
 * - `deadLetters`: where its dead letters wait, and how a redrive sends one back;
 * - `watch`: looking at the state at the end of each turn (notify's dead-letter alarms);
 * - `counts`: what the state holds for it (objects, messages, dead letters), for status and summaries.
 */
import type { AnyNode, Edge } from '../model/node.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Completion, CompletionContext, NodeStats } from './completion.js';
import type { Delivery, MessageSend, ObjectWrite, Published } from './delivery.js';
import type { EngineStore } from './store/types.js';
import type { StoredMessage } from './store/messages.js';
import type { EngineEvent } from './events.js';

/** Options every kind's runtime may read. */
export interface TopologyOptions {
  /** Concurrency of functions that declare none. */
  defaultConcurrency: number;
}

/** What all runtimes share: the node they run. */
export interface RuntimeBase<N extends AnyNode = AnyNode> {
  readonly node: N;
}

/**
 * Something delivered to a node. Each kind says in `receive` which of these it takes; a valid
 * pipeline only delivers what its edges allow.
 */
export type Notice =
  /** An object written to a bucket (a put, or a step's output). */
  | { type: 'object'; object: ObjectWrite }
  /** S3's ObjectCreated event for one object, from a bucket notification (`configurationId` names it). */
  | { type: 's3'; event: Record<string, unknown> }
  /** A message published to a topic, delivered by one subscription. */
  | { type: 'sns'; topic: string; message: Published; raw: boolean }
  /** EventBridge's scheduled event. */
  | { type: 'scheduled'; event: Record<string, unknown> }
  /** A message sent to a queue or published to a topic by a step or a caller (`id`: keep this message id). */
  | { type: 'message'; message: MessageSend; id?: string };

/** What a node's `receive` may use: the store, the clock's now, and delivery onwards. */
export interface DeliveryContext {
  readonly store: EngineStore;
  readonly delivery: Delivery;
  readonly now: number;
}

/** One invocation a source wants started: the messages it consumes and the event the handler gets. */
export interface Invocation {
  messages: StoredMessage[];
  event: unknown;
  /** The event as JSON text, when the store kept it as text (saves re-encoding for workers). */
  eventJson?: string;
}

/** What a source may use while receiving. */
export interface ReceiveContext {
  readonly store: EngineStore;
  readonly now: number;
  /** The counters of a node (a queue's retries, a function's dead letters). */
  stats(node: string): NodeStats;
}

/**
 * Work that feeds a compute node: a function's async-invoke queue (buckets, topics and schedules
 * invoke asynchronously) or a queue's event source mapping. It receives what is ready as
 * invocations, and applies each finished invocation's outcome: acknowledge, retry, dead-letter.
 */
export interface EventSource {
  /** The channel its messages wait in (for pending work and the next due time). */
  readonly channel: string;
  /**
   * Receive up to `slots` invocations' worth of ready work. `received` counts the messages taken,
   * including any it settled without an invocation (an async event past its max age).
   */
  receive(slots: number, ctx: ReceiveContext): { invocations: Invocation[]; received: number };
  /** Apply a finished invocation of this source; runs inside the group commit's transaction. */
  complete(c: Completion, ctx: CompletionContext): void;
  /** The next time something it waits for falls due (a batching window closing), if any. */
  nextDueAfter(now: number): number | undefined;
}

/** What `dispatch` may use: receive from sources and start invocations. */
export interface DispatchContext extends ReceiveContext {
  /** Reserve a slot and queue an invocation; it starts once the receive has committed. */
  begin(rt: DispatchRuntime, source: EventSource, invocation: Invocation): void;
}

/** A runtime that runs invocations: how many are in flight, at most how many. */
export interface DispatchRuntime extends RuntimeBase {
  concurrency: number;
  inFlight: number;
  readonly sources: EventSource[];
  /** Longest run of one invocation, in milliseconds. */
  readonly timeoutMs: number;
}

/** Where a node's dead letters wait, and how one goes back. */
export interface DeadLetterEngine<R> {
  /** The channel holding them. */
  channel(rt: R): string;
  /** Send one back where it came from; runs inside a transaction. */
  redrive(rt: R, letter: StoredMessage, ctx: DeliveryContext): void;
}

/** What the local state holds for a node, for `sluice status` and the run summary. */
export interface NodeCounts {
  /** Buckets: how many objects. */
  objects?: number;
  /** Queues: messages waiting, in flight and delayed. */
  queue?: { visible: number; inFlight: number; delayed: number };
  /** Queues and functions: entries in the dead-letter destination. */
  deadLetters?: number;
  /** Notify nodes: how many emails the outbox holds. */
  emails?: number;
}

/** What the engine does with one kind of node. */
export interface KindEngine<N extends AnyNode, R extends RuntimeBase<N>> {
  /** The node as the engine runs it, before its edges are wired. */
  runtime(node: N, pipe: Pipeline, options: TopologyOptions): R;
  /** Wire one of its outgoing edges; `to` is the target's runtime. null: it wires nothing itself. */
  connect: ((from: R, edge: Edge, to: RuntimeBase, pipe: Pipeline) => void) | null;
  /** Take something delivered to it; returns a blob its write replaced, if any. null: nothing delivers to it. */
  receive: ((rt: R, notice: Notice, ctx: DeliveryContext) => string | undefined) | null;
  /** Start the work that falls due by the clock (schedules firing). null: it starts nothing by itself. */
  tick: ((rt: R, ctx: DeliveryContext, emit: (event: EngineEvent) => void) => void) | null;
  /** When `tick` next has something to do, after `now`. */
  nextDue: ((rt: R, store: EngineStore, now: number) => number | undefined) | null;
  /** Receive ready work from its sources and begin invocations, up to its concurrency. null: it runs nothing. */
  dispatch: ((rt: R & DispatchRuntime, ctx: DispatchContext) => void) | null;
  /** Its dead letters. null: it has none. */
  deadLetters: DeadLetterEngine<R> | null;
  /**
   * Look at what the turn changed, after its receives (which move messages into dead-letter queues):
   * notify's alarms on the dead letters it watches. null: it watches nothing.
   */
  watch: ((rt: R, ctx: DeliveryContext) => void) | null;
  /** What the state holds for it now. null: nothing worth counting. */
  counts: ((rt: R, store: EngineStore, now: number) => NodeCounts) | null;
}
