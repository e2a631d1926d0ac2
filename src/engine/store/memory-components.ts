/**
 * The in-memory ingestion steps, payloads and idempotency records: the same contract as the SQLite
 * ones (lineage.ts, payloads.ts, idempotency.ts), undoable through the store's undo log so a rolled
 * back commit leaves none of its lineage or payloads behind.
 */
import type { IngestionStep } from '../../envelope/ingestion-step.js';
import type { IdempotencyState, IdempotencyStore, LineageStore, PayloadRecord, PayloadStore } from './types.js';
import type { UndoLog } from './undo-log.js';

/** Set or delete a map entry, recording how to undo it. */
function setUndoable<K, V>(log: UndoLog, map: Map<K, V>, key: K, value: V | undefined): void {
  const had = map.has(key);
  const before = map.get(key);
  if (value === undefined) map.delete(key);
  else map.set(key, value);
  log.record(() => (had ? map.set(key, before!) : map.delete(key)));
}

/**
 * In-memory ingestion steps. Written often and read rarely, so each is kept as given (nothing changes
 * a step once recorded) and readers get a copy, as they would from SQLite.
 */
export class MemoryLineage implements LineageStore {
  private readonly steps = new Map<string, IngestionStep>();
  constructor(private readonly log: UndoLog) {}
  record(step: IngestionStep): void {
    // Ids are unique (time-ordered UUIDs): appending needs no look-up of what was there.
    const id = step.ingestionId;
    const steps = this.steps;
    if (steps.has(id)) return setUndoable(this.log, steps, id, step);
    steps.set(id, step);
    this.log.record(() => steps.delete(id));
  }
  recordJson(_ingestionId: string, _node: string, _startedAt: string, json: string): void {
    this.record(JSON.parse(json));
  }
  get(ingestionId: string): IngestionStep | undefined {
    const s = this.steps.get(ingestionId);
    return s ? structuredClone(s) : undefined;
  }
  recent(limit = 100, node?: string): IngestionStep[] {
    // Newest recorded first, as the SQLite store's insertion order gives.
    return [...this.steps.values()].filter((s) => !node || s.artifactName === node).reverse().slice(0, limit).map((s) => structuredClone(s));
  }
  count(): number {
    return this.steps.size;
  }
}

/** In-memory payload records. */
export class MemoryPayloads implements PayloadStore {
  private readonly payloads = new Map<string, PayloadRecord>();
  constructor(private readonly log: UndoLog) {}
  put(p: PayloadRecord): void {
    const before = this.payloads.get(p.key);
    setUndoable(this.log, this.payloads, p.key, before ? { ...before, refs: before.refs + p.refs } : { ...p });
  }
  get(key: string): PayloadRecord | undefined {
    const p = this.payloads.get(key);
    return p ? { ...p } : undefined;
  }
  release(key: string): string | undefined {
    const p = this.payloads.get(key);
    if (!p) return undefined;
    if (p.refs > 1) {
      setUndoable(this.log, this.payloads, key, { ...p, refs: p.refs - 1 });
      return undefined;
    }
    setUndoable(this.log, this.payloads, key, undefined);
    return p.blob;
  }
  references(blob: string): boolean {
    for (const p of this.payloads.values()) if (p.blob === blob) return true;
    return false;
  }
  expire(before: number): string[] {
    const blobs: string[] = [];
    for (const [key, p] of [...this.payloads]) {
      if (p.createdAt < before) {
        setUndoable(this.log, this.payloads, key, undefined);
        blobs.push(p.blob);
      }
    }
    return blobs;
  }
  count(): number {
    return this.payloads.size;
  }
  list(): PayloadRecord[] {
    return [...this.payloads.values()].map((p) => ({ ...p })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/** In-memory idempotency records. */
export class MemoryIdempotency implements IdempotencyStore {
  private readonly records = new Map<string, { status: 'in-progress' | 'completed'; ingestionId?: string; expiresAt: number }>();
  constructor(private readonly log: UndoLog) {}
  begin(node: string, key: string, now: number, inProgressUntil: number): IdempotencyState {
    const id = `${node}\0${key}`;
    const r = this.records.get(id);
    if (r && r.expiresAt > now) return r.status === 'completed' ? { status: 'completed', ingestionId: r.ingestionId ?? '' } : { status: 'in-progress' };
    setUndoable(this.log, this.records, id, { status: 'in-progress', expiresAt: inProgressUntil });
    return { status: 'new' };
  }
  complete(node: string, key: string, ingestionId: string, expiresAt: number): void {
    setUndoable(this.log, this.records, `${node}\0${key}`, { status: 'completed', ingestionId, expiresAt });
  }
  release(node: string, key: string): void {
    const id = `${node}\0${key}`;
    if (this.records.get(id)?.status === 'in-progress') setUndoable(this.log, this.records, id, undefined);
  }
}
