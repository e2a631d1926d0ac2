/**
 * Finds and loads the pipeline: `./pipeline.ts` unless told otherwise. A TypeScript entry is bundled
 * with esbuild on the way (src/bundling/user-code.ts), so it runs with no build step and no loader.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { importUserModule } from '../bundling/user-code.js';
import { fileURLToPath } from 'node:url';
import { Pipeline } from '../model/pipeline.js';
import { InputError } from '../model/errors.js';

/** The default entry, relative to the working directory. */
export const DEFAULT_ENTRY = 'pipeline.ts';

/** A loaded pipeline and where it came from. */
export interface LoadedPipeline {
  pipeline: Pipeline;
  /** Absolute path of the entry file. */
  entry: string;
}

/**
 * Import the entry file and return the pipeline it exports (`default`, or the only `Pipeline` export).
 * @example const { pipeline } = await loadPipeline('examples/three-node-copy/pipeline.ts');
 */
export async function loadPipeline(entryArg?: string): Promise<LoadedPipeline> {
  const entry = resolve(entryArg ?? DEFAULT_ENTRY);
  if (!existsSync(entry)) {
    throw new InputError('SLUICE_E_ENTRY_MISSING', `pipeline file '${entryArg ?? DEFAULT_ENTRY}' does not exist (looked at ${entry}); pass the file, e.g. sluice run path/to/pipeline.ts, or --entry FILE`);
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(entry, join(dirname(entry), '.sluice', 'cache'));
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    // Where in the user's own files it failed: the first frame that is theirs, not Node's or sluice's.
    const [where] = userFrames(e.stack ?? '', 1);
    throw new InputError('SLUICE_E_ENTRY_LOAD', `pipeline file '${entry}' failed to load: ${e.message}${where ? ` (at ${relative(process.cwd(), where)})` : ''}; fix the file so it imports`, { field: 'entry', given: entry });
  }
  const exported = [mod.default, ...Object.values(mod)];
  const pipeline = exported.find((v): v is Pipeline => v instanceof Pipeline);
  if (!pipeline && exported.some((v) => (v as { constructor?: { name?: string } } | null)?.constructor?.name === 'Pipeline')) {
    // Its classes are not this sluice's: `instanceof` checks everywhere would fail one by one.
    throw new InputError('SLUICE_E_ENTRY_EXPORT', `pipeline file '${entry}' exports a pipeline built with another copy of sluice than the one running; import from 'sluice' (the package), not from a path into sluice's files, and check that only one sluice is installed (npm ls sluice)`, { field: 'entry', given: entry });
  }
  if (!pipeline) {
    throw new InputError('SLUICE_E_ENTRY_EXPORT', `pipeline file '${entry}' does not export a pipeline; end it with: export default pipeline('name', [raw.to(step).to(out)])`);
  }
  return { pipeline, entry };
}

/**
 * The frames of a stack that are the user's code (`file:line:column`): not Node's internals, not a
 * dependency's, not sluice's own. What a user needs to find their mistake, and nothing else.
 */
export function userFrames(stack: string, max = 3): string[] {
  const frames: string[] = [];
  for (const line of stack.split('\n').slice(1)) {
    const m = /(?:\(|at )((?:file:\/\/)?\/[^()]*:\d+:\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const location = m[1]!.replace(/^file:\/\//, '');
    if (location.includes('/node_modules/') || location.startsWith(SLUICE_SRC)) continue;
    frames.push(location);
    if (frames.length >= max) break;
  }
  return frames;
}

const SLUICE_SRC = fileURLToPath(new URL('..', import.meta.url));
