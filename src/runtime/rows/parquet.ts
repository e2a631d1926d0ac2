/**
 * Parquet rows over Node streams, with hyparquet-writer and hyparquet (pure JavaScript, no native
 * binary or WASM file, so they bundle into a Lambda function as they are).
 *
 * Writing streams: rows are gathered into columns one row group at a time (`rowGroupSize` rows),
 * each group is encoded by hyparquet-writer's incremental `ParquetWriter` and handed on as bytes, and
 * the footer follows the last group. Memory holds one row group, whatever the object's size.
 *
 * Reading cannot stream from the front: a Parquet file's footer, at its end, says where each row group
 * is. The object is spooled to a temporary file (Lambda's /tmp holds up to 10 GB, set by the
 * function's ephemeral storage) and read one row group at a time, then the file is removed.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { asReadable, type RowCount, type RowSource } from './streams.js';
import { checkSchema, conformColumn, inferType, schemaElements, type ParquetSchema } from './parquet-schema.js';
import { rowsParseError, rowsSchemaError, type ObjectRef } from './where.js';

export type { ParquetSchema, ParquetColumnType } from './parquet-schema.js';

/** The rows of a row group by default: hyparquet-writer's default, and a few tens of MB of typical rows. */
export const DEFAULT_ROW_GROUP_SIZE = 100_000;

const CREATED_BY = 'sluice (hyparquet-writer)';

/** Options of `rows.parquet.write`. */
export interface ParquetWriteOptions {
  /** Column names to types, in order. @default inferred from the first row group (see parquet-schema.ts) */
  schema?: ParquetSchema;
  /** Rows per row group: what the writer holds in memory at once. @default 100000 */
  rowGroupSize?: number;
  /** The compression codec. @default 'SNAPPY' */
  codec?: 'SNAPPY' | 'UNCOMPRESSED';
}

/** Options of `rows.parquet.read`. */
export interface ParquetReadOptions {
  /** Only these columns. @default every column */
  columns?: string[];
}

/**
 * A ByteWriter that hands each row group's bytes on after the group is encoded, instead of keeping the
 * whole file: ParquetWriter calls `flush()` after every row group.
 */
class ChunkWriter extends ByteWriter {
  readonly chunks: Uint8Array[] = [];
  flush(): void {
    if (this.index === 0) return;
    this.chunks.push(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }
  override finish(): void {
    this.flush();
  }
  take(): Uint8Array[] {
    return this.chunks.splice(0);
  }
}

/**
 * Parquet bytes for `rows`, as a stream; `count.rows` grows as rows pass.
 * @example await io.write('bronze', 'orders.parquet', parquetStream(rows, { bucket: 'bronze', key: 'orders.parquet' }, {}, count), {});
 */
export function parquetStream(rows: RowSource, where: ObjectRef, options: ParquetWriteOptions, count: RowCount): Readable {
  return Readable.from(parquetChunks(rows, where, options, count), { objectMode: false });
}

async function* parquetChunks(rows: RowSource, where: ObjectRef, options: ParquetWriteOptions, count: RowCount): AsyncGenerator<Uint8Array> {
  const groupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isInteger(groupSize) || groupSize < 1) {
    throw rowsSchemaError(where, `rowGroupSize must be a whole number of rows from 1 (given ${String(options.rowGroupSize)})`, { field: 'rowGroupSize', given: options.rowGroupSize });
  }
  let schema = options.schema === undefined ? undefined : checkSchema(options.schema, where);
  const sink = new ChunkWriter(1024 * 1024);
  let writer: ParquetWriter | undefined;
  // The group being gathered, column by column (parallel arrays: this loop runs once per row); with an
  // inferred schema, columns appear as the first group's rows name them (earlier rows get nulls).
  const names: string[] = schema ? Object.keys(schema) : [];
  const known = new Set(names);
  let columns: unknown[][] = names.map(() => []);
  let inGroup = 0;
  let written = 0;

  const flushGroup = () => {
    if (!schema) schema = Object.fromEntries(names.map((name, i) => [name, inferType(columns[i]!)]));
    writer ??= new ParquetWriter({ writer: sink, schema: schemaElements(schema), codec: options.codec ?? 'SNAPPY', createdBy: CREATED_BY });
    const columnData = names.map((name, i) => ({ name, data: conformColumn(name, schema![name]!, columns[i]!, written, where) }));
    void writer.write({ columnData, rowGroupSize: inGroup });
    written += inGroup;
    inGroup = 0;
    columns = names.map(() => []);
  };

  for await (const row of rows as AsyncIterable<Record<string, unknown>>) {
    for (const name in row) {
      if (known.has(name)) continue;
      if (schema) throw unknownColumn(name, written + inGroup, schema, where);
      known.add(name);
      names.push(name);
      columns.push(new Array<unknown>(inGroup).fill(null));
    }
    for (let c = 0; c < names.length; c++) columns[c]!.push(row[names[c]!]);
    inGroup++;
    count.rows++;
    if (inGroup === groupSize) {
      flushGroup();
      yield* sink.take();
    }
  }
  if (inGroup > 0) flushGroup();
  writer ??= new ParquetWriter({ writer: sink, schema: schemaElements(schema ?? {}), createdBy: CREATED_BY });
  void writer.finish();
  yield* sink.take();
}

function unknownColumn(name: string, row: number, schema: ParquetSchema, where: ObjectRef): Error {
  return rowsSchemaError(where, `row ${row + 1} has column '${name}', which is not in the schema (${Object.keys(schema).join(', ')}); add it to { schema }, or drop it from the rows`, { field: name, expected: Object.keys(schema).join(', ') });
}

/**
 * The rows of a Parquet stream, one row group in memory at a time (see the module comment). INT64
 * columns come back as bigints, timestamps as Dates.
 * @example for await (const row of readParquet(stream, { bucket: 'bronze', key: 'orders.parquet' })) console.log(row.id);
 */
export async function* readParquet(stream: NodeJS.ReadableStream, where: ObjectRef, options: ParquetReadOptions = {}): AsyncGenerator<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-parquet-'));
  try {
    const path = join(dir, 'object.parquet');
    await pipeline(asReadable(stream), createWriteStream(path));
    const file = await asyncBufferFromFile(path);
    let metadata;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (error) {
      throw rowsParseError('Parquet', where, `cannot be read (${(error as Error).message})`, 'write it as Parquet, or read it with rows.csv or rows.jsonl');
    }
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, ...(options.columns ? { columns: options.columns } : {}) });
      yield* rows;
      rowStart = rowEnd;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
