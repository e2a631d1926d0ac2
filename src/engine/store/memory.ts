/**
 * The in-memory store for unit tests: the same contract as the SQLite store (types.ts), in plain
 * JavaScript structures, so `localPipeline()` starts in microseconds and runs several times faster.
 * Transactions and savepoints roll back through an undo log; items round-trip through JSON exactly
 * as they do in SQLite.
 */
import { InputError, InternalError } from '../../model/errors.js';
import type { BlobStore } from '../blobs.js';
import { keyOf, encodeKeyValue, MAX_ITEM_BYTES, type Item, type KeySchema } from './items.js';
import type { ObjectRecord } from './objects.js';
import type { EngineStore, ItemStore, ObjectStore } from './types.js';
import { MemoryMessages } from './memory-messages.js';
import { UndoLog } from './undo-log.js';
import { MemoryIdempotency, MemoryLineage, MemoryPayloads } from './memory-components.js';
import { MemoryExecutions } from './executions.js';
import { MemoryActivity } from './activity.js';
import { readFileSync, unlinkSync } from 'node:fs';

/** In-memory object metadata. */
class MemoryObjects implements ObjectStore {
  private readonly buckets = new Map<string, Map<string, ObjectRecord>>();
  private sequencer = 0;
  constructor(private readonly log: UndoLog) {}

  private bucket(name: string): Map<string, ObjectRecord> {
    let b = this.buckets.get(name);
    if (!b) this.buckets.set(name, (b = new Map()));
    return b;
  }

  private set(bucket: string, key: string, record: ObjectRecord | undefined): void {
    const b = this.bucket(bucket);
    const before = b.get(key);
    if (record) b.set(key, record);
    else b.delete(key);
    this.log.record(() => (before ? b.set(key, before) : b.delete(key)));
  }

  get(bucket: string, key: string): ObjectRecord | undefined {
    const r = this.buckets.get(bucket)?.get(key);
    return r ? { ...r } : undefined;
  }

  put(o: Omit<ObjectRecord, 'sequencer'>): { replacedBlob?: string; sequencer: number } {
    const replaced = this.buckets.get(o.bucket)?.get(o.key)?.blob;
    const sequencer = ++this.sequencer;
    this.set(o.bucket, o.key, { ...o, sequencer });
    return { ...(replaced && replaced !== o.blob ? { replacedBlob: replaced } : {}), sequencer };
  }

  list(bucket: string, prefix = '', limit = 1000, startAfter = ''): ObjectRecord[] {
    const keys = [...(this.buckets.get(bucket)?.keys() ?? [])].filter((k) => k.startsWith(prefix) && k > startAfter).sort();
    return keys.slice(0, limit).map((k) => ({ ...this.buckets.get(bucket)!.get(k)! }));
  }

  remove(bucket: string, key: string): string | undefined {
    const r = this.buckets.get(bucket)?.get(key);
    if (r) this.set(bucket, key, undefined);
    return r?.blob;
  }

  references(blob: string): boolean {
    for (const b of this.buckets.values()) for (const r of b.values()) if (r.blob === blob) return true;
    return false;
  }

  count(bucket: string): number {
    return this.buckets.get(bucket)?.size ?? 0;
  }
}

interface StoredItem {
  pk: string;
  sk: string;
  skNumber: number | null;
  text: string;
}

/** In-memory table items, stored as JSON text like the SQLite store. */
class MemoryItems implements ItemStore {
  private readonly tables = new Map<string, Map<string, StoredItem>>();
  constructor(private readonly log: UndoLog) {}

  private table(name: string): Map<string, StoredItem> {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Map()));
    return t;
  }

  private set(table: string, id: string, item: StoredItem | undefined): void {
    const t = this.table(table);
    const before = t.get(id);
    if (item) t.set(id, item);
    else t.delete(id);
    this.log.record(() => (before ? t.set(id, before) : t.delete(id)));
  }

  get(schema: KeySchema, key: Item): Item | undefined {
    const { pk, sk } = keyOf(schema, key, 'key');
    const found = this.tables.get(schema.table)?.get(`${pk}\0${sk}`);
    return found ? JSON.parse(found.text) : undefined;
  }

  put(schema: KeySchema, item: Item): void {
    const { pk, sk, skNumber } = keyOf(schema, item, 'item');
    const text = JSON.stringify(item);
    if (Buffer.byteLength(text) > MAX_ITEM_BYTES) {
      throw new InputError('SLUICE_E_ITEM_TOO_LARGE', `table '${schema.table}': an item may be at most 400 KB (given ${Buffer.byteLength(text)} bytes, DDB-04); store large values in a bucket and keep the key`);
    }
    this.set(schema.table, `${pk}\0${sk}`, { pk, sk, skNumber, text });
  }

  remove(schema: KeySchema, key: Item): void {
    const { pk, sk } = keyOf(schema, key, 'key');
    this.set(schema.table, `${pk}\0${sk}`, undefined);
  }

  query(schema: KeySchema, partitionValue: unknown, limit = 1000, descending = false): Item[] {
    const pk = encodeKeyValue(schema.table, schema.partitionKey, partitionValue);
    const rows = [...(this.tables.get(schema.table)?.values() ?? [])].filter((r) => r.pk === pk).sort(bySortKey);
    if (descending) rows.reverse();
    return rows.slice(0, limit).map((r) => JSON.parse(r.text));
  }

  scan(schema: KeySchema, limit = 1000): Item[] {
    const rows = [...(this.tables.get(schema.table)?.values() ?? [])].sort((a, b) => (a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : bySortKey(a, b)));
    return rows.slice(0, limit).map((r) => JSON.parse(r.text));
  }
}

// The SQLite store orders by (sk_number, sk): numbers first for N sort keys, text otherwise.
function bySortKey(a: StoredItem, b: StoredItem): number {
  if (a.skNumber !== null && b.skNumber !== null && a.skNumber !== b.skNumber) return a.skNumber - b.skNumber;
  return a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0;
}

/** In-memory object bodies, undoable. */
class MemoryBlobs implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  private next = 0;
  constructor(private readonly log: UndoLog) {}
  write(data: Uint8Array): string {
    const id = `m${++this.next}`;
    this.blobs.set(id, Buffer.from(data)); // a copy: the caller may reuse its buffer
    this.log.record(() => this.blobs.delete(id));
    return id;
  }
  adopt(path: string): string {
    const id = this.write(readFileSync(path));
    unlinkSync(path);
    return id;
  }
  read(id: string): Buffer {
    const b = this.blobs.get(id);
    if (!b) throw new InternalError(`blob ${id} is missing from the store`);
    return b;
  }
  readAsync(id: string): Promise<Buffer> {
    return Promise.resolve().then(() => this.read(id));
  }
  pathOf(): undefined {
    return undefined;
  }
  remove(id: string): void {
    const b = this.blobs.get(id);
    if (!b) return;
    this.blobs.delete(id);
    this.log.record(() => this.blobs.set(id, b));
  }
  sweep(referenced: (id: string) => boolean): number {
    let removed = 0;
    for (const id of [...this.blobs.keys()]) {
      if (referenced(id)) continue;
      this.blobs.delete(id);
      removed++;
    }
    return removed;
  }
}

/** The whole in-memory store. */
export class MemoryStore implements EngineStore {
  private readonly log = new UndoLog();
  readonly messages = new MemoryMessages(this.log);
  readonly objects = new MemoryObjects(this.log);
  readonly items = new MemoryItems(this.log);
  readonly blobs = new MemoryBlobs(this.log);
  readonly lineage = new MemoryLineage(this.log);
  readonly payloads = new MemoryPayloads(this.log);
  readonly idempotency = new MemoryIdempotency(this.log);
  readonly executions = new MemoryExecutions();
  readonly activity = new MemoryActivity();
  readonly keepsPayloads = true;
  private readonly settings = new Map<string, string>();
  private readonly schedules = new Map<string, { startedAt: number; lastFiredAt: number | null }>();
  readonly meta = { get: (key: string) => this.settings.get(key), set: (key: string, value: string) => void this.settings.set(key, value) };

  transaction<T>(fn: () => T): T {
    return this.log.active ? fn() : this.log.run(fn);
  }

  savepoint<T>(fn: () => T): T {
    return this.log.run(fn);
  }

  schedule(name: string, now: number): { startedAt: number; lastFiredAt: number | null } {
    let s = this.schedules.get(name);
    if (!s) this.schedules.set(name, (s = { startedAt: now, lastFiredAt: null }));
    return { ...s };
  }

  scheduleFired(name: string, startedAt: number, at: number): void {
    const before = this.schedules.get(name);
    this.schedules.set(name, { startedAt, lastFiredAt: at });
    this.log.record(() => (before ? this.schedules.set(name, before) : this.schedules.delete(name)));
  }

  close(): void {}
}
