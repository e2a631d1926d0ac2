/**
 * Columns of a table: schema changes between the sides, and per-column summaries of each side (count,
 * nulls, exact distinct, and min/max/mean of numbers), all columns of a side in one scan.
 */
import { ident, num, numOrNull, type DuckSession } from './duckdb.js';
import type { Columns, LoadedSide } from './load.js';
import { isNumericType } from './rows.js';
import type { ColumnSummary, SchemaDeltas } from './types.js';

/**
 * Columns added (only the branch has), removed (only main has) and retyped (DuckDB types differ).
 * @example schemaDeltas(main.columns, branch.columns)
 */
export function schemaDeltas(main: Columns, branch: Columns): SchemaDeltas {
  const mainTypes = new Map(main.map((c) => [c.name, c.type]));
  const branchTypes = new Map(branch.map((c) => [c.name, c.type]));
  return {
    added: branch.filter((c) => !mainTypes.has(c.name)).map((c) => ({ column: c.name, type: c.type })),
    removed: main.filter((c) => !branchTypes.has(c.name)).map((c) => ({ column: c.name, type: c.type })),
    retyped: main.filter((c) => branchTypes.has(c.name) && branchTypes.get(c.name) !== c.type).map((c) => ({ column: c.name, main: c.type, branch: branchTypes.get(c.name)! })),
  };
}

/** Each column's summary on one side, and whether the key values are unique there. */
export interface SideSummary {
  columns: Map<string, ColumnSummary>;
  /** Whether no two rows share the key values (NULL equal to NULL); `null` without keys. */
  keysUnique: boolean | null;
}

/**
 * Each column's summary on one side, by column name, in one scan; with keys, also whether they are
 * unique (so the duplicates query runs only when they are not).
 * @example await columnSummaries(db, side, ['order_id'])
 */
export async function columnSummaries(db: DuckSession, side: LoadedSide, keys: string[] = []): Promise<SideSummary> {
  const parts = side.columns.flatMap((c, i) => {
    const ref = ident(c.name);
    const basic = [`count(${ref}) AS n${i}`, `count(DISTINCT ${ref}) AS d${i}`];
    return isNumericType(c.type) ? [...basic, `CAST(min(${ref}) AS DOUBLE) AS lo${i}`, `CAST(max(${ref}) AS DOUBLE) AS hi${i}`, `avg(CAST(${ref} AS DOUBLE)) AS mean${i}`] : basic;
  });
  // One key column: its own distinct count says it (NULL counts as one more value). Several: the
  // distinct count of the key tuples (a tuple with NULLs in it is a value of its own, never NULL).
  if (keys.length > 1) parts.push(`count(DISTINCT row(${keys.map(ident).join(', ')})) AS key_tuples`);
  const row = (await db.all(`SELECT ${parts.join(', ')} FROM ${side.sql}`))[0]!;
  const columns = new Map(
    side.columns.map((c, i) => {
      const count = num(row[`n${i}`]);
      return [c.name, { type: c.type, count, nulls: side.rows - count, distinct: num(row[`d${i}`]), min: numOrNull(row[`lo${i}`]), max: numOrNull(row[`hi${i}`]), mean: numOrNull(row[`mean${i}`]) }];
    }),
  );
  let keysUnique: boolean | null = null;
  if (keys.length === 1) {
    const key = columns.get(keys[0]!)!;
    keysUnique = key.distinct + Math.min(key.nulls, 1) === side.rows;
  } else if (keys.length > 1) {
    keysUnique = num(row.key_tuples) === side.rows;
  }
  return { columns, keysUnique };
}
