/**
 * Reading local files for `put` and `run --put`: one file, or every file under a folder with keys
 * relative to it (forward slashes on every platform). What a folder holds that cannot be an object is
 * skipped and said: symbolic links (not followed, as `aws s3 cp --recursive --no-follow-symlinks`),
 * special files (FIFOs, sockets, devices, which would block or never end), and names that are not
 * valid UTF-8 (S3 keys are UTF-8). A folder put again skips the files the bucket already holds with
 * the same content, so an interrupted put resumes where it stopped.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { InputError } from '../model/errors.js';
import type { ObjectInfo, Stage } from '../stage/stage.js';

/** A file to upload and the key it gets. */
export interface FileToPut {
  path: string;
  key: string;
  size: number;
}

/** Something under a folder that is not put, and why. */
export interface SkippedEntry {
  /** The path, with characters that are not valid UTF-8 shown as U+FFFD. */
  path: string;
  why: 'symbolic link' | 'special file' | 'name not UTF-8';
}

/** What a path holds to put. */
export interface FilesToPut {
  files: FileToPut[];
  skipped: SkippedEntry[];
  /** Whether the path is a folder (a folder put resumes; a single file is always put). */
  folder: boolean;
}

/**
 * The files at `path`: the file itself (key: its name, or `key`), or every file below a folder (key:
 * its path relative to the folder, under `key` as a folder of its own: `--key in` puts `dir/a.csv` as
 * `in/a.csv`, as `aws s3 cp --recursive dir s3://bucket/in` would).
 * @throws InputError `SLUICE_E_FILE_MISSING` when nothing is there; `SLUICE_E_FILE_KIND` for a FIFO,
 *   socket or device.
 * @example filesToPut('sample-data', 'in').files // [{ path: 'sample-data/a.csv', key: 'in/a.csv', size: 12 }, ...]
 */
export function filesToPut(path: string, key?: string): FilesToPut {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError('SLUICE_E_FILE_MISSING', `'${path}' does not exist; give a file or a folder to put`, { given: path });
  }
  if (stat.isFile()) return { files: [{ path, key: key ?? basename(path), size: stat.size }], skipped: [], folder: false };
  if (!stat.isDirectory()) {
    throw new InputError('SLUICE_E_FILE_KIND', `'${path}' is a ${kindOf(stat)}, not a file or a folder; reading it would ${stat.isFIFO() ? 'wait for a writer' : 'never end'}: copy what it holds into a file and put that`, { given: path, expected: 'a file or a folder' });
  }
  const files: FileToPut[] = [];
  const skipped: SkippedEntry[] = [];
  // A prefix is a folder: joined with one '/', whether or not it was given with one.
  const folder = key?.replace(/\/+$/, '');
  const prefix = folder ? `${folder}/` : '';
  const walk = (dir: string) => {
    // Names as bytes: a name that is not UTF-8 would otherwise be decoded into one that does not exist.
    const entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' }).map((e) => ({ entry: e, name: e.name.toString('utf8') }));
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const { entry, name } of entries) {
      const full = join(dir, name);
      if (!Buffer.from(name, 'utf8').equals(entry.name)) skipped.push({ path: full, why: 'name not UTF-8' });
      else if (entry.isSymbolicLink()) skipped.push({ path: full, why: 'symbolic link' });
      else if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push({ path: full, key: `${prefix}${relative(path, full).split(sep).join('/')}`, size: lstatSync(full).size });
      else skipped.push({ path: full, why: 'special file' });
    }
  };
  walk(path);
  return { files, skipped, folder: true };
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'FIFO (named pipe)';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'device';
  return 'special file';
}

/** What a put did. */
export interface PutResult {
  /** The keys put. */
  put: string[];
  /** Keys the bucket already held with the same content (a folder put again), not put. */
  unchanged: string[];
  skipped: SkippedEntry[];
}

/**
 * Put the files into a bucket of the stage. A folder's files that the bucket already holds with the
 * same size and MD5 (the ETag of an object put whole) are skipped unless `force`: a repeated put of a
 * folder resumes an interrupted one and triggers nothing for what is already there.
 */
export async function putFiles(stage: Stage, bucket: string, scan: FilesToPut, options: { force?: boolean } = {}): Promise<PutResult> {
  let todo = scan.files;
  const unchanged: string[] = [];
  if (scan.folder && !options.force && todo.length > 0) {
    const held = new Map<string, ObjectInfo>((await stage.list(bucket, commonPrefix(todo.map((f) => f.key)))).map((o) => [o.key, o]));
    todo = todo.filter((f) => {
      const o = held.get(f.key);
      const same = o !== undefined && o.size === f.size && o.eTag.replaceAll('"', '') === createHash('md5').update(readFileSync(f.path)).digest('hex');
      if (same) unchanged.push(f.key);
      return !same;
    });
  }
  const put = await stage.put(bucket, readBodies(todo));
  return { put, unchanged, skipped: scan.skipped };
}

/** A sentence on what a put left out, for people ('' when nothing was). */
export function describeLeftOut(result: PutResult): string {
  const parts: string[] = [];
  if (result.unchanged.length) parts.push(`${result.unchanged.length} file(s) already there with the same content, not put again (--force puts them)`);
  const byWhy = new Map<string, string[]>();
  for (const s of result.skipped) byWhy.set(s.why, [...(byWhy.get(s.why) ?? []), s.path]);
  const what: Record<SkippedEntry['why'], (n: number) => string> = {
    'symbolic link': (n) => `${n} symbolic link${n === 1 ? '' : 's'} (not followed)`,
    'special file': (n) => `${n} special file${n === 1 ? '' : 's'} (FIFO, socket or device)`,
    'name not UTF-8': (n) => `${n} file${n === 1 ? ' whose name is' : 's whose names are'} not UTF-8 (S3 keys are UTF-8)`,
  };
  for (const [why, paths] of byWhy) parts.push(`skipped ${what[why as SkippedEntry['why']](paths.length)}: ${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', ...' : ''}`);
  return parts.join('; ');
}

function commonPrefix(keys: string[]): string {
  let prefix = keys[0] ?? '';
  for (const k of keys) while (!k.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** The files as objects to put, each read only when it is put. */
export function* readBodies(files: FileToPut[]): Generator<{ key: string; body: Buffer }> {
  for (const f of files) yield { key: f.key, body: readFileSync(f.path) };
}
