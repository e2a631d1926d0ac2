/**
 * `sluice table <name> remove --prune-outputs`: the objects whose lineage roots at a removed item.
 * A step that works on one item records it in its ingestion step (`result(outputs, tableItem(table,
 * key))`); an object is pruned when a step of its lineage names the table and one of the removed
 * keys. Objects with no lineage (put by hand, or by a step with lineage off) are never pruned. The
 * seed deleted its whole output bucket instead.
 */
import { SluiceError } from '../model/errors.js';
import type { Table } from '../model/table.js';
import type { Item } from '../runtime/types.js';
import { TABLE_ITEM_METADATA, type TableItemRef } from '../runtime/table-item.js';
import type { Stage } from '../stage/index.js';
import { keyText } from './table-items.js';

/** An object to prune. */
export interface PrunedObject {
  bucket: string;
  key: string;
  /** The removed item it roots at. */
  item: string;
}

/**
 * Every object of the pipeline's buckets whose lineage names one of `keys` of `table`.
 * @example await outputsOfItems(stage, fang, [{ name: 'apple' }])
 */
export async function outputsOfItems(stage: Stage, table: Table, keys: readonly Item[]): Promise<PrunedObject[]> {
  const wanted = new Set(keys.map((k) => keyText(table, k)));
  const found: PrunedObject[] = [];
  if (wanted.size === 0) return found;
  for (const node of stage.pipeline.nodes.values()) {
    if (node.kind !== 'bucket') continue;
    for (const object of await stage.list(node.name)) {
      let steps;
      try {
        steps = (await stage.lineage(node.name, object.key)).steps;
      } catch (error) {
        // An object no step wrote (or whose step kept no lineage) roots at no item.
        if (error instanceof SluiceError && (error.code === 'SLUICE_E_NO_LINEAGE' || error.code === 'SLUICE_E_NO_SUCH_KEY')) continue;
        throw error;
      }
      for (const step of steps) {
        const ref = step.metadata?.[TABLE_ITEM_METADATA] as TableItemRef | undefined;
        if (ref?.table !== table.name || typeof ref.key !== 'object' || ref.key === null) continue;
        const item = keyText(table, ref.key);
        if (!wanted.has(item)) continue;
        found.push({ bucket: node.name, key: object.key, item });
        break;
      }
    }
  }
  return found;
}

/** Delete the objects found, bucket by bucket. */
export async function pruneObjects(stage: Stage, objects: readonly PrunedObject[]): Promise<void> {
  const byBucket = new Map<string, string[]>();
  for (const o of objects) byBucket.set(o.bucket, [...(byBucket.get(o.bucket) ?? []), o.key]);
  for (const [bucket, keys] of byBucket) await stage.deleteObjects(bucket, keys);
}
