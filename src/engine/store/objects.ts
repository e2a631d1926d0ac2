/**
 * Object metadata per bucket: key, blob id, size, ETag, content type, user metadata, time and the
 * sequencer S3 puts in events. Bodies live in the blob store.
 */
import type { Db } from './database.js';
import type { ObjectStore } from './types.js';

/** An object's metadata. */
export interface ObjectRecord {
  bucket: string;
  key: string;
  blob: string;
  size: number;
  eTag: string;
  contentType?: string;
  metadata?: Record<string, string>;
  lastModified: number;
  sequencer: number;
}

/** A row of the objects table, as SQLite returns it. */
interface ObjectRow {
  bucket: string; key: string; blob: string; size: number; etag: string; last_modified: number; sequencer: number;
  content_type: string | null; metadata: string | null;
}

const toRecord = (r: ObjectRow): ObjectRecord => ({
  bucket: r.bucket, key: r.key, blob: r.blob, size: r.size, eTag: r.etag, lastModified: r.last_modified, sequencer: r.sequencer,
  ...(r.content_type ? { contentType: r.content_type } : {}), ...(r.metadata ? { metadata: JSON.parse(r.metadata) } : {}),
});

/** Object metadata over one SQLite database. */
export class Objects implements ObjectStore {
  private readonly s;
  private sequencer: number;
  constructor(db: Db) {
    this.s = {
      get: db.prepare('SELECT * FROM objects WHERE bucket = ? AND key = ?'),
      put: db.prepare(`INSERT INTO objects (bucket, key, blob, size, etag, content_type, metadata, last_modified, sequencer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (bucket, key) DO UPDATE SET blob = excluded.blob, size = excluded.size, etag = excluded.etag, content_type = excluded.content_type,
        metadata = excluded.metadata, last_modified = excluded.last_modified, sequencer = excluded.sequencer`),
      oldBlob: db.prepare('SELECT blob FROM objects WHERE bucket = ? AND key = ?').pluck(),
      list: db.prepare('SELECT * FROM objects WHERE bucket = ? AND key >= ? AND key > ? ORDER BY key LIMIT ?'),
      remove: db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ? RETURNING blob').pluck(),
      hasBlob: db.prepare('SELECT 1 FROM objects WHERE blob = ?').pluck(),
      maxSequencer: db.prepare('SELECT max(sequencer) FROM objects').pluck(),
      count: db.prepare('SELECT count(*) FROM objects WHERE bucket = ?').pluck(),
    };
    this.sequencer = Number(this.s.maxSequencer.get() ?? 0);
  }

  get(bucket: string, key: string): ObjectRecord | undefined {
    const r = this.s.get.get(bucket, key) as ObjectRow | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Insert or replace; returns the replaced blob id (to remove after commit) and the new sequencer. */
  put(o: Omit<ObjectRecord, 'sequencer'>): { replacedBlob?: string; sequencer: number } {
    const replaced = this.s.oldBlob.get(o.bucket, o.key) as string | undefined;
    const sequencer = ++this.sequencer;
    this.s.put.run(o.bucket, o.key, o.blob, o.size, o.eTag, o.contentType ?? null, o.metadata ? JSON.stringify(o.metadata) : null, o.lastModified, sequencer);
    return { ...(replaced && replaced !== o.blob ? { replacedBlob: replaced } : {}), sequencer };
  }

  /** Keys in order, from `prefix`, after `startAfter`. */
  list(bucket: string, prefix = '', limit = 1000, startAfter = ''): ObjectRecord[] {
    const out: ObjectRecord[] = [];
    for (const r of this.s.list.iterate(bucket, prefix, startAfter, limit) as Iterable<ObjectRow>) {
      if (!r.key.startsWith(prefix)) break;
      out.push(toRecord(r));
    }
    return out;
  }

  /** Delete; returns the removed blob id. */
  remove(bucket: string, key: string): string | undefined {
    return this.s.remove.get(bucket, key) as string | undefined;
  }

  /** Whether any object points at this blob. */
  references(blob: string): boolean {
    return this.s.hasBlob.get(blob) !== undefined;
  }

  count(bucket: string): number {
    return Number(this.s.count.get(bucket));
  }
}
