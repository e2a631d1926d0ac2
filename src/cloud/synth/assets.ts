/**
 * Function assets (functions and jobs): each handler bundled with esbuild for Lambda (`bundleHandler`, cached by content),
 * wrapped as `index.mjs` exporting `handler`, zipped deterministically (fixed timestamps and modes)
 * and named by the sha256 of the zip. Functions sharing a handler share one asset.
 *
 * Layout on disk (`writeSynthesis`): `<out>/assets/<sha256>.zip`; in the template the code is
 * `s3://${AssetsBucket}/${AssetsPrefix}<sha256>.zip`, uploaded by deploy before the stack changes.
 *
 * Lambda entry: when `src/runtime/aws/lambda.ts` exists it must export `lambdaHandler(userModule)`,
 * which turns a handler module (a component, source, sink or plain handler) into a Lambda handler;
 * until then the module's own `handler` (or `default`) export is the Lambda handler.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { bundleHandler } from '../../bundling/bundle.js';
import type { Fn } from '../../model/fn.js';
import type { Job } from '../../model/job.js';
import { SynthError } from './errors.js';
import { bundledFile, forBundling } from '../../bundling/source-ext.js';

/** One function bundle, zipped. */
export interface FunctionAsset {
  /** sha256 (hex) of the zip: its file name and S3 key stem. */
  hash: string;
  /** The zip's bytes. */
  zip: Uint8Array;
  /** The handler file it was built from. */
  handler: string;
}

const ADAPTER = bundledFile('runtime/aws/lambda');
// A job's function has its own entry: the row helpers and streamed S3 I/O stay out of every step's bundle.
const JOB_ADAPTER = bundledFile('runtime/aws/job-lambda');

// DOS timestamps have no zone: building the date from local fields gives the same bytes in every zone.
const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);
// A regular file, rw-r--r--, made on Unix: Lambda must be able to read it.
const ZIP_FILE = { mtime: ZIP_TIME, os: 3, attrs: (0o100644 << 16) >>> 0, level: 9 as const };

/**
 * Bundle and zip the handler of every function, once per distinct handler file.
 * @example const assets = await buildAssets([copy], { cacheDir: '.sluice/cache' }); assets.get('copy')!.hash
 */
export async function buildAssets(fns: ReadonlyArray<Fn | Job>, options: { cacheDir: string }): Promise<Map<string, FunctionAsset>> {
  const byHandler = new Map<string, Promise<FunctionAsset>>();
  const assets = new Map<string, FunctionAsset>();
  for (const fn of fns) {
    const key = `${fn.kind}\0${fn.handlerPath}`;
    if (!byHandler.has(key)) byHandler.set(key, buildAsset(fn, fn.handlerPath, options.cacheDir));
  }
  for (const fn of fns) assets.set(fn.name, await byHandler.get(`${fn.kind}\0${fn.handlerPath}`)!);
  return assets;
}

async function buildAsset(fn: Fn | Job, handler: string, cacheDir: string): Promise<FunctionAsset> {
  const entry = writeEntry(handler, cacheDir, fn.kind === 'job');
  let bundleHash: string;
  let bundleFile: string;
  try {
    const bundle = await bundleHandler(entry, { cacheDir, target: 'lambda' });
    bundleHash = bundle.hash;
    bundleFile = bundle.file;
  } catch (error) {
    const detail = (error as { errors?: Array<{ text: string; location?: { file: string; line: number } }> }).errors
      ?.map((e) => `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ''}`)
      .join('; ');
    throw new SynthError('SLUICE_E_BUNDLE', `${fn}: its handler '${handler}' failed to bundle for Lambda: ${detail ?? (error as Error).message}; fix the handler so it builds with esbuild`, { node: fn.name });
  }
  // The same bundle zips to the same bytes: zip and hash it once, kept beside the bundle for the
  // next process (compressing it again cost more than the rest of a small synth).
  let zipped = ZIPPED.get(bundleHash);
  if (!zipped) {
    const cached = `${bundleFile}.zip`;
    const zip = existsSync(cached) ? readFileSync(cached) : (await import('fflate')).zipSync({ 'index.mjs': [readFileSync(bundleFile), ZIP_FILE] });
    if (!existsSync(cached)) writeAtomically(cached, zip);
    ZIPPED.set(bundleHash, (zipped = { zip, hash: createHash('sha256').update(zip).digest('hex') }));
  }
  return { hash: zipped.hash, zip: zipped.zip, handler };
}

function writeAtomically(file: string, data: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

const ZIPPED = new Map<string, { zip: Uint8Array; hash: string }>();

/** The generated entry that exposes the handler module as a Lambda `handler` export. */
function writeEntry(handler: string, cacheDir: string, isJob: boolean): string {
  const dir = join(cacheDir, 'entries');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha256').update(`${isJob ? 'job' : 'step'}\0${handler}`).digest('hex').slice(0, 16)}.mjs`);
  // A built-in handler (sluice's own file) is bundled from dist/ like the adapter, so every process builds the same bytes.
  const module = forBundling(handler);
  const source = isJob
    ? `import * as userModule from ${JSON.stringify(module)};\nimport { jobLambdaHandler } from ${JSON.stringify(JOB_ADAPTER)};\nexport const handler = jobLambdaHandler(userModule);\n`
    : existsSync(ADAPTER)
    ? `import * as userModule from ${JSON.stringify(module)};\nimport { lambdaHandler } from ${JSON.stringify(ADAPTER)};\nexport const handler = lambdaHandler(userModule);\n`
    : `import * as userModule from ${JSON.stringify(module)};\nexport const handler = userModule.handler ?? userModule.default;\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== source) writeFileSync(file, source);
  return file;
}
