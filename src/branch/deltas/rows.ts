/**
 * Row deltas of one table whose two sides are loaded: by key (a full outer join on the key columns,
 * keeping only the rows that differ, from which counts and examples are read), or, without keys, as
 * multisets of whole rows over the columns both sides have. Duplicate keys are counted first: a side
 * whose keys are not unique gets no keyed diff (which copy is "the" row would be a guess).
 */
import { ident, num, text, type DuckSession } from './duckdb.js';
import type { Columns, LoadedSide } from './load.js';
import type { DuplicateKeys, RowDeltas, RowValues, ValueChange } from './types.js';

const NUMERIC = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|REAL|DECIMAL(\(.*\))?)$/;

/** Whether DuckDB's type name is a number. */
export function isNumericType(type: string): boolean {
  return NUMERIC.test(type);
}

const NESTED = /(\[\d*\]$|^STRUCT|^MAP|^UNION|^JSON$)/;

/**
 * How one column is compared across sides: as is when the types match, else as DOUBLE (two number
 * types), as text when either side is text, as JSON text when either side is a list, struct, map or
 * JSON (`[1, 2]` and JSON `[1,2]` are the same value), else as text.
 */
function comparable(column: string, mainType: string, branchType: string, alias: 'm' | 'b'): string {
  const ref = `${alias}.${ident(column)}`;
  if (mainType === branchType) return ref;
  if (isNumericType(mainType) && isNumericType(branchType)) return `CAST(${ref} AS DOUBLE)`;
  if (mainType !== 'VARCHAR' && branchType !== 'VARCHAR' && (NESTED.test(mainType) || NESTED.test(branchType))) return `CAST(to_json(${ref}) AS VARCHAR)`;
  return `CAST(${ref} AS VARCHAR)`;
}

function typeOf(columns: Columns, name: string): string {
  return columns.find((c) => c.name === name)!.type;
}

/** Columns both sides have, in main's order. */
export function commonColumns(main: Columns, branch: Columns): string[] {
  const names = new Set(branch.map((c) => c.name));
  return main.filter((c) => names.has(c.name)).map((c) => c.name);
}

const asText = (expr: string) => `CAST(${expr} AS VARCHAR)`;

function values(row: Record<string, unknown>, names: string[], prefix: string): RowValues {
  return Object.fromEntries(names.map((name, i) => [name, text(row[`${prefix}${i}`])]));
}

/**
 * The key values occurring more than once on one side, or `null` when the keys are unique.
 * @example await duplicateKeys(db, side, ['order_id'], 3)
 */
export async function duplicateKeys(db: DuckSession, side: LoadedSide, keys: string[], examples: number): Promise<DuplicateKeys | null> {
  const keyList = keys.map(ident).join(', ');
  const rows = await db.all(
    `WITH d AS (SELECT ${keys.map((k, i) => `${asText(ident(k))} AS k${i}`).join(', ')}, count(*) AS n FROM ${side.sql} GROUP BY ${keyList} HAVING count(*) > 1) ` +
      `SELECT *, count(*) OVER () AS groups, sum(n) OVER () AS total FROM d ORDER BY n DESC, ${keys.map((_, i) => `k${i}`).join(', ')} LIMIT ${examples}`,
  );
  if (rows.length === 0) return null;
  return { keys: num(rows[0]!.groups), rows: num(rows[0]!.total), examples: rows.map((r) => ({ key: values(r, keys, 'k'), count: num(r.n) })) };
}

/** What a keyed or whole-row diff yields. */
export interface RowDiff {
  rows: Pick<RowDeltas, 'added' | 'removed' | 'changed' | 'unchanged'>;
  /** Per common non-key column: keys whose value differs, and a few examples. */
  changes: Map<string, { changed: number; examples: ValueChange[] }>;
  examples: { added: RowValues[]; removed: RowValues[] };
}

/**
 * Keyed diff: a full outer join of both sides on the keys (NULL keys match NULL keys; `nullKeys:
 * false` says neither side has one, so a plain equi-join does), of which only the rows that are
 * added, removed or changed are kept, in a small temporary table.
 * @example await keyedDiff(db, main, branch, ['order_id'], 3, false)
 */
export async function keyedDiff(db: DuckSession, main: LoadedSide, branch: LoadedSide, keys: string[], examples: number, nullKeys = true): Promise<RowDiff> {
  const valueColumns = commonColumns(main.columns, branch.columns).filter((c) => !keys.includes(c));
  const compare = (c: string) => [comparable(c, typeOf(main.columns, c), typeOf(branch.columns, c), 'm'), comparable(c, typeOf(main.columns, c), typeOf(branch.columns, c), 'b')] as const;
  const on = keys.map((k) => { const [m, b] = compare(k); return `${m} ${nullKeys ? 'IS NOT DISTINCT FROM' : '='} ${b}`; }).join(' AND ');
  const differs = valueColumns.map((c) => { const [m, b] = compare(c); return `${m} IS DISTINCT FROM ${b}`; });
  const diff = ident(`${main.sql.slice(1, -1)}__diff`);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${diff} AS SELECT ` +
      [
        ...keys.flatMap((k, i) => { const [m, b] = compare(k); return [`${asText(`COALESCE(${m}, ${b})`)} AS k${i}`, `COALESCE(${m}, ${b}) AS r${i}`]; }),
        'm.__sluice_in AS in_main', 'b.__sluice_in AS in_branch',
        ...valueColumns.flatMap((c, i) => [`(${differs[i]}) AS x${i}`, `${asText(`m.${ident(c)}`)} AS m${i}`, `${asText(`b.${ident(c)}`)} AS b${i}`]),
      ].join(', ') +
      ` FROM (SELECT *, true AS __sluice_in FROM ${main.sql}) m FULL OUTER JOIN (SELECT *, true AS __sluice_in FROM ${branch.sql}) b ON ${on}` +
      ` WHERE m.__sluice_in IS NULL OR b.__sluice_in IS NULL${differs.map((d) => ` OR (${d})`).join('')}`,
  );
  try {
    const counts = (await db.all(
      `SELECT count(*) FILTER (WHERE in_main IS NULL) AS added, count(*) FILTER (WHERE in_branch IS NULL) AS removed, count(*) FILTER (WHERE in_main AND in_branch) AS changed` +
        valueColumns.map((_, i) => `, count(*) FILTER (WHERE in_main AND in_branch AND x${i}) AS c${i}`).join('') +
        ` FROM ${diff}`,
    ))[0]!;
    const order = keys.map((_, i) => `r${i}`).join(', ');
    const keyText = keys.map((_, i) => `k${i}`).join(', ');
    const keyValues = (r: Record<string, unknown>) => values(r, keys, 'k');
    const changes = new Map<string, { changed: number; examples: ValueChange[] }>();
    for (const [i, column] of valueColumns.entries()) {
      const changed = num(counts[`c${i}`]);
      const rows = changed === 0 ? [] : await db.all(`SELECT ${keyText}, m${i}, b${i} FROM ${diff} WHERE in_main AND in_branch AND x${i} ORDER BY ${order} LIMIT ${examples}`);
      changes.set(column, { changed, examples: rows.map((r) => ({ key: keyValues(r), main: text(r[`m${i}`]), branch: text(r[`b${i}`]) })) });
    }
    const added = num(counts.added);
    const removed = num(counts.removed);
    const changed = num(counts.changed);
    const pick = async (where: string, n: number) => (n === 0 ? [] : (await db.all(`SELECT ${keyText} FROM ${diff} WHERE ${where} ORDER BY ${order} LIMIT ${examples}`)).map(keyValues));
    return {
      rows: { added, removed, changed, unchanged: main.rows - removed - changed },
      changes,
      examples: { added: await pick('in_main IS NULL', added), removed: await pick('in_branch IS NULL', removed) },
    };
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${diff}`);
  }
}

/**
 * Whole-row diff without keys: each side's rows counted by value over the columns both sides have,
 * then compared; a changed row shows as one removed and one added, and `changed` is 0.
 * @example await multisetDiff(db, main, branch, 3)
 */
export async function multisetDiff(db: DuckSession, main: LoadedSide, branch: LoadedSide, examples: number): Promise<RowDiff> {
  const columns = commonColumns(main.columns, branch.columns);
  const counted = (side: LoadedSide, alias: 'm' | 'b') =>
    `(SELECT ${columns.map((c, i) => `${comparable(c, typeOf(main.columns, c), typeOf(branch.columns, c), alias)} AS v${i}`).join(', ')}, count(*) AS n FROM ${side.sql} AS ${alias} GROUP BY ALL)`;
  const diff = ident(`${main.sql.slice(1, -1)}__diff`);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${diff} AS SELECT ${columns.map((_, i) => `${asText(`COALESCE(m.v${i}, b.v${i})`)} AS v${i}`).join(', ')}, COALESCE(m.n, 0) AS n_main, COALESCE(b.n, 0) AS n_branch ` +
      `FROM ${counted(main, 'm')} m FULL OUTER JOIN ${counted(branch, 'b')} b ON ${columns.map((_, i) => `m.v${i} IS NOT DISTINCT FROM b.v${i}`).join(' AND ')} ` +
      `WHERE COALESCE(m.n, 0) <> COALESCE(b.n, 0)`,
  );
  try {
    const counts = (await db.all(`SELECT COALESCE(sum(greatest(n_branch - n_main, 0)), 0) AS added, COALESCE(sum(greatest(n_main - n_branch, 0)), 0) AS removed FROM ${diff}`))[0]!;
    const added = num(counts.added);
    const removed = num(counts.removed);
    const order = columns.map((_, i) => `v${i}`).join(', ');
    const pick = async (where: string, n: number) => (n === 0 ? [] : (await db.all(`SELECT ${order} FROM ${diff} WHERE ${where} ORDER BY ${order} LIMIT ${examples}`)).map((r) => values(r, columns, 'v')));
    return {
      rows: { added, removed, changed: 0, unchanged: main.rows - removed },
      changes: new Map(),
      examples: { added: await pick('n_branch > n_main', added), removed: await pick('n_main > n_branch', removed) },
    };
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${diff}`);
  }
}
