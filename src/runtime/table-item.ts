/**
 * Lineage from outputs back to a table item: a step that works on one item of a table records it in
 * its ingestion step's metadata (`result(outputs, tableItem('fang', { name }))`), so
 * `sluice table fang remove --prune-outputs` finds, by walking each output's lineage, the objects that
 * root at a removed item.
 */

/** The ingestion-step metadata key holding the table item an execution worked on. */
export const TABLE_ITEM_METADATA = 'sluice:tableItem';

/** What `tableItem` records: the table's node name and the item's key attributes. */
export interface TableItemRef {
  table: string;
  key: Record<string, unknown>;
}

/**
 * Ingestion-step metadata naming the table item the execution worked on.
 * @example return result([ctx.object(key, body)], tableItem('fang', { name }));
 */
export function tableItem(table: string, key: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...metadata, [TABLE_ITEM_METADATA]: { table, key } satisfies TableItemRef };
}
