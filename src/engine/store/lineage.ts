/**
 * Ingestion steps (lineage) in SQLite: one row per execution, the step as JSON, found by its ingestion
 * id. Written by the engine's commit in the same transaction as the outputs the step describes. The
 * rows go in insertion order (a rowid table) and the ids, time-ordered, into a small unique index:
 * a kilobyte row keyed by a random id cost ten times as much to insert.
 */
import type { Db } from './database.js';
import type { LineageStore } from './types.js';
import type { IngestionStep } from '../../envelope/ingestion-step.js';

/** Ingestion steps over one SQLite database. */
export class Lineage implements LineageStore {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare('INSERT OR REPLACE INTO ingestion_steps (ingestion_id, node, started_at, record) VALUES (?, ?, ?, ?)'),
      get: db.prepare('SELECT record FROM ingestion_steps WHERE ingestion_id = ?').pluck(),
      recent: db.prepare('SELECT record FROM ingestion_steps ORDER BY seq DESC LIMIT ?').pluck(),
      recentOf: db.prepare('SELECT record FROM ingestion_steps WHERE node = ? ORDER BY seq DESC LIMIT ?').pluck(),
      count: db.prepare('SELECT count(*) FROM ingestion_steps').pluck(),
    };
  }

  record(step: IngestionStep): void {
    this.s.insert.run(step.ingestionId, step.artifactName, step.startedAt, JSON.stringify(step));
  }

  recordJson(ingestionId: string, node: string, startedAt: string, json: string): void {
    this.s.insert.run(ingestionId, node, startedAt, json);
  }

  get(ingestionId: string): IngestionStep | undefined {
    const text = this.s.get.get(ingestionId) as string | undefined;
    return text ? JSON.parse(text) : undefined;
  }

  recent(limit = 100, node?: string): IngestionStep[] {
    return ((node ? this.s.recentOf.all(node, limit) : this.s.recent.all(limit)) as string[]).map((t) => JSON.parse(t));
  }

  count(): number {
    return Number(this.s.count.get());
  }
}
