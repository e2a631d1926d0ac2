/**
 * A `JobIo` over memory: buckets are maps of key to bytes. For unit tests of job handlers, and for
 * anything that needs a job's storage without files or S3 (bench/rows.ts). Writes take the whole
 * stream before the object appears, as S3 and the local store do.
 */
import { Readable } from 'node:stream';
import { InputError } from '../model/errors.js';
import type { JobIo, JobObject } from './job.js';

/** A JobIo whose objects live in memory, with direct access for tests. */
export interface MemoryJobIo extends JobIo {
  /** Put an object (test setup). */
  put(bucket: string, key: string, body: string | Uint8Array): void;
  /** An object's bytes, or undefined. */
  get(bucket: string, key: string): Buffer | undefined;
  /** Every key of a bucket, sorted. */
  keys(bucket: string): string[];
}

/**
 * An empty in-memory JobIo; `buckets` names the buckets that exist (others fail like a missing bucket).
 * @example const io = memoryJobIo(['bronze', 'silver']); io.put('bronze', 'a.csv', 'id\n1\n');
 */
export function memoryJobIo(buckets: string[]): MemoryJobIo {
  const store = new Map<string, Map<string, { body: Buffer; lastModified: Date }>>(buckets.map((b) => [b, new Map()]));
  const bucketOf = (bucket: string) => {
    const b = store.get(bucket);
    if (!b) throw new InputError('SLUICE_E_UNKNOWN_NODE', `bucket '${bucket}' does not exist (buckets: ${[...store.keys()].join(', ')})`, { field: bucket });
    return b;
  };
  return {
    put(bucket, key, body) {
      bucketOf(bucket).set(key, { body: Buffer.from(body as Uint8Array), lastModified: new Date() });
    },
    get: (bucket, key) => bucketOf(bucket).get(key)?.body,
    keys: (bucket) => [...bucketOf(bucket).keys()].sort(),
    async *list(bucket, prefix = ''): AsyncIterable<JobObject> {
      const b = bucketOf(bucket);
      for (const key of [...b.keys()].sort()) {
        if (!key.startsWith(prefix)) continue;
        const o = b.get(key);
        // Deleted or replaced since the listing started: S3's listing is a snapshot too.
        if (o) yield { key, size: o.body.length, lastModified: o.lastModified };
      }
    },
    async open(bucket, key) {
      const o = bucketOf(bucket).get(key);
      if (!o) throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}' (NoSuchKey)`, { node: bucket, field: key });
      // Chunks of 64 KiB, as a file or S3 stream would arrive.
      const body = o.body;
      return Readable.from((function* () {
        for (let i = 0; i < body.length; i += 65_536) yield body.subarray(i, i + 65_536);
      })(), { objectMode: false });
    },
    async write(bucket, key, body) {
      const b = bucketOf(bucket);
      const chunks: Buffer[] = [];
      for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      b.set(key, { body: bytes, lastModified: new Date() });
      return { size: bytes.length };
    },
  };
}
