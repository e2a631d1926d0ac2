// Builds sluice's own TypeScript (src/) into JavaScript (dist/), file for file, so the CLI and an
// installed package run without a TypeScript loader and load only the modules a command needs.
// Run by `npm ci` / `npm install` (the `prepare` script), before the tests, and by bin/sluice.js in
// a checkout whose sources changed since; takes well under a second.
// Types are not checked here: `npm run typecheck` does that.
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');
const stamp = join(out, '.stamp');

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
  const old = `${out}.${process.pid}.old`;
  try {
    renameSync(out, old);
  } catch {
    // no dist/ yet
  }
  renameSync(next, out);
  rmSync(old, { recursive: true, force: true });
  return { files: entryPoints.length, ms: Math.round(performance.now() - started) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { files, ms } = await build();
  console.log(`built ${files} files into dist/ in ${ms} ms`);
}
