/**
 * Deltas (issue 12b): 1,000,000 rows by 10 columns, 1% of rows changed, 0.1% added and 0.1% removed,
 * as Parquet and as CSV. Three variants side by side, each in its own process (bench/_deltas-variant.ts)
 * so its peak RSS is its own: sluice's `bucketDeltas` (objects, schema, per-column summaries, keyed row
 * diff with examples); the bare DuckDB statements it issued, replayed on a fresh database (the limit);
 * and a keyed Map diff in plain JavaScript (csv-parse or hyparquet into row objects: what a user writes
 * by hand, with no summaries). Median of RUNS runs for sluice and bare, one for the hand-written diff.
 * Goals: under 5 s for Parquet and 10 s for CSV, within 1.5x of the bare statements.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { OFFLINE_SETTINGS } from '../src/branch/deltas/duckdb.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VARIANT = join(ROOT, 'bench/_deltas-variant.ts');
const ROWS = 1_000_000;
const RUNS = 3;
const EXPECTED = { added: ROWS / 1000, removed: ROWS / 1000, changed: ROWS / 100 };
const GOAL_SECONDS = { parquet: 5, csv: 10 } as const;

/** Ten columns of typical order data; `id` is the key. */
const COLUMNS = `i AS id, 'customer-' || (i * 7919 % 50000) AS customer, (i * 31 % 100000) / 100.0 AS amount, CAST(i % 17 AS INTEGER) AS quantity,
  ['paid', 'pending', 'refunded', 'shipped'][i % 4 + 1] AS status, DATE '2026-01-01' + CAST(i % 365 AS INTEGER) AS day,
  ['eu', 'us', 'apac'][i % 3 + 1] AS region, (i % 1000) / 7.0 AS score, i % 2 = 0 AS flag, 'note ' || i AS note`;

/** main: ids 0..ROWS-1; branch: 0.1% of them removed, 1% with a changed amount, 0.1% new ids. */
async function writeSides(dir: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', OFFLINE_SETTINGS);
  const db = await instance.connect();
  await db.run(`CREATE TABLE main AS SELECT ${COLUMNS} FROM range(${ROWS}) t(i)`);
  await db.run(`CREATE TABLE branch AS SELECT * REPLACE (CASE WHEN id % 100 = 7 THEN amount + 1 ELSE amount END AS amount) FROM main WHERE id % 1000 <> 3
    UNION ALL SELECT ${COLUMNS} FROM range(${ROWS}, ${ROWS + EXPECTED.added}) t(i)`);
  for (const side of ['main', 'branch']) {
    await db.run(`COPY ${side} TO '${join(dir, `${side}.parquet`)}' (FORMAT parquet)`);
    await db.run(`COPY ${side} TO '${join(dir, `${side}.csv`)}' (FORMAT csv, HEADER)`);
  }
  db.closeSync();
  instance.closeSync();
}

interface Run { ms: number; cpuMs: number; peakRss: number; added: number; removed: number; changed: number }

function run(variant: string, format: string, dir: string): Run {
  const r = spawnSync(process.execPath, ['--conditions=sluice-source', '--import', 'tsx', VARIANT, variant, format, dir], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' } });
  if (r.status !== 0) throw new Error(`deltas bench variant ${variant} ${format} failed (${r.status}): ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Run;
  for (const k of ['added', 'removed', 'changed'] as const) {
    if (result[k] !== EXPECTED[k]) throw new Error(`variant ${variant} ${format} found ${result[k]} rows ${k}, not ${EXPECTED[k]}`);
  }
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export default async function deltas(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-deltas-'));
  try {
    await writeSides(dir);
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores (time is wall-clock; CPU time, all threads, hardly depends on other load)`);
    console.log(`${ROWS.toLocaleString('en')} rows x 10 columns per side, keyed by id; branch: ${EXPECTED.changed.toLocaleString('en')} changed, ${EXPECTED.added.toLocaleString('en')} added, ${EXPECTED.removed.toLocaleString('en')} removed`);
    for (const format of ['parquet', 'csv'] as const) {
      const runs: Record<'sluice' | 'bare', Run[]> = { sluice: [], bare: [] };
      for (let i = 0; i < RUNS; i++) for (const v of ['sluice', 'bare'] as const) runs[v].push(run(v, format, dir));
      const js = run('js', format, dir);
      const summary = (rs: Run[]) => ({ ms: median(rs.map((r) => r.ms)), cpu: median(rs.map((r) => r.cpuMs)), peak: Math.max(...rs.map((r) => r.peakRss)) });
      const sluice = summary(runs.sluice);
      const bare = summary(runs.bare);
      console.log(`\n${format}: main ${mb(statSync(join(dir, `main.${format}`)).size)}, branch ${mb(statSync(join(dir, `branch.${format}`)).size)}; median of ${RUNS} runs (the hand-written diff: 1 run), each in its own process`);
      const table = [
        ['variant', 'time', 'CPU time', 'peak RSS'],
        ['bare DuckDB statements sluice issues (the limit)', s(bare.ms), s(bare.cpu), mb(bare.peak)],
        ['sluice bucketDeltas (with summaries and examples)', s(sluice.ms), s(sluice.cpu), mb(sluice.peak)],
        ['keyed Map diff in JavaScript (rows only)', s(js.ms), s(js.cpuMs), mb(js.peakRss)],
      ];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
      const ratio = sluice.ms / bare.ms;
      const goal = GOAL_SECONDS[format];
      console.log(`sluice: ${ratio.toFixed(2)}x the bare statements (goal <= 1.5x: ${ratio <= 1.5 ? 'met' : 'NOT met'}); ${s(sluice.ms)} (goal < ${goal} s: ${sluice.ms < goal * 1000 ? 'met' : 'NOT met'}); ${(js.ms / sluice.ms).toFixed(1)}x faster than the hand-written diff`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
