/**
 * Finds and loads the pipeline: `./pipeline.ts` unless told otherwise. The entry is imported with
 * tsx's loader, so TypeScript runs with no build step.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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
    mod = await import(pathToFileURL(entry).href);
  } catch (error) {
    const e = error as Error;
    throw new InputError('SLUICE_E_ENTRY_LOAD', `pipeline file '${entry}' failed to load: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 4).join('\n')}`);
  }
  const candidates = [mod.default, ...Object.values(mod)].filter((v): v is Pipeline => v instanceof Pipeline);
  const pipeline = candidates[0];
  if (!pipeline) {
    throw new InputError('SLUICE_E_ENTRY_EXPORT', `pipeline file '${entry}' does not export a pipeline; end it with: export default pipeline('name', [raw.to(step).to(out)])`);
  }
  return { pipeline, entry };
}
