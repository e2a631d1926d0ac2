/**
 * Idempotency records in SQLite: per function and key, `in-progress` (claimed by an execution, until
 * its invocation's deadline) or `completed` (with the ingestion id that processed it, until its TTL).
 * An expired record counts as absent. The completed state is written in the commit of the outputs.
 */
import type { Db } from './database.js';
import type { IdempotencyState, IdempotencyStore } from './types.js';

/** Idempotency records over one SQLite database. */
export class Idempotency implements IdempotencyStore {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      get: db.prepare('SELECT status, ingestion_id AS ingestionId, expires_at AS expiresAt FROM idempotency WHERE node = ? AND key = ?'),
      set: db.prepare(`INSERT INTO idempotency (node, key, status, ingestion_id, expires_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (node, key) DO UPDATE SET status = excluded.status, ingestion_id = excluded.ingestion_id, expires_at = excluded.expires_at`),
      release: db.prepare("DELETE FROM idempotency WHERE node = ? AND key = ? AND status = 'in-progress'"),
    };
  }

  begin(node: string, key: string, now: number, inProgressUntil: number): IdempotencyState {
    const r = this.s.get.get(node, key) as { status: string; ingestionId: string | null; expiresAt: number } | undefined;
    if (r && r.expiresAt > now) return r.status === 'completed' ? { status: 'completed', ingestionId: r.ingestionId ?? '' } : { status: 'in-progress' };
    this.s.set.run(node, key, 'in-progress', null, inProgressUntil);
    return { status: 'new' };
  }

  complete(node: string, key: string, ingestionId: string, expiresAt: number): void {
    this.s.set.run(node, key, 'completed', ingestionId, expiresAt);
  }

  release(node: string, key: string): void {
    this.s.release.run(node, key);
  }
}
