/**
 * Small stream plumbing the row helpers share: any readable as a Node `Readable`, any body as a byte
 * stream, and a row source (sync or async) counted as it is consumed.
 */
import { Readable } from 'node:stream';

/** Something rows come from: an array, a generator, an async generator, an object-mode stream. */
export type RowSource<T = object> = AsyncIterable<T> | Iterable<T>;

/** A counter the writers fill in while the rows stream through. */
export interface RowCount {
  rows: number;
}

/** A Node `Readable` for any `NodeJS.ReadableStream` (a web-style or old-style stream is wrapped). */
export function asReadable(stream: NodeJS.ReadableStream): Readable {
  return stream instanceof Readable ? stream : new Readable().wrap(stream);
}

/**
 * A byte stream for a body given as text, bytes, chunks or a stream, so every write reaches the
 * backend as one kind of thing (the JobIo takes a stream).
 */
export function bodyStream(body: string | Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body)], { objectMode: false });
  if (body instanceof Uint8Array) return Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)], { objectMode: false });
  if (isNodeStream(body)) return asReadable(body);
  return Readable.from(body, { objectMode: false });
}

function isNodeStream(value: unknown): value is NodeJS.ReadableStream {
  return value !== null && typeof value === 'object' && typeof (value as { pipe?: unknown }).pipe === 'function' && typeof (value as { on?: unknown }).on === 'function';
}

/** `rows` iterated asynchronously, each one counted in `count`. */
export async function* counted<T>(rows: RowSource<T>, count: RowCount): AsyncGenerator<T> {
  for await (const row of rows as AsyncIterable<T>) {
    count.rows++;
    yield row;
  }
}
