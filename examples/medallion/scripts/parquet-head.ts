/**
 * Prints the first rows of a Parquet file read from standard input, as a table: a look at a bronze,
 * silver or gold object without other tools. From the repository root:
 *
 *   npx sluice cat gold daily_revenue/order_date=2026-01-05/part-00000.parquet --entry examples/medallion/pipeline.ts \
 *     | node --import tsx examples/medallion/scripts/parquet-head.ts [--rows 10]
 */
import { parseArgs } from 'node:util';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

/** Every byte of standard input. */
async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10' } } });
const bytes = await readStdin();
const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
const total = Number(parquetMetadata(file).num_rows);
const rows = await parquetReadObjects({ file, rowEnd: Math.min(total, Number(values.rows)) });
console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : v]))));
console.log(`${rows.length} of ${total} rows`);
