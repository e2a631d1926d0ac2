/**
 * The engine's store: one SQLite database (file or memory) with its message channels, object
 * metadata, table items, schedules, settings, lineage, payloads and idempotency records, plus the
 * blob store for object and payload bodies.
 */
import { openDatabase, Meta, type Db } from './database.js';
import { Messages } from './messages.js';
import { Objects } from './objects.js';
import { Items } from './items.js';
import { Lineage } from './lineage.js';
import { Payloads } from './payloads.js';
import { Idempotency } from './idempotency.js';
import type { BlobStore } from '../blobs.js';
import type { EngineStore } from './types.js';
import { Executions } from './executions.js';
import { Activity } from './activity.js';

/** Everything the engine persists, in SQLite. */
export class Store implements EngineStore {
  readonly db: Db;
  readonly meta: Meta;
  readonly messages: Messages;
  readonly objects: Objects;
  readonly items: Items;
  readonly lineage: Lineage;
  readonly payloads: Payloads;
  readonly idempotency: Idempotency;
  readonly executions: Executions;
  readonly activity: Activity;
  private readonly scheduleGet;
  private readonly scheduleSet;

  readonly blobs: BlobStore;
  readonly keepsPayloads = false;

  /** Open the database at `path`; `blobs` makes the blob store (which may keep blobs in the database). */
  constructor(path: string, blobs: (db: Db) => BlobStore) {
    this.db = openDatabase(path);
    this.blobs = blobs(this.db);
    this.meta = new Meta(this.db);
    this.messages = new Messages(this.db);
    this.objects = new Objects(this.db);
    this.items = new Items(this.db);
    this.lineage = new Lineage(this.db);
    this.payloads = new Payloads(this.db);
    this.idempotency = new Idempotency(this.db);
    this.executions = new Executions(this.db);
    this.activity = new Activity(this.db);
    this.scheduleGet = this.db.prepare('SELECT started_at AS startedAt, last_fired_at AS lastFiredAt FROM schedules WHERE name = ?');
    this.scheduleSet = this.db.prepare('INSERT INTO schedules (name, started_at, last_fired_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET last_fired_at = excluded.last_fired_at');
  }

  /** Run `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  /** Run `fn` in a savepoint: if it throws, only its writes roll back (better-sqlite3 nests transactions as savepoints). */
  savepoint<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** A schedule's start and last fire, creating it at `now` when new. */
  schedule(name: string, now: number): { startedAt: number; lastFiredAt: number | null } {
    const r = this.scheduleGet.get(name) as { startedAt: number; lastFiredAt: number | null } | undefined;
    if (r) return r;
    this.scheduleSet.run(name, now, null);
    return { startedAt: now, lastFiredAt: null };
  }

  /** Record a schedule's fire. */
  scheduleFired(name: string, startedAt: number, at: number): void {
    this.scheduleSet.run(name, startedAt, at);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export type { Db };
export type { EngineStore, MessageStore, ObjectStore, ItemStore } from './types.js';
export { Messages, Objects, Items, Lineage, Payloads, Idempotency };
