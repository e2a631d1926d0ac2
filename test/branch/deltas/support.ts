/**
 * Real files for the deltas tests: each object is written to a temporary folder under a name unlike
 * its key (as an AWS stage's download folder would), Parquet with hyparquet-writer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import type { DeltaObject } from '../../../src/branch/deltas/index.js';

/** A thrown SluiceError, as the tests check it. */
export interface SluiceErrorLike { code: string; message: string }

/** A temporary folder of object files; `remove()` deletes it. */
export interface Files {
  dir: string;
  /** Writes `body` as an object with `key` and returns it (with its MD5 as etag unless `etag: false`). */
  object(key: string, body: string | Uint8Array, options?: { etag?: boolean; name?: string }): DeltaObject;
  remove(): void;
}

/** A new temporary folder for one test's objects. */
export function files(): Files {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-deltas-test-'));
  let n = 0;
  return {
    dir,
    object(key, body, options = {}) {
      const path = join(dir, options.name ?? `object-${n++}`);
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      writeFileSync(path, bytes);
      return { key, path, size: bytes.byteLength, ...(options.etag === false ? {} : { etag: createHash('md5').update(bytes).digest('hex') }) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Parquet bytes of the given columns. */
export function parquet(columns: ColumnSource[]): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({ columnData: columns }));
}

/** CSV text from a header and rows (values written as given). */
export function csv(header: string[], rows: Array<Array<string | number>>): string {
  return [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}
