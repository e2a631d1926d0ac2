/**
 * One variant of the rows benchmark (bench/rows.ts), in its own process so its peak RSS is its own:
 * `ctx` runs a job's `ctx.rows.csv.read` into `ctx.rows.parquet.write` over a file-backed JobIo;
 * `direct` calls csv-parse and hyparquet-writer on the same file with the same row groups and schema.
 * Prints one JSON line: rows, milliseconds, peak RSS in bytes. ROW_GROUP=N in the environment changes the
 * row group size (100,000 by default), to see how peak memory follows it.
 */
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { createJobCtx, type JobIo } from 'sluice/runtime';
import { schemaElements } from '../src/runtime/rows/parquet-schema.js';

const [variant, dir] = process.argv.slice(2) as ['ctx' | 'direct', string];
const COLUMNS = ['id', 'customer', 'amount', 'day', 'status'] as const;
const SCHEMA = Object.fromEntries(COLUMNS.map((c) => [c, 'STRING' as const]));
const ROW_GROUP = Number(process.env.ROW_GROUP ?? 100_000);

/** Buckets are directories under `dir`, objects files. */
function fileJobIo(root: string): JobIo {
  return {
    async *list() { /* not used here */ },
    async open(bucket, key) {
      return createReadStream(join(root, bucket, key), { highWaterMark: 1024 * 1024 });
    },
    async write(bucket, key, body) {
      mkdirSync(join(root, bucket), { recursive: true });
      const out = createWriteStream(join(root, bucket, key));
      await pipeline(body, out);
      return { size: out.bytesWritten };
    },
  };
}

async function viaCtx(): Promise<number> {
  const ctx = createJobCtx({ job: 'extract', flow: 'bench', execution: 'e', input: null, io: fileJobIo(dir), grants: { reads: ['landing'], writes: ['bronze'] }, log: () => {} });
  const written = await ctx.rows.parquet.write('bronze', 'ctx.parquet', ctx.rows.csv.read('landing', 'orders.csv'), { schema: SCHEMA, rowGroupSize: ROW_GROUP });
  return written.rows;
}

async function direct(): Promise<number> {
  const out = createWriteStream(join(dir, 'bronze', 'direct.parquet'));
  const sink = new ByteWriter(1024 * 1024);
  const flush = async () => {
    if (sink.index === 0) return;
    const chunk = new Uint8Array(sink.buffer.slice(0, sink.index));
    sink.index = 0;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  const writer = new ParquetWriter({ writer: sink, schema: schemaElements(SCHEMA) });
  let columns: unknown[][] = COLUMNS.map(() => []);
  let rows = 0;
  let inGroup = 0;
  const parser = createReadStream(join(dir, 'landing', 'orders.csv'), { highWaterMark: 1024 * 1024 }).pipe(parse({ columns: true, bom: true, skip_empty_lines: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    for (let i = 0; i < COLUMNS.length; i++) columns[i]!.push(record[COLUMNS[i]!]);
    rows++;
    if (++inGroup === ROW_GROUP) {
      void writer.write({ columnData: COLUMNS.map((name, i) => ({ name, data: columns[i]! })), rowGroupSize: inGroup });
      await flush();
      columns = COLUMNS.map(() => []);
      inGroup = 0;
    }
  }
  if (inGroup > 0) void writer.write({ columnData: COLUMNS.map((name, i) => ({ name, data: columns[i]! })), rowGroupSize: inGroup });
  void writer.finish();
  await flush();
  await new Promise((r) => out.end(r));
  return rows;
}

mkdirSync(join(dir, 'bronze'), { recursive: true });
const start = performance.now();
const rows = variant === 'ctx' ? await viaCtx() : await direct();
const ms = performance.now() - start;
console.log(JSON.stringify({ variant, rows, ms, peakRss: process.resourceUsage().maxRSS * 1024 }));
