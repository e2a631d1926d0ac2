/**
 * The store contract the engine runs on. Two backends implement it: SQLite (durable, `sluice run`)
 * and plain JavaScript structures (in memory, unit tests). `test/engine/store.test.ts` runs the same
 * cases against both.
 */
import type { BlobStore } from '../blobs.js';
import type { NewMessage, ReceiveOptions, StoredMessage } from './messages.js';
import type { ObjectRecord } from './objects.js';
import type { Item, KeySchema } from './items.js';
import type { IngestionStep } from '../../envelope/ingestion-step.js';
import type { ExecutionStore } from './executions.js';
import type { ActivityStore } from './activity.js';

/** Message channels with SQS semantics. */
export interface MessageStore {
  send(channel: string, message: NewMessage, now: number): number;
  receive(channel: string, options: ReceiveOptions, now: number): StoredMessage[];
  /** How many messages are visible now (counting at most `max`) and since when the oldest has been. */
  peekVisible(channel: string, now: number, max: number): { count: number; oldestVisibleAt: number | undefined };
  ack(seq: number, receipt: string): boolean;
  setVisibleAt(seq: number, receipt: string, visibleAt: number): boolean;
  /** End a receive without deleting: the message comes back at `visibleAt` (an async retry's back-off). */
  retryAt(seq: number, receipt: string, visibleAt: number): boolean;
  /**
   * Make every message still in flight visible now: called by an engine that holds the state's lock
   * at start, for the messages a crashed predecessor had received. Returns how many.
   */
  releaseInFlight(now: number): number;
  /** Messages in these channels, in flight or not. */
  pending(channels: string[]): number;
  move(seq: number, channel: string, now: number, retentionMs: number, info?: string | null): void;
  remove(seq: number): void;
  get(seq: number): StoredMessage | undefined;
  /** Messages of a channel, oldest first; with `now`, only those not past their retention. */
  list(channel: string, limit?: number, now?: number): StoredMessage[];
  /** Record the error of a failed receive on the message (shown with it in the DLQ). */
  noteError(seq: number, receipt: string, error: object): void;
  counts(channel: string, now: number): { visible: number; inFlight: number; delayed: number; total: number };
  nextDueAfter(now: number, channels: string[]): number | undefined;
  /** How many messages were ever sent (for tests of exactly-once effects). */
  sentTotal(): number;
}

/** Object metadata. */
export interface ObjectStore {
  get(bucket: string, key: string): ObjectRecord | undefined;
  put(o: Omit<ObjectRecord, 'sequencer'>): { replacedBlob?: string; sequencer: number };
  list(bucket: string, prefix?: string, limit?: number, startAfter?: string): ObjectRecord[];
  remove(bucket: string, key: string): string | undefined;
  references(blob: string): boolean;
  count(bucket: string): number;
}

/** Table items. */
export interface ItemStore {
  get(schema: KeySchema, key: Item): Item | undefined;
  put(schema: KeySchema, item: Item): void;
  remove(schema: KeySchema, key: Item): void;
  query(schema: KeySchema, partitionValue: unknown, limit?: number, descending?: boolean): Item[];
  scan(schema: KeySchema, limit?: number): Item[];
}

/** Ingestion steps (lineage): one per execution, written in the transaction of the outputs it describes. */
export interface LineageStore {
  record(step: IngestionStep): void;
  /** Record a step already serialized (by a worker thread), as `record(JSON.parse(json))` would. */
  recordJson(ingestionId: string, node: string, startedAt: string, json: string): void;
  get(ingestionId: string): IngestionStep | undefined;
  /** The most recently recorded steps, newest first, optionally of one node. */
  recent(limit?: number, node?: string): IngestionStep[];
  count(): number;
}

/** An offloaded envelope body: its blob, and how many undelivered messages still point at it. */
export interface PayloadRecord {
  key: string;
  blob: string;
  size: number;
  contentType: string;
  ingestionId: string;
  /** Messages referring to it that are not yet consumed (one per delivery of the envelope). */
  refs: number;
  createdAt: number;
}

/** Offloaded envelope bodies (the local payload bucket). */
export interface PayloadStore {
  put(payload: PayloadRecord): void;
  get(key: string): PayloadRecord | undefined;
  /** One consumer is done with it: drop a reference; returns the blob to remove when none is left. */
  release(key: string): string | undefined;
  references(blob: string): boolean;
  /** Remove payloads created before `before` (the lifecycle rule); returns their blobs. */
  expire(before: number): string[];
  count(): number;
  /** Every payload, by key. */
  list(): PayloadRecord[];
}

/** What an idempotency record says when a step begins an input. */
export type IdempotencyState = { status: 'new' } | { status: 'completed'; ingestionId: string } | { status: 'in-progress' };

/** Idempotency records: per function and key, in progress until a time, or completed until a time. */
export interface IdempotencyStore {
  /** Claim the key until `inProgressUntil` unless a live record holds it; says which. */
  begin(node: string, key: string, now: number, inProgressUntil: number): IdempotencyState;
  complete(node: string, key: string, ingestionId: string, expiresAt: number): void;
  /** Drop an in-progress claim (a completed record stays). */
  release(node: string, key: string): void;
}

/** Everything the engine persists. */
export interface EngineStore {
  readonly messages: MessageStore;
  readonly objects: ObjectStore;
  readonly items: ItemStore;
  readonly lineage: LineageStore;
  readonly payloads: PayloadStore;
  readonly idempotency: IdempotencyStore;
  /** Flow executions (written outside transactions: an execution outlives many of them). */
  readonly executions: ExecutionStore;
  /** What the engine ran: counters and recent invocations per node (for the console). */
  readonly activity: ActivityStore;
  readonly blobs: BlobStore;
  /** Whether async events are kept as values (`payload`) rather than JSON text. */
  readonly keepsPayloads: boolean;
  readonly meta: { get(key: string): string | undefined; set(key: string, value: string): void };
  /** Run `fn` atomically; nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T;
  /** Run `fn` so that if it throws, only its own writes are undone (a savepoint inside a transaction). */
  savepoint<T>(fn: () => T): T;
  schedule(name: string, now: number): { startedAt: number; lastFiredAt: number | null };
  scheduleFired(name: string, startedAt: number, at: number): void;
  close(): void;
}
