/**
 * JSON Lines rows (one JSON value per line) over Node streams: lines are split by node:readline as
 * the bytes arrive and written in chunks of about 64 KiB, so an object of any size streams through in
 * bounded memory.
 */
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { asReadable, counted, type RowCount, type RowSource } from './streams.js';
import { rowsParseError, type ObjectRef } from './where.js';

// Lines are joined into chunks of about this size before they are handed to the stream.
const CHUNK_BYTES = 64 * 1024;

/**
 * The rows of a JSON Lines stream; blank lines are skipped. A line that is not JSON fails the read
 * with its line number.
 * @example for await (const row of readJsonl(stream, { bucket: 'bronze', key: 'a.jsonl' })) total += row.amount;
 */
export async function* readJsonl<T = Record<string, unknown>>(stream: NodeJS.ReadableStream, where: ObjectRef): AsyncGenerator<T> {
  const source = asReadable(stream);
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      try {
        yield JSON.parse(text) as T;
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        throw rowsParseError('JSON Lines', where, `line ${line} is not JSON (${error.message})`, 'each line must hold one JSON value');
      }
    }
  } finally {
    lines.close();
    source.destroy();
  }
}

/**
 * JSON Lines for `rows`, as a byte stream; `count.rows` grows as rows pass. BigInts are written as
 * strings (JSON has no 64-bit integers).
 * @example await io.write('bronze', 'a.jsonl', jsonlStream(rows, count), { contentType: 'application/x-ndjson' });
 */
export function jsonlStream(rows: RowSource, count: RowCount): Readable {
  return Readable.from(jsonlChunks(rows, count), { objectMode: false });
}

async function* jsonlChunks(rows: RowSource, count: RowCount): AsyncGenerator<Buffer> {
  let chunk = '';
  for await (const row of counted(rows, count)) {
    chunk += JSON.stringify(row, bigintAsString) + '\n';
    if (chunk.length >= CHUNK_BYTES) {
      yield Buffer.from(chunk);
      chunk = '';
    }
  }
  if (chunk.length > 0) yield Buffer.from(chunk);
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
