/**
 * Loads one side of one table into a DuckDB temporary table. All the side's files are read in one
 * statement (union by column name); when that fails, each file is read alone, so the files that do not
 * parse as their format are named and left out while the others still compare.
 *
 * DuckDB reads a path with `*`, `?` or `[` as a glob and picks compression by the file name, so each
 * file is first linked under a plain name of ours with its key's extension (`main-3.csv.gz`).
 * CSV is read as RFC 4180 with a header row (comma, double quotes): both sides the same way, never
 * sniffed into different dialects.
 */
import { copyFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DuckSession, ident, literal, num } from './duckdb.js';
import type { DeltaObject, Side, TabularFormat, UnreadableObject } from './types.js';

/** The columns of a loaded side, in order, with DuckDB's type names. */
export type Columns = Array<{ name: string; type: string }>;

/** One side of a table, loaded. */
export interface LoadedSide {
  /** The temporary table's SQL name (already quoted). */
  sql: string;
  rows: number;
  columns: Columns;
  /** Files read (empty files count: they hold no rows). */
  objects: number;
}

/** A side's readable part (`null` when no file of it is) and the files that do not parse. */
export interface LoadResult {
  loaded: LoadedSide | null;
  unreadable: UnreadableObject[];
}

function extensionOf(key: string, format: TabularFormat): string {
  const gz = /\.gz$/i.test(key) ? '.gz' : '';
  return `.${format === 'jsonl' ? 'jsonl' : format}${format === 'parquet' ? '' : gz}`;
}

function reader(format: TabularFormat, paths: string[], options = ''): string {
  const list = `[${paths.map(literal).join(', ')}]`;
  switch (format) {
    case 'csv':
      // comment = '': the sniffer would otherwise take lines starting with '#' for comments and drop them.
      return `read_csv(${list}, header = true, delim = ',', quote = '"', escape = '"', comment = '', union_by_name = true${options})`;
    case 'jsonl':
      return `read_json(${list}, format = 'newline_delimited', union_by_name = true)`;
    case 'json':
      return `read_json(${list}, format = 'auto', union_by_name = true)`;
    case 'parquet':
      return `read_parquet(${list}, union_by_name = true)`;
  }
}

/** DuckDB's reason, first line, naming the key instead of our linked file. */
function reason(error: unknown, links: Map<string, string>): string {
  let message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
  for (const [path, key] of links) message = message.split(path).join(key);
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

/**
 * Reads one side's files into the temporary table `name`; files that do not parse are listed in
 * `unreadable` and left out; `loaded` is `null` when the side has no readable file.
 * @example await loadSide(db, 't0_main', 'main', 'csv', objects, dir)
 */
export async function loadSide(db: DuckSession, name: string, side: Side, format: TabularFormat, objects: DeltaObject[], linkDir: string): Promise<LoadResult> {
  const links = new Map<string, string>();
  const files: Array<{ path: string; key: string }> = [];
  let empty = 0;
  for (const [i, object] of objects.entries()) {
    if (object.size === 0) {
      empty++;
      continue;
    }
    const path = join(linkDir, `${name}-${i}${extensionOf(object.key, format)}`);
    try {
      symlinkSync(object.path, path);
    } catch {
      copyFileSync(object.path, path);
    }
    links.set(path, object.key);
    files.push({ path, key: object.key });
  }
  const sql = ident(name);
  const unreadable: UnreadableObject[] = [];
  if (files.length === 0) return { loaded: null, unreadable };
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE ${sql} AS SELECT * FROM ${reader(format, files.map((f) => f.path))}`);
  } catch {
    const parts: string[] = [];
    for (const [i, file] of files.entries()) {
      const part = ident(`${name}_${i}`);
      try {
        await readOne(db, part, format, file.path);
        parts.push(part);
      } catch (error) {
        unreadable.push({ key: file.key, side, format, error: reason(error, links) });
      }
    }
    if (parts.length === 0) return { loaded: null, unreadable };
    await unite(db, sql, parts);
    for (const part of parts) await db.run(`DROP TABLE ${part}`);
  }
  const columns = (await db.all(`SELECT column_name, column_type FROM (DESCRIBE ${sql})`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const rows = num((await db.all(`SELECT count(*) AS n FROM ${sql}`))[0]?.n);
  return { loaded: { sql, rows, columns, objects: files.length - unreadable.length + empty }, unreadable };
}

/**
 * The files read one by one, put together by column name; a column whose types no common type holds
 * (a struct in one file, a list in another) is taken as text in every file.
 */
async function unite(db: DuckSession, table: string, parts: string[]): Promise<void> {
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${parts.map((p) => `SELECT * FROM ${p}`).join(' UNION ALL BY NAME ')}`);
  } catch {
    const columns = await Promise.all(parts.map(async (p) => (await db.all(`SELECT column_name, column_type FROM (DESCRIBE ${p})`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }))));
    const types = new Map<string, Set<string>>();
    for (const part of columns) for (const c of part) types.set(c.name, (types.get(c.name) ?? new Set()).add(c.type));
    const selects = parts.map((p, i) => {
      const conflicting = columns[i]!.filter((c) => types.get(c.name)!.size > 1).map((c) => `CAST(${ident(c.name)} AS VARCHAR) AS ${ident(c.name)}`);
      return `SELECT *${conflicting.length ? ` REPLACE (${conflicting.join(', ')})` : ''} FROM ${p}`;
    });
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${selects.join(' UNION ALL BY NAME ')}`);
  }
}

/** One file alone; a CSV whose types the first rows mislead is read again with every row sampled. */
async function readOne(db: DuckSession, table: string, format: TabularFormat, path: string): Promise<void> {
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM ${reader(format, [path])}`);
  } catch (error) {
    if (format !== 'csv') throw error;
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM ${reader(format, [path], ', sample_size = -1')}`);
  }
}
