/**
 * Finds the file that called a DSL function, so `fn('x', { handler: './handlers/x.ts' })` resolves the
 * handler next to the pipeline file that declared it, wherever the test or CLI runs from.
 */
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** How the bundles the CLI makes of a user's TypeScript end (src/bundling/user-code.ts): frames in them map back to the user's files. */
export const USER_BUNDLE_SUFFIX = '.sluice-user.mjs';

const MODEL_DIR = fileURLToPath(new URL('.', import.meta.url));
const SRC_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The path of the first stack frame outside sluice's own sources, or undefined. */
export function callerFile(): string | undefined {
  // V8's structured call sites: no stack text to format and no source maps to apply, which made
  // declaring a function cost more than synthesizing it.
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    sites = (new Error().stack as unknown as NodeJS.CallSite[]) ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  for (const site of sites) {
    const name = userFileOf(site);
    if (!name || name.startsWith('node:')) continue;
    const file = name.startsWith('file://') ? fileURLToPath(name) : name;
    if (!file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file)) continue;
    if (file.startsWith(MODEL_DIR) || file.startsWith(SRC_DIR)) continue;
    if (file.includes('/node_modules/tsx/')) continue;
    return file;
  }
  return undefined;
}

/**
 * The file a call site is in. A frame in a bundle the CLI made of a user's TypeScript
 * (src/bundling/user-code.ts) is mapped back, through the bundle's source map, to the user's own file.
 */
function userFileOf(site: NodeJS.CallSite): string | null {
  const name = site.getFileName();
  if (!name?.endsWith(USER_BUNDLE_SUFFIX)) return name ?? null;
  const entry = findSourceMap(name)?.findEntry((site.getLineNumber() ?? 1) - 1, (site.getColumnNumber() ?? 1) - 1);
  return entry && 'originalSource' in entry ? entry.originalSource : name;
}
