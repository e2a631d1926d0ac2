/**
 * What synth needs to know about a handler that its wiring does not say: whether it is a
 * `component`/`source`/`sink` (a plain Lambda handler uses none of sluice's components), whether it
 * records lineage (`lineage !== false`) and whether it has an `idempotencyKey`. Learned by importing
 * the handler's local bundle (src/bundling/bundle.ts: TypeScript built with esbuild, `sluice/runtime`
 * resolved to this sluice, cached by content) and reading its descriptor (`resolveHandler`), once per
 * handler file per process: no TypeScript loader is needed in the process that synthesizes.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Fn } from '../../model/fn.js';
import { resolveHandler } from '../../runtime/handler.js';
import { bundleHandler } from '../../bundling/bundle.js';
import { SynthError } from './errors.js';

/** The parts of a handler's options that decide its AWS resources, grants and environment. */
export interface HandlerOptions {
  /** `descriptor` for `component`/`source`/`sink`, `lambda` for a plain `(event, context)` handler. */
  kind: 'descriptor' | 'lambda';
  /** Whether it records an ingestion step per execution (descriptor `lineage !== false`). */
  lineage: boolean;
  /** Whether it declares an `idempotencyKey`. */
  idempotency: boolean;
}

/** Options assumed for a handler not read (its file is missing, which is reported as a problem). */
export const UNREAD_HANDLER: HandlerOptions = { kind: 'descriptor', lineage: true, idempotency: false };

type Loaded = { options: HandlerOptions } | { error: 'import'; message: string } | { error: 'export' };

// One import per distinct handler file per process (Node keeps a module, or its failure, for the
// process's life anyway; this spares re-resolving and re-reading the descriptor).
const loaded = new Map<string, Promise<Loaded>>();

function load(path: string, cacheDir: string): Promise<Loaded> {
  let pending = loaded.get(path);
  if (!pending) {
    pending = bundleHandler(path, { cacheDir, target: 'local' }).then((bundle) => import(pathToFileURL(bundle.file).href) as Promise<Record<string, unknown>>).then(
      (exports: Record<string, unknown>): Loaded => {
        const handler = resolveHandler(exports);
        if (!handler) return { error: 'export' };
        if (handler.kind === 'lambda') return { options: { kind: 'lambda', lineage: false, idempotency: false } };
        const options = handler.descriptor.options ?? {};
        return { options: { kind: 'descriptor', lineage: options.lineage !== false, idempotency: typeof options.idempotencyKey === 'function' } };
      },
      (error: unknown): Loaded => ({ error: 'import', message: error instanceof Error ? error.message : String(error) }),
    );
    loaded.set(path, pending);
  }
  return pending;
}

/**
 * The options of every function's handler, by function name. Functions whose handler file does not
 * exist are left out (synth reports the missing file as a problem).
 * @throws SynthError `SLUICE_E_HANDLER_LOAD` when a handler file fails to import, `SLUICE_E_HANDLER_EXPORT`
 *   when it exports no handler; each names the function and the file.
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
      throw new SynthError('SLUICE_E_HANDLER_LOAD', `${fn}: its handler file '${file}' failed to import while synthesizing (synth reads the handler's options: lineage, idempotencyKey): ${result.message}; fix the file so it imports`, { node: fn.name });
    } else {
      throw new SynthError('SLUICE_E_HANDLER_EXPORT', `${fn}: its handler file '${file}' exports neither a default component()/source()/sink() nor a 'handler' function; add: export default component(async (input, ctx) => ...)`, { node: fn.name });
    }
  });
  return options;
}
