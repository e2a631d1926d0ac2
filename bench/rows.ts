/**
 * Row helpers (issue 11): 1,000,000 CSV rows to Parquet through a job's `ctx` (ctx.rows.csv.read into
 * ctx.rows.parquet.write, over a file-backed JobIo), against csv-parse and hyparquet-writer called
 * directly on the same file with the same row groups and schema, in the same run. Each variant runs
 * in a child process of its own (bench/_rows-variant.ts), three times alternating, so peak RSS is the
 * variant's own; the median time and the largest peak are shown.
 * Goal: ctx at least 80% of the libraries' throughput, memory bounded (peak RSS far below the data).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VARIANT = join(ROOT, 'bench/_rows-variant.ts');
const ROWS = 1_000_000;
const RUNS = 3;
const STATUSES = ['paid', 'pending', 'refunded', 'shipped'];

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,customer,amount,day,status\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    chunk += `${i},customer-${(i * 7919) % 5000},${((i * 31) % 100000) / 100},2026-01-${String((i % 28) + 1).padStart(2, '0')},${STATUSES[i % 4]}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise((r) => out.end(r));
}

interface Run {
  rows: number;
  ms: number;
  peakRss: number;
}

function run(variant: 'ctx' | 'direct', dir: string): Run {
  const r = spawnSync(process.execPath, ['--conditions=sluice-source', '--import', 'tsx', VARIANT, variant, dir], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.status !== 0) throw new Error(`rows bench variant ${variant} failed (${r.status}): ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Run;
  if (result.rows !== ROWS) throw new Error(`variant ${variant} wrote ${result.rows} rows, not ${ROWS}`);
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export default async function rows(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-rows-'));
  try {
    mkdirSync(join(dir, 'landing'));
    const csv = join(dir, 'landing', 'orders.csv');
    await writeCsv(csv);
    const runs: Record<'ctx' | 'direct', Run[]> = { ctx: [], direct: [] };
    for (let i = 0; i < RUNS; i++) for (const v of ['direct', 'ctx'] as const) runs[v].push(run(v, dir));
    const summary = (['direct', 'ctx'] as const).map((v) => {
      const ms = median(runs[v].map((r) => r.ms));
      return { v, ms, rate: ROWS / (ms / 1000), peak: Math.max(...runs[v].map((r) => r.peakRss)) };
    });
    const [direct, ctx] = summary as [typeof summary[0], typeof summary[0]];
    console.log(`${ROWS.toLocaleString('en')} CSV rows (${mb(statSync(csv).size)}) to Parquet (row groups of 100,000, 5 STRING columns, SNAPPY); median of ${RUNS} runs, each in its own process`);
    const table = [
      ['variant', 'time', 'rows/s', 'peak RSS', 'Parquet'],
      ['csv-parse + hyparquet-writer directly', `${(direct.ms / 1000).toFixed(2)} s`, Math.round(direct.rate).toLocaleString('en'), mb(direct.peak), mb(statSync(join(dir, 'bronze', 'direct.parquet')).size)],
      ['ctx.rows.csv.read -> ctx.rows.parquet.write', `${(ctx.ms / 1000).toFixed(2)} s`, Math.round(ctx.rate).toLocaleString('en'), mb(ctx.peak), mb(statSync(join(dir, 'bronze', 'ctx.parquet')).size)],
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
    const ratio = ctx.rate / direct.rate;
    console.log(`ctx throughput: ${(ratio * 100).toFixed(0)}% of the libraries' (goal >= 80%: ${ratio >= 0.8 ? 'met' : 'NOT met'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
