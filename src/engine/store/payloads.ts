/**
 * Offloaded envelope bodies in SQLite: the local payload bucket. Each row counts the messages still
 * pointing at its body; the consumer of the last one removes it, and the lifecycle rule (`expire`)
 * removes any a message never came back for (expired or dead-lettered and never redriven).
 */
import type { Db } from './database.js';
import type { PayloadRecord, PayloadStore } from './types.js';

/** A row of the payloads table, as SQLite returns it. */
interface PayloadRow { key: string; blob: string; size: number; content_type: string; ingestion_id: string; refs: number; created_at: number }

const row = (r: PayloadRow): PayloadRecord => ({ key: r.key, blob: r.blob, size: r.size, contentType: r.content_type, ingestionId: r.ingestion_id, refs: r.refs, createdAt: r.created_at });

/** Payloads over one SQLite database. */
export class Payloads implements PayloadStore {
  private readonly s;
  constructor(private readonly db: Db) {
    this.s = {
      put: db.prepare(`INSERT INTO payloads (key, blob, size, content_type, ingestion_id, refs, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET refs = refs + excluded.refs`),
      get: db.prepare('SELECT * FROM payloads WHERE key = ?'),
      release: db.prepare('UPDATE payloads SET refs = refs - 1 WHERE key = ? RETURNING refs, blob'),
      remove: db.prepare('DELETE FROM payloads WHERE key = ?'),
      hasBlob: db.prepare('SELECT 1 FROM payloads WHERE blob = ?').pluck(),
      expired: db.prepare('DELETE FROM payloads WHERE created_at < ? RETURNING blob').pluck(),
      count: db.prepare('SELECT count(*) FROM payloads').pluck(),
      list: db.prepare('SELECT * FROM payloads ORDER BY key'),
    };
  }

  put(p: PayloadRecord): void {
    this.s.put.run(p.key, p.blob, p.size, p.contentType, p.ingestionId, p.refs, p.createdAt);
  }

  get(key: string): PayloadRecord | undefined {
    const r = this.s.get.get(key) as PayloadRow | undefined;
    return r ? row(r) : undefined;
  }

  release(key: string): string | undefined {
    const r = this.s.release.get(key) as { refs: number; blob: string } | undefined;
    if (!r || r.refs > 0) return undefined;
    this.s.remove.run(key);
    return r.blob;
  }

  references(blob: string): boolean {
    return this.s.hasBlob.get(blob) !== undefined;
  }

  expire(before: number): string[] {
    return this.s.expired.all(before) as string[];
  }

  count(): number {
    return Number(this.s.count.get());
  }

  list(): PayloadRecord[] {
    return (this.s.list.all() as PayloadRow[]).map(row);
  }
}
