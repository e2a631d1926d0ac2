/**
 * What the local engine has run, kept in its state so another process (`sluice console`) sees it:
 * each node's counters (invocations, failures, retries, dead-lettered) over the state's life, and
 * its most recent invocations with their logs, heartbeats and timings (the last `KEEP_PER_NODE`).
 * Written in the transaction that commits the invocations, so what the console shows was committed.
 */
import type { Db } from './database.js';

/** One finished invocation of a step, as the console lists it. */
export interface InvocationRecord {
  node: string;
  requestId: string;
  /** When it was committed (ms since the epoch). */
  at: number;
  ok: boolean;
  durationMs: number;
  /** Inputs it was given (messages or events). */
  records: number;
  failedRecords: number;
  error?: { errorType: string; errorMessage: string; code?: string };
  /** Its `ctx.log` lines (the first 50). */
  logs: Array<{ at: string; message: string; data?: Record<string, unknown> }>;
  /** Pylon heartbeats: whether this was the step's first invocation (`start`), and how many inputs it processed (`core_process`). */
  started: boolean;
  executions: number;
  /** The step function's own time and the framework's I/O with it, summed over its inputs (ms). */
  coreMs: number;
  totalMs: number;
}

/** A node's counters over the state's life. */
export interface ActivityCounters {
  invocations: number;
  failures: number;
  retries: number;
  deadLettered: number;
}

/** Invocations and counters, in the store. */
export interface ActivityStore {
  /** Add finished invocations and counter increments (by node). */
  record(invocations: readonly InvocationRecord[], increments: ReadonlyMap<string, ActivityCounters>): void;
  /** A node's most recent invocations, newest first. */
  recent(node: string, limit?: number): InvocationRecord[];
  /** Every node's counters. */
  counters(): Record<string, ActivityCounters>;
}

/** How many invocations are kept per node. */
export const KEEP_PER_NODE = 200;

export const ACTIVITY_SCHEMA = `CREATE TABLE IF NOT EXISTS invocations (seq INTEGER PRIMARY KEY, node TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS invocations_by_node ON invocations (node, seq);
CREATE TABLE IF NOT EXISTS node_counters (node TEXT PRIMARY KEY, invocations INTEGER NOT NULL, failures INTEGER NOT NULL, retries INTEGER NOT NULL, dead_lettered INTEGER NOT NULL) WITHOUT ROWID;`;

/** Activity in the SQLite state. */
export class Activity implements ActivityStore {
  private readonly s;
  private sincePrune = new Map<string, number>();
  constructor(db: Db) {
    db.exec(ACTIVITY_SCHEMA);
    this.s = {
      insert: db.prepare('INSERT INTO invocations (node, json) VALUES (?, ?)'),
      prune: db.prepare('DELETE FROM invocations WHERE node = ? AND seq <= (SELECT seq FROM invocations WHERE node = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)'),
      recent: db.prepare('SELECT json FROM invocations WHERE node = ? ORDER BY seq DESC LIMIT ?').pluck(),
      add: db.prepare(`INSERT INTO node_counters (node, invocations, failures, retries, dead_lettered) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (node) DO UPDATE SET invocations = invocations + excluded.invocations, failures = failures + excluded.failures, retries = retries + excluded.retries, dead_lettered = dead_lettered + excluded.dead_lettered`),
      counters: db.prepare('SELECT node, invocations, failures, retries, dead_lettered AS deadLettered FROM node_counters'),
    };
  }
  record(invocations: readonly InvocationRecord[], increments: ReadonlyMap<string, ActivityCounters>): void {
    for (const i of invocations) {
      this.s.insert.run(i.node, JSON.stringify(i));
      // Pruned now and then, not per insert: a delete per invocation would slow the engine's commits.
      const n = (this.sincePrune.get(i.node) ?? 0) + 1;
      this.sincePrune.set(i.node, n);
      if (n >= 50) {
        this.sincePrune.set(i.node, 0);
        this.s.prune.run(i.node, i.node, KEEP_PER_NODE);
      }
    }
    for (const [node, c] of increments) this.s.add.run(node, c.invocations, c.failures, c.retries, c.deadLettered);
  }
  recent(node: string, limit = 50): InvocationRecord[] {
    return (this.s.recent.all(node, limit) as string[]).map((j) => JSON.parse(j) as InvocationRecord);
  }
  counters(): Record<string, ActivityCounters> {
    return Object.fromEntries((this.s.counters.all() as Array<ActivityCounters & { node: string }>).map(({ node, ...c }) => [node, c]));
  }
}

/** Activity in memory (the unit-test engine). */
export class MemoryActivity implements ActivityStore {
  private readonly byNode = new Map<string, InvocationRecord[]>();
  private readonly totals = new Map<string, ActivityCounters>();
  record(invocations: readonly InvocationRecord[], increments: ReadonlyMap<string, ActivityCounters>): void {
    for (const i of invocations) {
      const list = this.byNode.get(i.node) ?? [];
      list.push(i);
      if (list.length > KEEP_PER_NODE) list.shift();
      this.byNode.set(i.node, list);
    }
    for (const [node, c] of increments) {
      const t = this.totals.get(node) ?? { invocations: 0, failures: 0, retries: 0, deadLettered: 0 };
      this.totals.set(node, { invocations: t.invocations + c.invocations, failures: t.failures + c.failures, retries: t.retries + c.retries, deadLettered: t.deadLettered + c.deadLettered });
    }
  }
  recent(node: string, limit = 50): InvocationRecord[] {
    return [...(this.byNode.get(node) ?? [])].reverse().slice(0, limit);
  }
  counters(): Record<string, ActivityCounters> {
    return Object.fromEntries([...this.totals].map(([n, c]) => [n, { ...c }]));
  }
}
