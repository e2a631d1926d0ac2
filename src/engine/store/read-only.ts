/**
 * A stage's local state opened read-only: objects, their bodies and ingestion steps, read straight
 * from `state.db` and `blobs/` without opening an engine (which would sweep blobs, expire payloads and
 * take over in-flight work). Branches read main's data through it and can never write main's state.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestionStep } from '../../envelope/ingestion-step.js';
import type { ObjectRecord } from './objects.js';
import { INGESTION_ID_METADATA } from '../../envelope/lineage.js';

/** Read-only access to a local stage's objects and lineage. */
export interface ReadOnlyState {
  /** The objects of a bucket, in key order. */
  objects(bucket: string): ObjectRecord[];
  /**
   * The keys of a bucket in key order, streamed, with each object's write time and ingestion id (from
   * its metadata) and nothing else: one query, no body or other metadata read (picking a replay sample).
   */
  keys(bucket: string): IterableIterator<KeyEntry>;
  /** One object by key, or undefined. */
  object(bucket: string, key: string): ObjectRecord | undefined;
  /** An object's bytes. */
  body(record: ObjectRecord): Buffer;
  /** The file holding an object's bytes, when they are in a file (large bodies). */
  pathOf(record: ObjectRecord): string | undefined;
  /** One ingestion step by its id. */
  step(ingestionId: string): IngestionStep | undefined;
  close(): void;
}

/** An object's key with what picking it needs (`ReadOnlyState.keys`). */
export interface KeyEntry {
  key: string;
  lastModified: number;
  /** Its `ingestion-id` metadata: the lineage it was written by, absent for a root input or a job's output. */
  ingestionId?: string;
}

interface Row {
  bucket: string; key: string; blob: string; size: number; etag: string; last_modified: number; sequencer: number;
  content_type: string | null; metadata: string | null;
}

/** Whether `stateDir` holds a local stage's state. */
export function hasState(stateDir: string): boolean {
  return existsSync(join(stateDir, 'state.db'));
}

/**
 * Open the state in `stateDir` read-only (SQLite's `readonly`: a write would fail, none is attempted).
 * @example const main = openReadOnlyState('.sluice/local'); main.objects('raw').length
 */
export function openReadOnlyState(stateDir: string): ReadOnlyState {
  const db = new Database(join(stateDir, 'state.db'), { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  const hasBlobs = Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'blobs'").get());
  const s = {
    objects: db.prepare('SELECT * FROM objects WHERE bucket = ? ORDER BY key'),
    object: db.prepare('SELECT * FROM objects WHERE bucket = ? AND key = ?'),
    keys: db.prepare(`SELECT key, last_modified, json_extract(metadata, '$."${INGESTION_ID_METADATA}"') FROM objects WHERE bucket = ? ORDER BY key`).raw(),
    blob: hasBlobs ? db.prepare('SELECT data FROM blobs WHERE id = ?').pluck() : undefined,
    step: db.prepare('SELECT record FROM ingestion_steps WHERE ingestion_id = ?').pluck(),
  };
  const blobFile = (id: string) => join(stateDir, 'blobs', id.slice(1, 3), id.slice(1));
  const record = (r: Row): ObjectRecord => ({
    bucket: r.bucket, key: r.key, blob: r.blob, size: r.size, eTag: r.etag, lastModified: r.last_modified, sequencer: r.sequencer,
    ...(r.content_type ? { contentType: r.content_type } : {}), ...(r.metadata ? { metadata: JSON.parse(r.metadata) as Record<string, string> } : {}),
  });
  return {
    objects: (bucket) => (s.objects.all(bucket) as Row[]).map(record),
    keys: function* (bucket) {
      for (const [key, lastModified, id] of s.keys.iterate(bucket) as Iterable<[string, number, unknown]>) {
        yield typeof id === 'string' && id ? { key, lastModified, ingestionId: id } : { key, lastModified };
      }
    },
    object: (bucket, key) => {
      const row = s.object.get(bucket, key) as Row | undefined;
      return row ? record(row) : undefined;
    },
    body: (record) => {
      if (record.blob.startsWith('f')) return readFileSync(blobFile(record.blob));
      const data = s.blob?.get(Number(record.blob.slice(1))) as Buffer | undefined;
      return data ?? Buffer.alloc(0);
    },
    pathOf: (record) => (record.blob.startsWith('f') ? blobFile(record.blob) : undefined),
    step: (id) => {
      const text = s.step.get(id) as string | undefined;
      return text ? (JSON.parse(text) as IngestionStep) : undefined;
    },
    close: () => db.close(),
  };
}

