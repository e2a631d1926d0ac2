/**
 * `bucketDeltas`: one branched bucket against main's copy. Objects first (by key, then MD5 or bytes),
 * then each table of tabular objects in one DuckDB session: both sides loaded, schema compared, each
 * side summarized per column, and rows compared by key (or as whole rows when there are no keys).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnSummaries, schemaDeltas } from './columns.js';
import { DuckSession } from './duckdb.js';
import { DeltasError } from './errors.js';
import { loadSide, type LoadedSide } from './load.js';
import { objectDeltas } from './objects.js';
import { duplicateKeys, keyedDiff, multisetDiff, type RowDiff } from './rows.js';
import { groupTables, type TableObjects } from './tables.js';
import type { BucketDelta, BucketSides, ColumnDelta, ColumnSummary, DeltasOptions, Side, TableDelta, UnreadableObject } from './types.js';

const DEFAULT_EXAMPLES = 3;

/**
 * Compares one branched bucket with main's copy: objects, then rows of tabular objects (DuckDB).
 * Files that do not parse as their format are named in `objects.unreadable`, never thrown; key columns
 * a table lacks throw `SLUICE_E_DELTAS_KEYS`.
 * @example
 * const delta = await bucketDeltas({ bucket: 'silver', main, branch, keys: ['order_id'] });
 * console.log(delta.tables[0]?.rows.changed);
 */
export async function bucketDeltas(sides: BucketSides, options: DeltasOptions = {}): Promise<BucketDelta> {
  const examples = Math.max(0, Math.floor(options.examples ?? DEFAULT_EXAMPLES)) || 0;
  const tables = groupTables(sides.main, sides.branch, sides.format);
  const total = sides.main.length + sides.branch.length + tables.length;
  let done = 0;
  const step = () => options.onProgress?.(++done, total);
  const keyed = options.keys !== undefined ? { keys: options.keys, from: 'option' as const } : sides.keys?.length ? { keys: sides.keys, from: 'bucket' as const } : { keys: [], from: 'none' as const };
  if (options.keys !== undefined && options.keys.length === 0) {
    throw new DeltasError('SLUICE_E_DELTAS_KEYS', `bucket '${sides.bucket}': --keys names no column; pass --keys col1,col2 or leave it out to use the bucket's keys`, { node: sides.bucket, field: 'keys', given: options.keys });
  }
  const objects = await objectDeltas(sides.main, sides.branch, step);
  // Each removed key counts once in objectDeltas, each branch key once: top the count up to `total` for the main keys also in the branch.
  done += sides.main.length - objects.removed.length;
  const flag = sides.notSampled ? { notSampled: sides.notSampled } : {};
  if (tables.length === 0) return { bucket: sides.bucket, ...flag, objects, tables: [] };
  const db = await DuckSession.open(options.onQuery);
  const linkDir = mkdtempSync(join(tmpdir(), 'sluice-deltas-files-'));
  try {
    const deltas: TableDelta[] = [];
    for (const [i, table] of tables.entries()) {
      deltas.push(await tableDelta(db, sides.bucket, `t${i}`, table, keyed, examples, linkDir, (u) => objects.unreadable.push(...u)));
      step();
    }
    objects.unreadable.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.side === b.side ? 0 : a.side === 'main' ? -1 : 1));
    return { bucket: sides.bucket, ...flag, objects, tables: deltas };
  } finally {
    db.close();
    rmSync(linkDir, { recursive: true, force: true });
  }
}

type Keyed = { keys: string[]; from: TableDelta['keysFrom'] };

async function tableDelta(
  db: DuckSession,
  bucket: string,
  name: string,
  table: TableObjects,
  keyed: Keyed,
  examples: number,
  linkDir: string,
  onUnreadable: (unreadable: UnreadableObject[]) => void,
): Promise<TableDelta> {
  const loaded: Record<Side, LoadedSide | null> = { main: null, branch: null };
  for (const side of ['main', 'branch'] as const) {
    if (table[side].length === 0) continue;
    const result = await loadSide(db, `${name}_${side}`, side, table.format, table[side], linkDir);
    loaded[side] = result.loaded;
    onUnreadable(result.unreadable);
  }
  try {
    const delta: TableDelta = {
      table: table.table,
      format: table.format,
      objects: { main: loaded.main?.objects ?? 0, branch: loaded.branch?.objects ?? 0 },
      keys: keyed.keys,
      keysFrom: keyed.from,
      rows: { main: loaded.main?.rows ?? 0, branch: loaded.branch?.rows ?? 0, added: null, removed: null, changed: null, unchanged: null },
      duplicates: null,
      schema: schemaDeltas(loaded.main?.columns ?? [], loaded.branch?.columns ?? []),
      columns: [],
      examples: { added: [], removed: [] },
    };
    const keys = keyed.keys;
    if (keys.length > 0) for (const side of ['main', 'branch'] as const) if (loaded[side]) checkKeys(bucket, table, side, loaded[side], keys);
    const none = { columns: new Map<string, ColumnSummary>(), keysUnique: true };
    const summaries = { main: loaded.main ? await columnSummaries(db, loaded.main, keys) : none, branch: loaded.branch ? await columnSummaries(db, loaded.branch, keys) : none };
    let diff: RowDiff | null = null;
    const main = loaded.main ?? (loaded.branch ? await emptyLike(db, `${name}_main`, loaded.branch) : null);
    const branch = loaded.branch ?? (loaded.main ? await emptyLike(db, `${name}_branch`, loaded.main) : null);
    if (!main || !branch) {
      diff = { rows: { added: 0, removed: 0, changed: 0, unchanged: 0 }, changes: new Map(), examples: { added: [], removed: [] } };
    } else if (keys.length > 0) {
      const duplicates = {
        main: loaded.main && !summaries.main.keysUnique ? await duplicateKeys(db, main, keys, examples) : null,
        branch: loaded.branch && !summaries.branch.keysUnique ? await duplicateKeys(db, branch, keys, examples) : null,
      };
      // Without NULL keys on either side, a plain equi-join matches the same rows, faster.
      const nullKeys = keys.some((k) => (summaries.main.columns.get(k)?.nulls ?? 0) + (summaries.branch.columns.get(k)?.nulls ?? 0) > 0);
      if (duplicates.main || duplicates.branch) delta.duplicates = duplicates;
      else diff = await keyedDiff(db, main, branch, keys, examples, nullKeys);
    } else if (main.columns.some((c) => branch.columns.some((d) => d.name === c.name))) {
      diff = await multisetDiff(db, main, branch, examples);
    } else {
      diff = { rows: { added: branch.rows, removed: main.rows, changed: 0, unchanged: 0 }, changes: new Map(), examples: { added: [], removed: [] } };
    }
    if (diff) {
      Object.assign(delta.rows, diff.rows);
      delta.examples = diff.examples;
    }
    const names = [...(loaded.main?.columns ?? []), ...(loaded.branch?.columns ?? [])].map((c) => c.name);
    delta.columns = [...new Set(names)].map((column): ColumnDelta => {
      const change = diff?.changes.get(column);
      return { column, main: summaries.main.columns.get(column) ?? null, branch: summaries.branch.columns.get(column) ?? null, changed: change?.changed ?? 0, examples: change?.examples ?? [] };
    });
    return delta;
  } finally {
    for (const side of ['main', 'branch']) await db.run(`DROP TABLE IF EXISTS "${name}_${side}"`);
  }
}

/** A side that holds no readable file, as an empty table with the other side's columns. */
async function emptyLike(db: DuckSession, name: string, other: LoadedSide): Promise<LoadedSide> {
  const sql = `"${name}"`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${sql} AS SELECT * FROM ${other.sql} LIMIT 0`);
  return { sql, rows: 0, columns: other.columns, objects: 0 };
}

function checkKeys(bucket: string, table: TableObjects, side: Side, loaded: LoadedSide, keys: string[]): void {
  const names = loaded.columns.map((c) => c.name);
  const missing = keys.filter((k) => !names.includes(k));
  if (missing.length === 0) return;
  throw new DeltasError(
    'SLUICE_E_DELTAS_KEYS',
    `bucket '${bucket}', table '${table.table}': key column${missing.length === 1 ? '' : 's'} ${missing.map((k) => `'${k}'`).join(', ')} not in ${side}'s side (columns: ${names.map((n) => `'${n}'`).join(', ')}); pass --keys with columns both sides have`,
    { node: bucket, field: 'keys', given: missing, expected: names.join(', ') },
  );
}
