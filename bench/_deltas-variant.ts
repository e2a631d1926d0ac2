/**
 * One variant of the deltas benchmark (bench/deltas.ts), in its own process so its peak RSS is its own:
 * `sluice` runs bucketDeltas on main's and the branch's file and writes the SQL it issued to
 * `<dir>/<format>.sql.json`; `bare` replays those statements on a fresh DuckDB database, reading the
 * same files (the limit: the same queries without sluice around them); `js` is a keyed Map diff a user
 * writes by hand (csv-parse or hyparquet to row objects, a Map by id, every column compared).
 * Prints one JSON line: milliseconds, CPU milliseconds (user + system, every thread), peak RSS in bytes, and the row counts found (to check the variants agree).
 */
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { DuckDBInstance } from '@duckdb/node-api';
import { bucketDeltas } from '../src/branch/deltas/index.js';
import { OFFLINE_SETTINGS } from '../src/branch/deltas/duckdb.js';

const [variant, format, dir] = process.argv.slice(2) as ['sluice' | 'bare' | 'js', 'parquet' | 'csv', string];
const file = (side: string) => join(dir, `${side}.${format}`);
const sqlFile = join(dir, `${format}.sql.json`);

interface Counts { added: number; removed: number; changed: number }

async function viaSluice(): Promise<Counts> {
  const statements: string[] = [];
  const object = (side: string) => ({ key: `orders/part-0.${format}`, path: file(side), size: statSync(file(side)).size });
  const delta = await bucketDeltas({ bucket: 'silver', main: [object('main')], branch: [object('branch')], keys: ['id'] }, { onQuery: (sql) => statements.push(sql) });
  writeFileSync(sqlFile, JSON.stringify(statements));
  const rows = delta.tables[0]!.rows;
  return { added: rows.added!, removed: rows.removed!, changed: rows.changed! };
}

async function bare(): Promise<Counts> {
  // The statements read linked copies under a folder sluice removed since: point them at the files.
  const statements = (JSON.parse(readFileSync(sqlFile, 'utf8')) as string[]).map((sql) => sql.replace(/'[^']*\/t0_(main|branch)-0\.(?:csv|parquet)'/g, (_, side: string) => `'${file(side)}'`));
  const instance = await DuckDBInstance.create(':memory:', OFFLINE_SETTINGS);
  const connection = await instance.connect();
  let counts: Counts = { added: -1, removed: -1, changed: -1 };
  for (const sql of statements) {
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS();
    if (/^SELECT count\(\*\) FILTER \(WHERE in_main IS NULL\) AS added/.test(sql)) counts = { added: Number(rows[0]!.added), removed: Number(rows[0]!.removed), changed: Number(rows[0]!.changed) };
  }
  connection.closeSync();
  instance.closeSync();
  return counts;
}

type Row = Record<string, unknown>;

async function readRows(path: string): Promise<Row[]> {
  if (format === 'parquet') return (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Row[];
  const rows: Row[] = [];
  for await (const row of createReadStream(path).pipe(parse({ columns: true }))) rows.push(row as Row);
  return rows;
}

async function byHand(): Promise<Counts> {
  const [main, branch] = await Promise.all([readRows(file('main')), readRows(file('branch'))]);
  const byId = new Map<unknown, Row>();
  for (const row of main) byId.set(String(row.id), row);
  const columns = Object.keys(main[0]!);
  const changedPerColumn = new Map<string, number>(columns.map((c) => [c, 0]));
  let added = 0;
  let changed = 0;
  const seen = new Set<string>();
  for (const row of branch) {
    const id = String(row.id);
    const before = byId.get(id);
    if (!before) {
      added++;
      continue;
    }
    seen.add(id);
    let differs = false;
    for (const c of columns) {
      const a = before[c];
      const b = row[c];
      const same = a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
      if (!same) {
        differs = true;
        changedPerColumn.set(c, changedPerColumn.get(c)! + 1);
      }
    }
    if (differs) changed++;
  }
  return { added, removed: main.length - seen.size, changed };
}

const started = performance.now();
const cpuBefore = process.cpuUsage();
const counts = variant === 'sluice' ? await viaSluice() : variant === 'bare' ? await bare() : await byHand();
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRss: process.resourceUsage().maxRSS * 1024, ...counts }));
