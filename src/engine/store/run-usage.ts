/**
 * What a local run did, read from a stage's state database without opening the engine: each step's
 * executions with their timings and outputs (the lineage store's ingestion steps), and each bucket's
 * objects with their sizes. `sluice cost --from-run` scales it to a month.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestionStep } from '../../envelope/ingestion-step.js';

/** One step's executions in the run. */
export interface StepUsage {
  executions: number;
  /** Sum of each execution's time with the framework's I/O (`totalMs`). */
  totalMs: number;
  /** Outputs by target node (objects by bucket, messages by queue or topic). */
  outputs: Record<string, number>;
  /** Executions by where their input came from: `object:<bucket>`, `message:<queue|topic>`, `schedule:<name>`. */
  inputs: Record<string, number>;
  /** Executions on a root input (nothing upstream produced it). */
  roots: number;
}

/** What a local run did. */
export interface RunUsage {
  /** The first execution's start and the last one's end (ISO-8601). */
  from: string;
  to: string;
  steps: Record<string, StepUsage>;
  /** Objects by bucket: how many, their bytes, and how many no step wrote (put from outside). */
  buckets: Record<string, { objects: number; bytes: number; external: number }>;
}

/**
 * Read a local stage's run from its state folder, or undefined when it has none or no step ran.
 * @example const usage = readRunUsage('.sluice/local');
 */
export function readRunUsage(stateDir: string): RunUsage | undefined {
  const path = join(stateDir, 'state.db');
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const steps: Record<string, StepUsage> = {};
    let from = '';
    let to = '';
    for (const text of db.prepare('SELECT record FROM ingestion_steps ORDER BY seq').pluck().iterate() as Iterable<string>) {
      const step = JSON.parse(text) as IngestionStep;
      const s = (steps[step.artifactName] ??= { executions: 0, totalMs: 0, outputs: {}, inputs: {}, roots: 0 });
      s.executions += 1;
      s.totalMs += step.totalMs;
      if (!step.parentIngestionIds?.length) s.roots += 1;
      for (const input of step.inputs) {
        const where = input.kind === 'object' ? `object:${input.bucket}` : input.kind === 'schedule' ? `schedule:${input.schedule}` : `message:${input.queue ?? input.topic ?? ''}`;
        s.inputs[where] = (s.inputs[where] ?? 0) + 1;
      }
      for (const output of step.outputs) {
        const target = output.kind === 'object' ? output.bucket : output.to;
        s.outputs[target] = (s.outputs[target] ?? 0) + 1;
      }
      if (!from || step.startedAt < from) from = step.startedAt;
      if (!to || step.finishedAt > to) to = step.finishedAt;
    }
    if (!from) return undefined;
    const buckets: RunUsage['buckets'] = {};
    for (const row of db.prepare('SELECT bucket, size, metadata FROM objects').iterate() as Iterable<{ bucket: string; size: number; metadata: string | null }>) {
      const b = (buckets[row.bucket] ??= { objects: 0, bytes: 0, external: 0 });
      b.objects += 1;
      b.bytes += row.size;
      if (!row.metadata || !row.metadata.includes('ingestion-id')) b.external += 1;
    }
    return { from, to, steps, buckets };
  } finally {
    db.close();
  }
}
