/**
 * Walking lineage: from an object's `ingestion-id` metadata to the execution that wrote it, then from
 * each execution to the one that produced its input, back to the root input (what no step produced:
 * an object put from outside, a message sent from outside, a scheduled tick).
 */
import { InputError } from '../model/errors.js';
import { INGESTION_ID_METADATA } from '../runtime/inputs.js';
import type { IngestionInput, IngestionStep } from '../envelope/ingestion-step.js';
import type { EngineStore } from './store/types.js';

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
 * The lineage of an object. Where an execution had several parents, the first is followed (sluice
 * executions have one input, so one parent).
 * @example lineageOf(engine.store, 'lake', 'incident/entityIncident/country=AU/part-1.jsonl').steps.map((s) => s.artifactName)
 */
export function lineageOf(store: EngineStore, bucket: string, key: string): Lineage {
  const object = store.objects.get(bucket, key);
  if (!object) throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}'; list the bucket with: sluice ls ${bucket}`);
  let id = object.metadata?.[INGESTION_ID_METADATA];
  if (!id) {
    throw new InputError('SLUICE_E_NO_LINEAGE', `object '${key}' in bucket '${bucket}' carries no ingestion id: it was put from outside the pipeline (sluice put, a test's put) or written by a step with lineage off, so it is a root input itself`);
  }
  const steps: IngestionStep[] = [];
  const seen = new Set<string>();
  while (id && !seen.has(id)) {
    seen.add(id);
    const step = store.lineage.get(id);
    if (!step) return { bucket, key, steps, root: [], missing: id };
    steps.push(step);
    id = step.parentIngestionIds[0];
  }
  return { bucket, key, steps, root: steps.length ? steps[steps.length - 1]!.inputs : [] };
}

/** An ingestion input as a phrase: `object 'a.json' in bucket 'requests'`. */
export function describeIngestionInput(i: IngestionInput): string {
  if (i.kind === 'object') return `object '${i.key}' in bucket '${i.bucket}'`;
  if (i.kind === 'schedule') return `schedule '${i.schedule}' at ${i.time}`;
  const from = i.queue ? ` from queue '${i.queue}'` : i.topic ? ` from topic '${i.topic}'` : '';
  return `message ${i.id}${from}${i.objectType ? ` (${i.objectType})` : ''}${i.payloadS3Path ? `, body offloaded to ${i.payloadS3Path}` : ''}`;
}
