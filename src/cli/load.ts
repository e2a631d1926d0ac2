/**
 * Finds and loads the pipeline: `./pipeline.ts` unless told otherwise. A TypeScript entry is bundled
 * with esbuild on the way (src/bundling/user-code.ts), so it runs with no build step and no loader.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { importUserModule } from '../bundling/user-code.js';
import { describeLoadFailure } from '../bundling/user-errors.js';
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
    // The build errors, or the message and the first frame of the user's own code.
    throw new InputError('SLUICE_E_ENTRY_LOAD', `pipeline file '${entry}' failed to load: ${describeLoadFailure(error)}; fix the file so it imports`, { field: 'entry', given: entry });
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
