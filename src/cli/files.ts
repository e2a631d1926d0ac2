/**
 * Reading local files for `put`: one file, or every file under a folder with keys relative to it
 * (forward slashes on every platform).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { InputError } from '../model/errors.js';

/** A file to upload and the key it gets. */
export interface FileToPut {
  path: string;
  key: string;
}

/**
 * The files at `path`: the file itself (key: its name, or `key`), or every file below a folder (key:
 * its path relative to the folder, under `key` as a folder of its own: `--key in` puts `dir/a.csv` as
 * `in/a.csv`, as `aws s3 cp --recursive dir s3://bucket/in` would).
 * @example filesToPut('sample-data', 'in') // [{ path: 'sample-data/a.csv', key: 'in/a.csv' }, ...]
 */
export function filesToPut(path: string, key?: string): FileToPut[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError('SLUICE_E_FILE_MISSING', `'${path}' does not exist; give a file or a folder to put`);
  }
  if (stat.isFile()) return [{ path, key: key ?? basename(path) }];
  const out: FileToPut[] = [];
  // A prefix is a folder: joined with one '/', whether or not it was given with one.
  const folder = key?.replace(/\/+$/, '');
  const prefix = folder ? `${folder}/` : '';
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push({ path: full, key: `${prefix}${relative(path, full).split(sep).join('/')}` });
    }
  };
  walk(path);
  return out;
}

/** The files as objects to put, each read only when it is put. */
export function* readBodies(files: FileToPut[]): Generator<{ key: string; body: Buffer }> {
  for (const f of files) yield { key: f.key, body: readFileSync(f.path) };
}
