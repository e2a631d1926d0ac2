/**
 * Walking lineage, whatever holds the ingestion steps: from an object's `ingestion-id` metadata to
 * the execution that wrote it, then from each execution to the one that produced its input, back to
 * the root input (what no step produced: an object put from outside, a message sent from outside, a
 * scheduled tick). The walk is a generator that asks for one ingestion step at a time, so the local
 * store answers it synchronously and the lineage table on AWS asynchronously, with one set of rules.
 */
import type { IngestionInput, IngestionStep } from './ingestion-step.js';

/** The object metadata key holding the ingestion id of the execution that wrote the object. */
export const INGESTION_ID_METADATA = 'ingestion-id';

/** The chain from an object back to its root input. */
export interface Lineage {
  bucket: string;
  key: string;
  /** The executions, newest first: the first wrote the object, the last consumed the root input. */
  steps: IngestionStep[];
  /** What the last execution consumed; no step produced it. */
  root: IngestionInput[];
  /** An ingestion id the chain names but the store does not hold (a step with lineage off, say). */
  missing?: string;
}

/**
 * The walk from the execution `firstId` back: yields each ingestion id it needs and takes the step
 * stored under it (undefined when none is). Where an execution had several parents, the first is
 * followed (sluice executions have one input, so one parent).
 * @example
 * const walk = walkLineage('lake', key, id);
 * for (let next = walk.next(); ; ) { if (next.done) return next.value; next = walk.next(store.get(next.value)); }
 */
export function* walkLineage(bucket: string, key: string, firstId: string): Generator<string, Lineage, IngestionStep | undefined> {
  const steps: IngestionStep[] = [];
  const seen = new Set<string>();
  let id: string | undefined = firstId;
  while (id && !seen.has(id)) {
    seen.add(id);
    const step: IngestionStep | undefined = yield id;
    if (!step) return { bucket, key, steps, root: [], missing: id };
    steps.push(step);
    id = step.parentIngestionIds[0];
  }
  return { bucket, key, steps, root: steps.length ? steps[steps.length - 1]!.inputs : [] };
}

/** Run a lineage walk against a synchronous lookup (the local store). */
export function walkLineageSync(bucket: string, key: string, firstId: string, get: (id: string) => IngestionStep | undefined): Lineage {
  const walk = walkLineage(bucket, key, firstId);
  for (let next = walk.next(); ;) {
    if (next.done) return next.value;
    next = walk.next(get(next.value));
  }
}

/** Run a lineage walk against an asynchronous lookup (the lineage table on AWS). */
export async function walkLineageAsync(bucket: string, key: string, firstId: string, get: (id: string) => Promise<IngestionStep | undefined>): Promise<Lineage> {
  const walk = walkLineage(bucket, key, firstId);
  for (let next = walk.next(); ;) {
    if (next.done) return next.value;
    next = walk.next(await get(next.value));
  }
}

/**
 * Why an object has no lineage to walk: it carries no ingestion id, so it is a root input itself.
 */
export function noLineageMessage(bucket: string, key: string): string {
  return `object '${key}' in bucket '${bucket}' carries no ingestion id: it was put from outside the pipeline (sluice put, a test's put) or written by a step with lineage off, so it is a root input itself`;
}

/** An ingestion input as a phrase: `object 'a.json' in bucket 'requests'`. */
export function describeIngestionInput(i: IngestionInput): string {
  if (i.kind === 'object') return `object '${i.key}' in bucket '${i.bucket}'`;
  if (i.kind === 'schedule') return `schedule '${i.schedule}' at ${i.time}`;
  const from = i.queue ? ` from queue '${i.queue}'` : i.topic ? ` from topic '${i.topic}'` : '';
  return `message ${i.id}${from}${i.objectType ? ` (${i.objectType})` : ''}${i.payloadS3Path ? `, body offloaded to ${i.payloadS3Path}` : ''}`;
}
