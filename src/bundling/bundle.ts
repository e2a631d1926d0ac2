/**
 * Bundles a handler file with esbuild: for the local engine's worker threads (so TypeScript handlers
 * run with no build step) and for Lambda (a content-hashed ESM asset, the AWS SDK v3 left to the
 * runtime). Bundles are cached by the content hash of every input file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { bundledFile, forBundling } from './source-ext.js';

/** Where the bundle will run. */
export type BundleTarget = 'local' | 'lambda';

/** A built bundle. */
export interface Bundle {
  /** Absolute path of the bundled `.mjs` file. */
  file: string;
  /** sha256 of the bundle's content (hex): the asset's name and the step's version. */
  hash: string;
  /** Size in bytes. */
  size: number;
  /** Every source file the bundle was built from (for reload on change). */
  inputs: string[];
}

/** sluice's runtime, in whichever form is running (sources or dist/): what handlers' `sluice/runtime` is. */
const RUNTIME = bundledFile('runtime/index');

/** Options of `bundleHandler`. */
export interface BundleOptions {
  /** Folder for bundles and the cache index. */
  cacheDir: string;
  /** @default 'local' */
  target?: BundleTarget;
}

/**
 * Bundle `entry` (a handler file) into one ESM file, reusing a cached bundle when no input changed.
 * @example const { file, hash } = await bundleHandler('/p/handlers/copy.ts', { cacheDir: '/p/.sluice/cache' });
 */
export async function bundleHandler(handlerFile: string, options: BundleOptions): Promise<Bundle> {
  // sluice's own handlers (the data asset writer) bundle from dist/ when it is up to date, as the runtime does.
  const entry = forBundling(handlerFile);
  const target = options.target ?? 'local';
  const dir = join(options.cacheDir, 'bundles', target);
  mkdirSync(dir, { recursive: true });
  const entryKey = createHash('sha256').update(`${target}\0${entry}`).digest('hex').slice(0, 16);
  const indexFile = join(dir, `${entryKey}.json`);
  const cached = readIndex(indexFile);
  if (cached && existsSync(cached.file) && cached.inputsHash === hashInputs(cached.inputs)) {
    return { file: cached.file, hash: cached.hash, size: cached.size, inputs: cached.inputs };
  }
  // esbuild is loaded only when something must be built: a cached bundle needs none of it.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    // Source map paths are relative to the output folder, where the bundle is written.
    outdir: dir,
    platform: 'node',
    format: 'esm',
    // Lambda runs Node.js 22 or newer (nodejs20.x is deprecated); locally we run on Node 20 too.
    target: target === 'lambda' ? 'node22' : 'node20',
    metafile: true,
    minify: target === 'lambda',
    sourcemap: target === 'local' ? 'inline' : false,
    // The AWS SDK v3 ships with the Lambda runtime: bundling it would add megabytes per function.
    // The Lambda runtime provides the SDK's clients and their core; lib-storage (a job's streamed S3
    // uploads) is not among the packages it is documented to carry, so it is bundled (about 30 KB).
    external: target === 'lambda' ? ['@aws-sdk/client-*', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-*', '@aws-sdk/core', '@aws-sdk/types', '@aws-sdk/credential-*', '@aws-sdk/middleware-*', '@smithy/*'] : [],
    // Handlers import 'sluice/runtime'; resolve it to this checkout's sources wherever the handler lives.
    alias: { 'sluice/runtime': RUNTIME },
    // ESM bundles that pull in CommonJS dependencies need a require().
    banner: { js: "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex');
  const file = join(dir, `${hash.slice(0, 24)}.mjs`);
  if (!existsSync(file)) atomicWrite(file, code);
  const inputs = Object.keys(result.metafile.inputs).map((p) => (p.startsWith('/') ? p : join(process.cwd(), p)));
  const entryData = { file, hash, size: code.byteLength, inputs, inputsHash: hashInputs(inputs) };
  atomicWrite(indexFile, JSON.stringify(entryData));
  return { file, hash, size: code.byteLength, inputs };
}

/** Bump when the build options change, so bundles cached under the old options are rebuilt. */
const BUNDLE_FORMAT = '3';

/** esbuild's version, part of every cache key (read from its package, not by loading esbuild). */
const ESBUILD_VERSION = (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version;

/**
 * The content hash of a bundle's inputs, remembered in this process with each file's size and
 * modification time: while none of those changed, the files are not read again (a flow's jobs, a
 * warm `sluice dev`, check their bundles at every run).
 */
const inputsSeen = new Map<string, { stamp: string; hash: string }>();

function hashInputs(inputs: string[]): string {
  const key = inputs.join('\0');
  const stamp = inputs.map((input) => {
    try {
      const st = statSync(input);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }).join('|');
  const seen = inputsSeen.get(key);
  if (seen?.stamp === stamp) return seen.hash;
  const hash = hashContents(inputs);
  inputsSeen.set(key, { stamp, hash });
  return hash;
}

function hashContents(inputs: string[]): string {
  const h = createHash('sha256').update(`${BUNDLE_FORMAT}\0${ESBUILD_VERSION}\0`);
  for (const input of inputs) {
    h.update(input);
    try {
      h.update(readFileSync(input));
    } catch {
      h.update('\0missing');
    }
  }
  return h.digest('hex');
}

function readIndex(file: string): (Bundle & { inputsHash: string }) | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function atomicWrite(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
