/**
 * Pylon's ingestion step: the record of one execution of one step (an input processed into outputs),
 * with the id of the execution that produced its input. Chained by `parentIngestionIds`, they walk any
 * output back to the root input. Field names are Pylon's (`artifactName`, `dimUTCTimestamp`, ...),
 * plus what sluice knows besides: pipeline, stage, role, inputs, outputs and timings.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';

/**
 * A new ingestion id: a UUID version 7 (RFC 9562), its first 48 bits the time in epoch ms, the rest
 * random. Ids sort by time, so the lineage store appends instead of inserting at random (several
 * times faster in SQLite's B-tree), and an id tells roughly when its execution ran.
 * @example newIngestionId() // '019b8e5c-3a40-7c1e-9f2d-6a1b2c3d4e5f'
 */
export function newIngestionId(now: number = Date.now()): string {
  if (now !== lastTime) {
    const time = now.toString(16).padStart(12, '0');
    lastTime = now;
    lastPrefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
  }
  return lastPrefix + randomUUID().slice(15);
}

// The time part of the last id: executions in the same millisecond share it (one string, not four).
let lastTime = -1;
let lastPrefix = '';

/** What an execution consumed. */
export type IngestionInput =
  | { kind: 'object'; bucket: string; key: string; eTag?: string; versionId?: string }
  | { kind: 'message'; id: string; queue?: string; topic?: string; objectType?: string; payloadS3Path?: string }
  | { kind: 'schedule'; schedule: string; time: string };

/** What an execution produced. */
export type IngestionOutput =
  | { kind: 'object'; bucket: string; key: string }
  | { kind: 'message'; to: string; targetKind: 'queue' | 'topic' | 'notify'; objectType?: string; payloadS3Path?: string };

/** One execution of one step. */
export interface IngestionStep {
  ingestionId: string;
  /** The first parent, as Pylon records it; null for an execution on a root input. */
  parentIngestionId: string | null;
  /** Every execution whose output this one consumed (empty for a root input). */
  parentIngestionIds: string[];
  /** The step (function node) name. */
  artifactName: string;
  /** The step's version: the sha256 of its bundle (of its handler file when run in process). */
  artifactVersion: string;
  pipeline: string;
  stage: string;
  role: 'source' | 'component' | 'sink';
  /** Start of the execution, epoch seconds (UTC). */
  dimUTCTimestamp: number;
  /** Its date as YYYYMMDD (UTC). */
  dimUTCDateId: number;
  /** Its hour, 0..23 (UTC). */
  dimUTCHour: number;
  startedAt: string;
  finishedAt: string;
  /** The step function alone (Pylon's timed_execution core_process). */
  coreMs: number;
  /** The execution with the framework's I/O: decoding, payload fetch, encoding, offload (timed_execution total). */
  totalMs: number;
  /** What the step returned with `result(outputs, metadata)`. */
  metadata: Record<string, unknown>;
  inputs: IngestionInput[];
  outputs: IngestionOutput[];
  /** The invocation it ran in. */
  requestId: string;
}

/** Pylon's date dimensions of a time, and the time in ISO-8601. */
export function timeDimensions(epochMs: number): Pick<IngestionStep, 'dimUTCTimestamp' | 'dimUTCDateId' | 'dimUTCHour'> & { iso: string } {
  // One Date for all of it: this runs once per execution.
  const d = new Date(epochMs);
  return {
    dimUTCTimestamp: Math.floor(epochMs / 1000),
    dimUTCDateId: d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate(),
    dimUTCHour: d.getUTCHours(),
    iso: d.toISOString(),
  };
}

/** The body schema of an `ingestionStep` envelope (Pylon's fields; the rest optional). */
export const ingestionStepSchema = z.looseObject({
  ingestionId: z.string({ error: 'must be text' }).check(z.minLength(1, { error: 'must not be empty' })),
  parentIngestionId: z.nullable(z.string({ error: 'must be text or null' })),
  artifactName: z.string({ error: 'must be text' }),
  artifactVersion: z.string({ error: 'must be text' }),
  dimUTCTimestamp: z.number({ error: 'must be epoch seconds' }),
  metadata: z.optional(z.record(z.string(), z.unknown(), { error: 'must be an object' })),
});
