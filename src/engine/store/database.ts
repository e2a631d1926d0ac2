/**
 * The engine's SQLite database: one per project and stage (WAL, so readers never block the writer),
 * or in memory for unit tests. Holds queues, object metadata, table items, schedules, settings,
 * ingestion steps (lineage), offloaded envelope bodies and idempotency records.
 * better-sqlite3 is synchronous, which is what makes one-transaction commits of a whole group of
 * invocations cheap.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { InputError } from '../../model/errors.js';
import { dirname } from 'node:path';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
  bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  content_type TEXT, metadata TEXT, last_modified INTEGER NOT NULL, sequencer INTEGER NOT NULL,
  PRIMARY KEY (bucket, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_blob ON objects (blob);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
  attributes TEXT, sent_at INTEGER NOT NULL, visible_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0, first_receive_at INTEGER, receipt TEXT,
  expires_at INTEGER NOT NULL, info TEXT);
CREATE INDEX IF NOT EXISTS messages_visible ON messages (channel, visible_at, seq);
CREATE TABLE IF NOT EXISTS items (
  tbl TEXT NOT NULL, pk TEXT NOT NULL, sk TEXT NOT NULL, sk_number REAL, item TEXT NOT NULL,
  PRIMARY KEY (tbl, pk, sk)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS schedules (name TEXT PRIMARY KEY, started_at INTEGER NOT NULL, last_fired_at INTEGER);
CREATE TABLE IF NOT EXISTS ingestion_steps (
  seq INTEGER PRIMARY KEY, ingestion_id TEXT NOT NULL UNIQUE, node TEXT NOT NULL, started_at TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS payloads (
  key TEXT PRIMARY KEY, blob TEXT NOT NULL, size INTEGER NOT NULL, content_type TEXT NOT NULL, ingestion_id TEXT NOT NULL,
  refs INTEGER NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS payloads_blob ON payloads (blob);
CREATE TABLE IF NOT EXISTS idempotency (
  node TEXT NOT NULL, key TEXT NOT NULL, status TEXT NOT NULL, ingestion_id TEXT, expires_at INTEGER NOT NULL,
  PRIMARY KEY (node, key)) WITHOUT ROWID;
`;

/**
 * Create the local state folder if it is missing.
 * @throws InputError `SLUICE_E_STATE_DIR` when it is a file.
 */
export function ensureStateDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InputError('SLUICE_E_STATE_DIR', `the local state folder '${dir}' is a file, not a folder; give --state a folder (it is created if missing)`, { field: '--state', given: dir });
  }
  mkdirSync(dir, { recursive: true });
}

/**
 * Open (creating if needed) the database at `path`, or an in-memory one for `':memory:'`.
 * @throws InputError `SLUICE_E_STATE_DIR` when the state folder is a file; `SLUICE_E_STATE_CORRUPT`
 *   when the database is damaged or not a database (it is the user's data: it is never deleted).
 */
export function openDatabase(path: string): Db {
  if (path === ':memory:') {
    const db = new Database(path);
    db.exec(SCHEMA);
    return db;
  }
  ensureStateDir(dirname(path));
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (SIGKILL) without losing a commit; only a power
    // loss can drop the last transactions, which is acceptable for a development engine.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    // A file that is not a database, or whose header or schema is damaged, fails here. (A whole-file
    // check on every open would cost seconds on a large state; damage deeper in fails where it is read.)
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
      throw new InputError('SLUICE_E_STATE_CORRUPT', `the local state database '${path}' is damaged (SQLite: ${(error as Error).message}); it holds your local objects, queues and tables, so sluice leaves it as it is: move it aside (mv '${path}' '${path}.damaged') to start afresh, or restore it from a copy`, { field: '--state', given: path });
    }
    throw error;
  }
}

/** Read and write settings in the meta table. */
export class Meta {
  private readonly getStmt;
  private readonly setStmt;
  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.setStmt = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }
  get(key: string): string | undefined {
    return this.getStmt.get(key) as string | undefined;
  }
  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }
}
