/**
 * `table` on the local engine: items kept with the table's key schema (DDB-02); steps reach them
 * through `ctx.table(name)` (local-io.ts), so the engine itself delivers nothing to a table.
 */
import type { Table } from '../../model/table.js';
import type { KeySchema } from '../store/items.js';
import type { KindEngine, RuntimeBase } from '../kind.js';

/** A table as the engine runs it. */
export interface TableRuntime extends RuntimeBase<Table> {
  readonly keySchema: KeySchema;
}

/** A table's key schema: its name, partition key and sort key with their types. */
export function keySchemaOf(table: Table): KeySchema {
  return { table: table.name, partitionKey: table.partitionKey, ...(table.sortKey ? { sortKey: table.sortKey } : {}) };
}

export const tableEngine: KindEngine<Table, TableRuntime> = {
  runtime: (node) => ({ node, keySchema: keySchemaOf(node) }),
  connect: null,
  receive: null,
  tick: null,
  nextDue: null,
  dispatch: null,
  deadLetters: null,
  watch: null,
  counts: null,
};
