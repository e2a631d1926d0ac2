/**
 * Which objects are tabular, in which format, and which table each belongs to. A key's extension wins
 * over the bucket's declared format; a table is the objects of one format under one folder, with
 * Hive-style partition folders (`name=value`) left out, so a partitioned output compares as one table.
 */
import type { DeltaObject, TabularFormat } from './types.js';

const EXTENSIONS: Array<[RegExp, TabularFormat]> = [
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.(jsonl|ndjson)(\.gz)?$/i, 'jsonl'],
  [/\.json(\.gz)?$/i, 'json'],
  [/\.parquet$/i, 'parquet'],
];

/**
 * The tabular format of an object: its key's extension (`.csv`, `.jsonl`/`.ndjson`, `.json`,
 * `.parquet`, the text ones also gzipped), else the bucket's declared format, else none.
 * @example formatOfKey('orders/a.parquet', 'csv') // 'parquet'
 */
export function formatOfKey(key: string, declared: TabularFormat | undefined): TabularFormat | undefined {
  for (const [pattern, format] of EXTENSIONS) if (pattern.test(key)) return format;
  return declared;
}

/** Whether the object is gzipped (by its key's `.gz` extension). */
export function isGzipped(key: string): boolean {
  return /\.gz$/i.test(key);
}

/**
 * The table an object belongs to: its folder without `name=value` segments, and its format.
 * @example tableOfKey('orders/order_date=2026-01-05/part-0.parquet', 'parquet') // 'orders/*.parquet'
 */
export function tableOfKey(key: string, format: TabularFormat): string {
  const folders = key.split('/').slice(0, -1).filter((segment) => !/^[^=]+=.*$/.test(segment));
  return `${folders.map((f) => `${f}/`).join('')}*.${format}`;
}

/** The objects of one table on both sides. */
export interface TableObjects {
  table: string;
  format: TabularFormat;
  main: DeltaObject[];
  branch: DeltaObject[];
}

/**
 * Groups both sides' tabular objects into tables, sorted by table name (objects by key).
 * @example groupTables(sides.main, sides.branch, sides.format)
 */
export function groupTables(main: DeltaObject[], branch: DeltaObject[], declared: TabularFormat | undefined): TableObjects[] {
  const tables = new Map<string, TableObjects>();
  const add = (side: 'main' | 'branch', object: DeltaObject) => {
    const format = formatOfKey(object.key, declared);
    if (!format) return;
    const table = tableOfKey(object.key, format);
    let entry = tables.get(table);
    if (!entry) tables.set(table, (entry = { table, format, main: [], branch: [] }));
    entry[side].push(object);
  };
  for (const object of main) add('main', object);
  for (const object of branch) add('branch', object);
  const byKey = (a: DeltaObject, b: DeltaObject) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return [...tables.values()]
    .map((t) => ({ ...t, main: [...t.main].sort(byKey), branch: [...t.branch].sort(byKey) }))
    .sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}
