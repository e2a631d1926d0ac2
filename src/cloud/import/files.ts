/**
 * The files `sluice import` brings into a project: downloaded from S3, then written under the project
 * folder, never over a different file unless the user says `--force`. Every conflict is found before
 * anything is written, so a refusal leaves the project as it was.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { AwsSession } from '../deploy/aws.js';
import { InternalError } from '../../model/errors.js';
import { AwsImportError, IMPORT_CODES, explainImportError } from './errors.js';
import type { Download } from './glue-job.js';
import { parseS3Url } from './s3-url.js';

/** A downloaded file, ready to write. */
export interface FetchedFile {
  /** `s3://bucket/key`. */
  from: string;
  /** Relative to the project folder, `/` separators. */
  to: string;
  body: Uint8Array;
}

/** What became of one file. */
export interface WrittenFile {
  from: string;
  to: string;
  bytes: number;
  /** `unchanged`: the file was already there with the same bytes. */
  status: 'written' | 'overwritten' | 'unchanged';
}

/**
 * Download an S3 object a Glue job names.
 * @throws AwsImportError SLUICE_E_IMPORT_NOT_FOUND or SLUICE_E_IMPORT_ACCESS naming the object and the job.
 * @example const file = await downloadObject(aws, { url: 's3://b/clean.py', to: 'jobs/clean.py', role: 'script' }, 'clean');
 */
export async function downloadObject(aws: AwsSession, download: Download, jobName: string): Promise<FetchedFile> {
  const location = parseS3Url(download.url)!;
  const what = `S3 object '${download.url}' (${download.role === 'script' ? 'the script' : `named in ${download.role}`} of Glue job '${jobName}')`;
  try {
    const out = await aws.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return { from: download.url, to: download.to, body: await out.Body!.transformToByteArray() };
  } catch (error) {
    throw explainImportError(error, { what, action: 's3:GetObject', given: download.url }, aws);
  }
}

/**
 * Write the files under `dir`. A file already there with other bytes stops everything, unless `force`.
 * @throws AwsImportError SLUICE_E_IMPORT_FILE_EXISTS listing every file that differs.
 * @example writeImportedFiles(process.cwd(), files, { force: false })
 */
export function writeImportedFiles(dir: string, files: readonly FetchedFile[], options: { force: boolean }): WrittenFile[] {
  const root = resolve(dir);
  const planned = files.map((file) => {
    const path = resolve(root, file.to);
    if (!path.startsWith(root + sep)) throw new InternalError(`import target '${file.to}' is outside the project folder '${root}'`);
    const existing = existsSync(path) ? readFileSync(path) : undefined;
    const status: WrittenFile['status'] = existing === undefined ? 'written' : Buffer.compare(existing, file.body) === 0 ? 'unchanged' : 'overwritten';
    return { file, path, status };
  });
  const conflicts = planned.filter((p) => p.status === 'overwritten');
  if (conflicts.length && !options.force) {
    const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));
    const list = conflicts.map((c) => `  - ${shown(c.path)} differs from ${c.file.from}`).join('\n');
    throw new AwsImportError(IMPORT_CODES.fileExists, `${conflicts.length} file${conflicts.length === 1 ? '' : 's'} already exist${conflicts.length === 1 ? 's' : ''} with other content; nothing was written: move ${conflicts.length === 1 ? 'it' : 'them'} away, or pass --force to overwrite with the deployed version\n${list}`, { field: 'file', given: conflicts.map((c) => c.file.to) });
  }
  return planned.map(({ file, path, status }) => {
    if (status !== 'unchanged') {
      mkdirSync(dirname(path), { recursive: true });
      // Written whole, then renamed: an interrupted import never leaves half a script.
      const temp = join(dirname(path), `.${process.pid}.sluice-import.tmp`);
      writeFileSync(temp, file.body);
      renameSync(temp, path);
    }
    return { from: file.from, to: file.to, bytes: file.body.byteLength, status };
  });
}
