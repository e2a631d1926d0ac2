/**
 * CSV rows over Node streams with csv-parse and csv-stringify (the `csv` project's parser and
 * stringifier, both `stream.Transform`s): a row is parsed or written as it passes, so an object of
 * any size streams through in bounded memory.
 */
import { PassThrough, Readable, pipeline } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { asReadable, counted, type RowCount, type RowSource } from './streams.js';
import { rowsParseError, type ObjectRef } from './where.js';

/** A malformed CSV record that was skipped (with `onMalformed`). */
export interface MalformedRow {
  /** The line the record ends on (1-based, counting the header). */
  line: number;
  /** What is wrong with it, as csv-parse says. */
  reason: string;
  /** The record's text as read, when csv-parse kept it. */
  raw?: string;
}

/** Options of `rows.csv.read`. */
export interface CsvReadOptions {
  /** The field separator. @default ',' */
  delimiter?: string;
  /**
   * Column names: `true` takes them from the first line; an array names them (the first line is then
   * a record). @default true
   */
  columns?: true | string[];
  /** Skip lines that are empty. @default true */
  skipEmptyLines?: boolean;
  /** Trim spaces around fields. @default false */
  trim?: boolean;
  /**
   * Called for each malformed record (unclosed quote, wrong number of fields), which is then skipped;
   * without it the first malformed record fails the read with its line.
   */
  onMalformed?: (row: MalformedRow) => void;
}

/** Options of `rows.csv.write`. */
export interface CsvWriteOptions {
  /** The field separator. @default ',' */
  delimiter?: string;
  /** The columns, in order. @default the first row's keys */
  columns?: string[];
  /** Write a header line. @default true */
  header?: boolean;
}

/**
 * The rows of a CSV stream, one object per record keyed by column name.
 * @example for await (const row of readCsv(stream, { bucket: 'landing', key: 'a.csv' })) console.log(row.id);
 */
export function readCsv(stream: NodeJS.ReadableStream, where: ObjectRef, options: CsvReadOptions = {}): AsyncIterable<Record<string, string>> {
  const source = asReadable(stream);
  const onMalformed = options.onMalformed;
  const parser = parse({
    columns: options.columns ?? true,
    delimiter: options.delimiter ?? ',',
    skip_empty_lines: options.skipEmptyLines ?? true,
    trim: options.trim ?? false,
    bom: true,
    ...(onMalformed ? {
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined, raw: string | undefined) => {
        onMalformed({ line: Number(error?.lines ?? 0), reason: error?.message ?? 'malformed record', ...(raw !== undefined ? { raw } : {}) });
        return undefined;
      },
    } : {}),
  });
  // An error of the source destroys the parser with it, so the iteration below rejects with it.
  pipeline(source, parser, () => {});
  // The parser's own iterator, its errors named: a generator around it would cost a promise per row.
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<Record<string, string>>;
  const fail = (error: unknown): never => {
    source.destroy();
    throw parseError(error, where);
  };
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => records.next().then(undefined, fail),
      return: async (value?: unknown) => {
        source.destroy();
        return (await records.return?.(value)) ?? { done: true, value: value as Record<string, string> };
      },
    }),
  };
}

function parseError(error: unknown, where: ObjectRef): unknown {
  const e = error as CsvError;
  if (typeof e?.code !== 'string' || !e.code.startsWith('CSV_')) return error;
  const line = e.lines !== undefined ? `line ${String(e.lines)} ` : '';
  return rowsParseError('CSV', where, `${line}cannot be parsed: ${e.message}`, 'fix the row, or pass { onMalformed: (row) => ... } to skip malformed rows and count them');
}

/**
 * CSV text for `rows`, as a byte stream; `count.rows` grows as rows pass. Booleans are written as
 * true/false (csv-stringify's default is 1 and empty), dates in ISO 8601, objects as JSON.
 * @example await io.write('silver', 'a.csv', csvStream(rows, {}, count), { contentType: 'text/csv' });
 */
export function csvStream(rows: RowSource, options: CsvWriteOptions, count: RowCount): Readable {
  const stringifier = stringify({
    header: options.header ?? true,
    delimiter: options.delimiter ?? ',',
    ...(options.columns ? { columns: options.columns } : {}),
    cast: {
      boolean: (value) => (value ? 'true' : 'false'),
      date: (value) => value.toISOString(),
      object: (value) => JSON.stringify(value),
      bigint: (value) => value.toString(),
    },
  });
  const out = new PassThrough();
  // An error anywhere (a row source that throws) destroys `out`, so the write reading it fails.
  pipeline(Readable.from(counted(rows, count), { objectMode: true }), stringifier, out, () => {});
  return out;
}
