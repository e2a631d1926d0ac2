/**
 * Lineage on the local engine: the walk of src/envelope/lineage.ts over the store's ingestion steps,
 * starting at the `ingestion-id` an object's metadata carries.
 */
import { InputError } from '../model/errors.js';
import { INGESTION_ID_METADATA, noLineageMessage, walkLineageSync, type Lineage } from '../envelope/lineage.js';
import type { EngineStore } from './store/types.js';

export { describeIngestionInput, type Lineage } from '../envelope/lineage.js';

/**
 * The lineage of an object in the local store.
 * @example lineageOf(engine.store, 'lake', 'incident/entityIncident/country=AU/part-1.jsonl').steps.map((s) => s.artifactName)
 */
export function lineageOf(store: EngineStore, bucket: string, key: string): Lineage {
  const object = store.objects.get(bucket, key);
  if (!object) throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}'; list the bucket with: sluice ls ${bucket}`);
  const id = object.metadata?.[INGESTION_ID_METADATA];
  if (!id) throw new InputError('SLUICE_E_NO_LINEAGE', noLineageMessage(bucket, key));
  return walkLineageSync(bucket, key, id, (at) => store.lineage.get(at));
}
