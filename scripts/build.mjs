// Builds sluice's own TypeScript (src/) into JavaScript (dist/), file for file, so the CLI and an
// installed package run without a TypeScript loader and load only the modules a command needs.
// Run by `npm ci` / `npm install` (the `prepare` script), before the tests, and by bin/sluice.js in
// a checkout whose sources changed since; takes well under a second.
// With `--types` (the `prepare` script, so also `npm pack`) it also writes the type declarations of
// the public entry points into dist-types/ (tsc, tsconfig.build.json; a few seconds): what the
// `types` condition of package.json's exports names for an installed package. They live beside
// dist/, not in it, so the JavaScript-only rebuilds (tests, the CLI) never remove them.
// Types are not checked here: `npm run typecheck` does that.
import { spawnSync } from 'node:child_process';
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');
const stamp = join(out, '.stamp');
const typesOut = join(root, 'dist-types');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Whether dist/ was built after every file under src/ last changed (also checked by src/bundling/source-ext.ts). */
export function distIsFresh() {
  let built;
  try {
    built = statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
  const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((t, e) => Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  return newest(src) <= built;
}

/** Build dist/ from src/; returns how many files and how long it took. */
export async function build() {
  const started = performance.now();
  // esbuild is loaded here, not at the top: bin/sluice.js imports this module to check freshness.
  const esbuild = await import('esbuild');
  const entryPoints = sources(src);
  // Built beside dist/ and swapped in, so a CLI already running from dist/ never sees half a build.
  const next = `${out}.${process.pid}.tmp`;
  rmSync(next, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: next,
    outbase: src,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // No source maps: the output is readable JavaScript, line for line close to the source, and maps
    // would be read for every module whenever a command enables source maps for a user's code.
    logLevel: 'warning',
  });
  // The stamp says when dist/ was built: a process running the sources bundles dist/'s runtime only
  // while it is newer than every source file (src/bundling/source-ext.ts).
  writeFileSync(join(next, '.stamp'), '');
  swapIn(next, out);
  return { files: entryPoints.length, ms: Math.round(performance.now() - started) };
}

/**
 * Write the declarations (.d.ts) of sluice's public entry points (src/index.ts, runtime, testing and
 * what they reach) into dist-types/, replacing what was there; returns how many files and how long.
 */
export function buildTypes() {
  const started = performance.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const next = `${typesOut}.${process.pid}.tmp`;
  rmSync(next, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    throw new Error(`tsc could not write the declarations (exit ${r.status ?? r.signal})`);
  }
  const count = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(join(dir, e.name)) : 1), 0);
  const files = count(next);
  swapIn(next, typesOut);
  return { files, ms: Math.round(performance.now() - started) };
}

/** Replace `dir` with the freshly built `next` (a rename each way, so a reader never sees half of it). */
function swapIn(next, dir) {
  const old = `${dir}.${process.pid}.old`;
  try {
    renameSync(dir, old);
  } catch {
    // nothing built there yet
  }
  renameSync(next, dir);
  rmSync(old, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { files, ms } = await build();
  console.log(`built ${files} files into dist/ in ${ms} ms`);
  if (process.argv.includes('--types')) {
    const types = buildTypes();
    console.log(`wrote ${types.files} declaration files into dist-types/ in ${types.ms} ms`);
  }
}
