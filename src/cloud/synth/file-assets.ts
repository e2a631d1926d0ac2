/**
 * Glue job assets: each job's script and extra files, uploaded as they are (no bundling), each under
 * a content-addressed folder that keeps the file's own name: `<sha256>/<name>`. The name matters:
 * Glue copies `--extra-py-files` beside the script under their object's name, and the script imports
 * them by it. The same bytes always get the same key, so an unchanged file is never uploaded again,
 * and a changed one changes the template (the job's ScriptLocation or arguments), as a bundle does.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Problem } from '../../model/errors.js';
import type { GlueJob } from '../../model/glue-job.js';

/** One file uploaded as it is. */
export interface FileAsset {
  /** Its key under the stack's assets prefix: `<sha256>/<file name>`. */
  key: string;
  body: Uint8Array;
  contentType: string;
  /** The file it was read from. */
  source: string;
}

/** A Glue job's files: its script, and its extra files in the order declared. */
export interface GlueAssets {
  script: FileAsset;
  extraFiles: FileAsset[];
}

/** Python modules Glue adds to the path (`--extra-py-files`); other extra files are copied beside the script (`--extra-files`). */
export const PYTHON_MODULE = /\.(py|zip|egg|whl)$/i;

/**
 * Read each Glue job's script and extra files.
 * @example buildGlueAssets([enrich]).get('enrich')!.script.key // '3f2a…/enrich.py'
 */
export function buildGlueAssets(jobs: readonly GlueJob[]): Map<string, GlueAssets> {
  const assets = new Map<string, GlueAssets>();
  for (const job of jobs) {
    const r = job.resolved;
    assets.set(job.name, { script: fileAsset(r.scriptPath), extraFiles: r.extraFiles.map(fileAsset) });
  }
  return assets;
}

/** The problems of a Glue job's files: a script or extra file that is not there. */
export function glueFileProblems(job: GlueJob): Problem[] {
  const r = job.resolved;
  const problems: Problem[] = [];
  if (r.scriptPath && !existsSync(r.scriptPath)) problems.push({ code: 'SLUICE_E_GLUE_FILE', node: job.name, field: 'script', message: `${job}: script '${String(job.props.script)}' does not exist (looked at ${r.scriptPath}); create it or fix the path, which is relative to the file declaring the job` });
  r.extraFiles.forEach((file, i) => {
    if (!existsSync(file)) problems.push({ code: 'SLUICE_E_GLUE_FILE', node: job.name, field: `extraFiles.${i}`, message: `${job}: extra file '${String(job.props.extraFiles?.[i])}' does not exist (looked at ${file}); create it or fix the path, which is relative to the file declaring the job` });
  });
  const names = [r.scriptPath, ...r.extraFiles].map((f) => basename(f));
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) problems.push({ code: 'SLUICE_E_GLUE_FILE', node: job.name, field: 'extraFiles', message: `${job}: two of its files are named '${twice[0]}'; Glue copies them side by side under their names, so one would replace the other; rename one` });
  return problems;
}

function fileAsset(path: string): FileAsset {
  const body = readFileSync(path);
  const hash = createHash('sha256').update(body).digest('hex');
  return { key: `${hash}/${basename(path)}`, body, contentType: /\.py$/i.test(path) ? 'text/x-python' : 'application/octet-stream', source: path };
}
