/**
 * What synth needs to know about a handler that its wiring does not say: whether it is a
 * `component`/`source`/`sink` (a plain Lambda handler uses none of sluice's components), whether it
 * records lineage (`lineage !== false`) and whether it has an `idempotencyKey`. Learned by loading
 * the handler's local bundle (src/bundling/bundle.ts: TypeScript built with esbuild, `sluice/runtime`
 * resolved to this sluice, cached by content) in a worker thread, which is stopped if the handler's
 * top-level code runs past Lambda's Init limit, so a handler that never finishes loading cannot hang
 * synth (or print into its output). What was learned is kept beside the bundle, by its hash, so an
 * unchanged handler is not loaded again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HANDLER_INIT_LIMIT_MS, type Fn } from '../../model/fn.js';
import type { HandlerTraits } from '../../runtime/handler.js';
import { bundleHandler } from '../../bundling/bundle.js';
import { bundledFile } from '../../bundling/source-ext.js';
import { SynthError } from './errors.js';
import { describeLoadFailure, whereInUserCode } from '../../bundling/user-errors.js';

/** The parts of a handler's options that decide its AWS resources, grants and environment. */
export type HandlerOptions = HandlerTraits;

/** Options assumed for a handler not read (its file is missing, which is reported as a problem). */
export const UNREAD_HANDLER: HandlerOptions = { kind: 'descriptor', lineage: true, idempotency: false };

type Loaded = { options: HandlerOptions } | { error: 'import'; message: string; stack?: string } | { error: 'export' } | { error: 'timeout' } | { error: 'unsettled' };

// One load per distinct handler file per process.
const loaded = new Map<string, Promise<Loaded>>();

function load(path: string, cacheDir: string): Promise<Loaded> {
  let pending = loaded.get(path);
  if (!pending) {
    pending = bundleHandler(path, { cacheDir, target: 'local' }).then((bundle) => traitsOf(bundle.file, bundle.hash, cacheDir), (error: unknown): Loaded => ({ error: 'import', message: describeLoadFailure(error) }));
    loaded.set(path, pending);
  }
  return pending;
}

/**
 * The module that reads a handler's traits, bundled like a handler (cached), so the worker imports
 * plain JavaScript whether sluice runs from dist/ or from its TypeScript sources.
 */
const TRAITS_SOURCE = bundledFile('runtime/handler');

// CommonJS, as `eval` workers are: imports the bundle and answers with its traits or why it has none.
const PROBE = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { handlerTraits } = await import(workerData.traits);
  let exports;
  try { exports = await import(workerData.bundle); }
  catch (error) { parentPort.postMessage({ error: 'import', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined }); return; }
  const options = handlerTraits(exports);
  parentPort.postMessage(options ? { options } : { error: 'export' });
})();
`;

async function traitsOf(bundleFile: string, hash: string, cacheDir: string): Promise<Loaded> {
  const known = join(cacheDir, 'handler-traits', `${hash.slice(0, 24)}.json`);
  if (existsSync(known)) return { options: JSON.parse(readFileSync(known, 'utf8')) as HandlerOptions };
  // Output the handler prints while loading is not synth's: the worker's stdout and stderr are dropped.
  const traits = await bundleHandler(TRAITS_SOURCE, { cacheDir, target: 'local' });
  // Source maps on, so a failure is reported at the handler's own file and line.
  const worker = new Worker(PROBE, { eval: true, execArgv: ['--enable-source-maps'], workerData: { bundle: pathToFileURL(bundleFile).href, traits: pathToFileURL(traits.file).href }, stdout: true, stderr: true });
  worker.stdout.resume();
  worker.stderr.resume();
  let timer: NodeJS.Timeout | undefined;
  const result = await new Promise<Loaded>((resolve) => {
    timer = setTimeout(() => resolve({ error: 'timeout' }), HANDLER_INIT_LIMIT_MS);
    worker.once('message', (m: Loaded) => resolve(m));
    worker.once('error', (error) => resolve({ error: 'import', message: error.message }));
    // A worker with nothing left to do but no answer: a top-level await that can never settle.
    worker.once('exit', (code) => resolve(code === 0 ? { error: 'unsettled' } : { error: 'import', message: `the handler ended its process while loading (exit code ${code})` }));
  });
  clearTimeout(timer);
  await worker.terminate();
  if ('options' in result) {
    mkdirSync(join(cacheDir, 'handler-traits'), { recursive: true });
    writeFileSync(`${known}.${process.pid}.tmp`, JSON.stringify(result.options));
    renameSync(`${known}.${process.pid}.tmp`, known);
  }
  return result;
}

/**
 * The options of every function's handler, by function name. Functions whose handler file does not
 * exist are left out (synth reports the missing file as a problem).
 * @throws SynthError `SLUICE_E_HANDLER_LOAD` when a handler file fails to import, `SLUICE_E_HANDLER_EXPORT`
 *   when it exports no handler, `SLUICE_E_HANDLER_INIT_TIMEOUT` when it does not finish loading within
 *   Lambda's Init limit; each names the function and the file.
 * @example const options = await handlerOptionsOf([copy], '.sluice/cache'); options.get('copy') // { kind: 'descriptor', lineage: true, idempotency: false }
 */
export async function handlerOptionsOf(fns: readonly Fn[], cacheDir: string): Promise<Map<string, HandlerOptions>> {
  const present = fns.filter((fn) => fn.handlerPath && existsSync(fn.handlerPath));
  const results = await Promise.all(present.map((fn) => load(fn.handlerPath, cacheDir)));
  const options = new Map<string, HandlerOptions>();
  present.forEach((fn, i) => {
    const result = results[i]!;
    const file = fn.handlerPath;
    if ('options' in result) {
      options.set(fn.name, result.options);
    } else if (result.error === 'import') {
      throw new SynthError('SLUICE_E_HANDLER_LOAD', `${fn}: its handler file '${file}' failed to import while synthesizing (synth reads the handler's options: lineage, idempotencyKey): ${result.message}${whereInUserCode(result.stack)}; fix the file so it imports`, { node: fn.name });
    } else if (result.error === 'timeout' || result.error === 'unsettled') {
      const what = result.error === 'timeout' ? `did not finish loading within ${HANDLER_INIT_LIMIT_MS / 1000} seconds while synthesizing` : 'never finishes loading: a top-level await waits on a promise that can never settle';
      throw new SynthError('SLUICE_E_HANDLER_INIT_TIMEOUT', `${fn}: its handler file '${file}' ${what} (Lambda stops a function's Init phase after ${HANDLER_INIT_LIMIT_MS / 1000} seconds); move slow or endless work at its top level into the step`, { node: fn.name });
    } else {
      throw new SynthError('SLUICE_E_HANDLER_EXPORT', `${fn}: its handler file '${file}' exports neither a default component()/source()/sink() nor a 'handler' function; add: export default component(async (input, ctx) => ...)`, { node: fn.name });
    }
  });
  return options;
}
