import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Whether sluice runs from its TypeScript sources (tests, development) or from the JavaScript built
 * into dist/ (the CLI, an installed package): the extension of its own files, for the few places that
 * name one of them by path (worker entries, the Lambda adapter, built-in handlers).
 */
export const OWN_EXT: 'ts' | 'js' = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

/**
 * A file of sluice's own, next to `base` (a module's `import.meta.url`), in whichever form is running.
 * @example ownFile('./worker-main', import.meta.url) // '/…/src/engine/worker-main.ts' or '/…/dist/engine/worker-main.js'
 */
export function ownFile(relative: string, base: string): URL {
  return new URL(`${relative}.${OWN_EXT}`, base);
}

/**
 * A file of sluice's own to bundle into a handler's bundle (the runtime, the Lambda adapter, the worker
 * entry), named from sluice's root without extension.
 * @example bundledFile('runtime/index') // '/…/dist/runtime/index.js'
 */
export function bundledFile(fromRoot: string): string {
  return forBundling(fileURLToPath(new URL(`../${fromRoot}.${OWN_EXT}`, import.meta.url)));
}

/**
 * What to bundle for a file: sluice's own files as the built JavaScript whenever it is up to date,
 * even when sluice itself runs from its sources, so a synth in a test process and the CLI build
 * byte-identical assets; when the sources changed since the last build (`npm run build`), the
 * sources. Any other file is itself.
 */
export function forBundling(file: string): string {
  if (OWN_EXT === 'js' || !file.startsWith(SRC) || !file.endsWith('.ts') || !distIsFresh()) return file;
  return join(ROOT, 'dist', `${file.slice(SRC.length, -'.ts'.length)}.js`);
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src') + '/';
let fresh: boolean | undefined;

/** Whether dist/ was built after every source file last changed (its stamp is written by scripts/build.mjs). */
function distIsFresh(): boolean {
  if (fresh !== undefined) return fresh;
  let stamp: number;
  try {
    stamp = statSync(join(ROOT, 'dist', '.stamp')).mtimeMs;
  } catch {
    return (fresh = false);
  }
  const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((t, e) => Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  return (fresh = newest(join(ROOT, 'src')) <= stamp);
}
