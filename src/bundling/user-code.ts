/**
 * Importing a user's TypeScript (a pipeline file and what it imports) in a process that has no
 * TypeScript loader: the CLI, which runs sluice's built JavaScript and registers no loader hooks
 * (Node 20's hooks run on a thread of their own, whose start-up alone cost more than the rest of a
 * command). The file is bundled with esbuild, packages left external and `sluice` bound to the copy
 * of sluice that is running (its sources or dist/), so the pipeline's nodes are the CLI's own classes,
 * into a cache beside the pipeline; the next command imports the cached bundle without esbuild when
 * none of its inputs changed. Each file's `import.meta.url` (and `dirname`, `filename`) keeps naming
 * the file itself, and source maps map stack frames back to it: errors point at the user's lines, and
 * `fn()` finds the file that declared it (src/model/caller.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { USER_BUNDLE_SUFFIX } from '../model/caller.js';
import { OWN_EXT } from './source-ext.js';

/** The files this loader bundles; anything else is imported as it is. */
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);


interface CacheIndex {
  file: string;
  inputs: Array<[path: string, mtimeMs: number, size: number]>;
}

/**
 * Import a user's module, TypeScript or not.
 * @example const mod = await importUserModule('/p/pipeline.ts', '/p/.sluice/cache');
 */
export async function importUserModule(file: string, cacheDir: string): Promise<Record<string, unknown>> {
  if (!TYPESCRIPT.has(extname(file))) return import(pathToFileURL(file).href) as Promise<Record<string, unknown>>;
  // Frames in the bundle map back to the user's files (and `error.stack` shows their lines).
  process.setSourceMapsEnabled(true);
  const bundle = fresh(file, cacheDir) ?? (await build(file, cacheDir));
  return import(pathToFileURL(bundle).href) as Promise<Record<string, unknown>>;
}

function indexPath(file: string, cacheDir: string): string {
  // Keyed by the running sluice too: a bundle names the copy of sluice it was built against.
  const key = createHash('sha256').update(`${file}\0${SLUICE_ROOT}\0${OWN_EXT}`).digest('hex').slice(0, 16);
  return join(cacheDir, 'user', `${key}.json`);
}

/** The cached bundle of `file`, if every input is as it was when it was built. */
function fresh(file: string, cacheDir: string): string | undefined {
  let index: CacheIndex;
  try {
    index = JSON.parse(readFileSync(indexPath(file, cacheDir), 'utf8')) as CacheIndex;
  } catch {
    return undefined;
  }
  if (!existsSync(index.file)) return undefined;
  for (const [path, mtimeMs, size] of index.inputs) {
    try {
      const s = statSync(path);
      if (s.mtimeMs !== mtimeMs || s.size !== size) return undefined;
    } catch {
      return undefined;
    }
  }
  return index.file;
}

async function build(file: string, cacheDir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    write: false,
    outfile: join(cacheDir, 'user', 'out.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // `sluice` (and every other package) stays an import: the pipeline's nodes are the CLI's classes.
    packages: 'external',
    sourcemap: 'inline',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [runningSluice, ownMetaUrl],
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 24);
  const out = join(cacheDir, 'user', `${hash}${USER_BUNDLE_SUFFIX}`);
  mkdirSync(dirname(out), { recursive: true });
  if (!existsSync(out)) atomicWrite(out, code);
  const inputs = Object.keys(result.metafile.inputs).map((p) => (p.startsWith('/') ? p : join(process.cwd(), p)));
  const index: CacheIndex = { file: out, inputs: inputs.map((p) => { const s = statSync(p); return [p, s.mtimeMs, s.size]; }) };
  atomicWrite(indexPath(file, cacheDir), JSON.stringify(index));
  return out;
}

const SLUICE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLUICE_ENTRIES: Record<string, string> = { sluice: 'index', 'sluice/runtime': 'runtime/index', 'sluice/testing': 'testing/index' };

/**
 * `sluice`, `sluice/runtime` and `sluice/testing` import the running sluice's own modules, whatever
 * copy (if any) the user's project installed: one copy of the model's classes in the process.
 */
const runningSluice = {
  name: 'sluice-running-copy',
  setup(build: { onResolve(options: { filter: RegExp }, callback: (args: { path: string }) => { path: string; external: boolean }): void }) {
    build.onResolve({ filter: /^sluice(\/runtime|\/testing)?$/ }, (args) => ({
      path: pathToFileURL(join(SLUICE_ROOT, `${SLUICE_ENTRIES[args.path]!}.${OWN_EXT}`)).href,
      external: true,
    }));
  },
};

/** Each bundled file keeps its own `import.meta.url`, `dirname` and `filename`, not the bundle's. */
const ownMetaUrl = {
  name: 'sluice-own-import-meta',
  setup(build: { onLoad(options: { filter: RegExp }, callback: (args: { path: string }) => { contents: string; loader: 'ts' | 'tsx' | 'js' | 'jsx' } | undefined): void }) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      const contents = text
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      const ext = extname(args.path);
      return { contents, loader: ext === '.tsx' ? 'tsx' : ext === '.jsx' ? 'jsx' : /^\.[cm]?ts$/.test(ext) ? 'ts' : 'js' };
    });
  },
};

function atomicWrite(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
