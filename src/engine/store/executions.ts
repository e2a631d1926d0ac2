/**
 * Flow executions in the local state: one record per execution, its status and each job's progress,
 * kept as JSON (it is read whole and written at each job's start and end, never queried inside).
 */
import type { Db } from './database.js';

/** A job's progress in one execution. */
export interface JobProgress {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startedAt: number;
  durationMs?: number;
  attempts: number;
  error?: string;
  cause?: string;
}

/** One execution of a flow. */
export interface ExecutionRecord {
  /** Unique id (a local execution ARN's last part). */
  id: string;
  /** The execution's name (given, or the id). */
  name: string;
  flow: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** Who started it: `trigger` or `schedule:<name>`. */
  source: string;
  startedAt: number;
  stoppedAt?: number;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  failedJob?: string;
  jobs: Record<string, JobProgress>;
}

/** Flow executions, by id. */
export interface ExecutionStore {
  put(record: ExecutionRecord): void;
  get(id: string): ExecutionRecord | undefined;
  /** A flow's executions, newest first. */
  list(flow: string, limit?: number): ExecutionRecord[];
}

export const EXECUTIONS_SCHEMA = `CREATE TABLE IF NOT EXISTS flow_executions (
  id TEXT PRIMARY KEY, flow TEXT NOT NULL, started_at INTEGER NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS flow_executions_by_flow ON flow_executions (flow, started_at);`;

/** Executions in the SQLite state. */
export class Executions implements ExecutionStore {
  private readonly s;
  constructor(db: Db) {
    db.exec(EXECUTIONS_SCHEMA);
    this.s = {
      put: db.prepare('INSERT INTO flow_executions (id, flow, started_at, json) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json'),
      get: db.prepare('SELECT json FROM flow_executions WHERE id = ?').pluck(),
      list: db.prepare('SELECT json FROM flow_executions WHERE flow = ? ORDER BY started_at DESC, rowid DESC LIMIT ?').pluck(),
    };
  }
  put(r: ExecutionRecord): void {
    this.s.put.run(r.id, r.flow, r.startedAt, JSON.stringify(r));
  }
  get(id: string): ExecutionRecord | undefined {
    const json = this.s.get.get(id) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as ExecutionRecord);
  }
  list(flow: string, limit = 100): ExecutionRecord[] {
    return (this.s.list.all(flow, limit) as string[]).map((j) => JSON.parse(j) as ExecutionRecord);
  }
}

/** Executions in memory (copies in and out, as the database would). */
export class MemoryExecutions implements ExecutionStore {
  private readonly records = new Map<string, string>();
  put(r: ExecutionRecord): void {
    this.records.set(r.id, JSON.stringify(r));
  }
  get(id: string): ExecutionRecord | undefined {
    const json = this.records.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as ExecutionRecord);
  }
  list(flow: string, limit = 100): ExecutionRecord[] {
    return [...this.records.values()].map((j) => JSON.parse(j) as ExecutionRecord).filter((r) => r.flow === flow).reverse().sort((a, b) => b.startedAt - a.startedAt).slice(0, limit);
  }
}
