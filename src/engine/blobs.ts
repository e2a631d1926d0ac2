/**
 * Object bodies. Durable state keeps small bodies in SQLite itself, in the same transaction as the
 * object's metadata (SQLite reads and writes small blobs faster than the filesystem, and the body
 * commits atomically with its row); bodies over 256 KiB go to their own file, written before the
 * transaction that references them commits, so a crash leaves at worst an unreferenced file (swept at
 * the next start), never a row without its bytes. The in-memory store keeps its own (store/memory.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, unlinkSync, readdirSync, statSync, renameSync, copyFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from './store/database.js';
import { InternalError } from '../model/errors.js';

/** Where object bodies live. */
export interface BlobStore {
  /** Store bytes; returns the new blob's id. */
  write(data: Uint8Array): string;
  /**
   * Take a finished file in as a blob (moved, not copied, when it can be: a job's output of a few GB
   * is never read into memory); the file is gone afterwards. Returns the new blob's id.
   */
  adopt(path: string, size: number): string;
  read(id: string): Buffer;
  readAsync(id: string): Promise<Buffer>;
  /** The file holding the blob, when blobs are files (workers read it directly). */
  pathOf(id: string): string | undefined;
  remove(id: string): void;
  /** Remove blobs not in `referenced` and older than `olderThanMs`; returns how many. */
  sweep(referenced: (id: string) => boolean, olderThanMs: number): number;
}

/** Bodies up to this size live in SQLite; larger ones in files. */
export const INLINE_BLOB_MAX = 256 * 1024;

/** Small blobs in the state database, large ones as files under `dir`. Ids: `i<rowid>` or `f<uuid>`. */
export class SqliteFileBlobStore implements BlobStore {
  private readonly files: FileBlobStore;
  private readonly s;
  constructor(private readonly db: Db, dir: string) {
    db.exec('CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    this.files = new FileBlobStore(dir);
    this.s = {
      insert: db.prepare('INSERT INTO blobs (data) VALUES (?)'),
      get: db.prepare('SELECT data FROM blobs WHERE id = ?').pluck(),
      remove: db.prepare('DELETE FROM blobs WHERE id = ?'),
    };
  }
  write(data: Uint8Array): string {
    if (data.byteLength > INLINE_BLOB_MAX) return `f${this.files.write(data)}`;
    return `i${this.s.insert.run(data).lastInsertRowid}`;
  }
  adopt(path: string, size: number): string {
    if (size > INLINE_BLOB_MAX) return `f${this.files.adopt(path)}`;
    const id = this.write(readFileSync(path));
    unlinkSync(path);
    return id;
  }
  read(id: string): Buffer {
    if (id.startsWith('f')) return this.files.read(id.slice(1));
    const data = this.s.get.get(Number(id.slice(1))) as Buffer | undefined;
    if (!data) throw new InternalError(`blob ${id} is missing from the local state`);
    return data;
  }
  readAsync(id: string): Promise<Buffer> {
    return id.startsWith('f') ? this.files.readAsync(id.slice(1)) : Promise.resolve().then(() => this.read(id));
  }
  pathOf(id: string): string | undefined {
    return id.startsWith('f') ? this.files.pathOf(id.slice(1)) : undefined;
  }
  remove(id: string): void {
    if (id.startsWith('f')) this.files.remove(id.slice(1));
    else this.s.remove.run(Number(id.slice(1)));
  }
  sweep(referenced: (id: string) => boolean, olderThanMs: number): number {
    // Inline bodies left by a crash between an overwrite's commit and the old body's removal; a body
    // is referenced by an object or by an offloaded envelope payload.
    const inline = this.db.prepare("DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM objects WHERE objects.blob = 'i' || blobs.id) AND NOT EXISTS (SELECT 1 FROM payloads WHERE payloads.blob = 'i' || blobs.id)").run().changes;
    return inline + this.files.sweep((id) => referenced(`f${id}`), olderThanMs);
  }
}

/** Blobs as files under `dir`, fanned out by the first two characters of the id. */
export class FileBlobStore implements BlobStore {
  private readonly madeDirs = new Set<string>();
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  write(data: Uint8Array): string {
    const id = randomUUID().replaceAll('-', '');
    const sub = join(this.dir, id.slice(0, 2));
    if (!this.madeDirs.has(sub)) {
      mkdirSync(sub, { recursive: true });
      this.madeDirs.add(sub);
    }
    // A fresh name nobody references yet, so no temp-and-rename is needed: the row that points at it
    // commits only after this write returns.
    writeFileSync(join(sub, id), data);
    return id;
  }
  adopt(path: string): string {
    const id = randomUUID().replaceAll('-', '');
    const sub = join(this.dir, id.slice(0, 2));
    mkdirSync(sub, { recursive: true });
    try {
      renameSync(path, join(sub, id));
    } catch {
      // Another file system (a temp folder on tmpfs): copy, then remove the original.
      copyFileSync(path, join(sub, id));
      unlinkSync(path);
    }
    return id;
  }
  pathOf(id: string): string {
    return join(this.dir, id.slice(0, 2), id);
  }
  read(id: string): Buffer {
    return readFileSync(this.pathOf(id));
  }
  readAsync(id: string): Promise<Buffer> {
    return readFile(this.pathOf(id));
  }
  remove(id: string): void {
    try {
      unlinkSync(this.pathOf(id));
    } catch {
      // already gone: removal is idempotent
    }
  }
  sweep(referenced: (id: string) => boolean, olderThanMs: number): number {
    let removed = 0;
    const cutoff = Date.now() - olderThanMs;
    for (const sub of safeReaddir(this.dir)) {
      for (const id of safeReaddir(join(this.dir, sub))) {
        if (referenced(id)) continue;
        const file = join(this.dir, sub, id);
        try {
          if (statSync(file).mtimeMs > cutoff) continue;
          unlinkSync(file);
          removed++;
        } catch {
          // raced with another remover
        }
      }
    }
    return removed;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
