/**
 * Opening the stage a command names: `--stage local` (the default) is the embedded engine over the
 * state folder beside the pipeline file (or `--state DIR`); any other name is the pipeline's stack on
 * AWS. Commands are written once against the Stage they get here.
 */
import type { Command } from 'commander';
import { dirname, join, resolve } from 'node:path';
import type { GlobalOptions } from './output.js';
import type { Stage } from '../stage/index.js';

/** Options of a command that works on a stage. */
export interface StageOptions extends GlobalOptions {
  entry?: string;
  state?: string;
  stage?: string;
}

/** The state folder for an entry. */
export function stateDirFor(entry: string, state?: string): string {
  return state ? resolve(state) : join(dirname(entry), '.sluice', 'local');
}

/** Add `--stage NAME`, `--entry FILE`, `--state DIR` and `--json`. */
export function withStageOptions(cmd: Command, options: { entry?: boolean } = {}): Command {
  cmd
    .option('--stage <name>', "where the pipeline runs: 'local' (the embedded engine) or an AWS stage", 'local')
    .option('--state <dir>', 'the local state folder (default: .sluice/local beside the pipeline file)')
    .option('--json', 'print the result as JSON for programs');
  return options.entry === false ? cmd : cmd.option('--entry <file>', 'the pipeline file', 'pipeline.ts');
}

/**
 * Load the pipeline, open its stage (with its handlers loaded when `open.handlers`), run `fn`, and
 * close the stage whatever happens.
 * @example await onStage(options, async (stage) => stage.list('raw'));
 */
export async function onStage<T>(options: StageOptions, fn: (stage: Stage, entry: string) => Promise<T>, entryArg?: string, open: { handlers?: boolean } = {}): Promise<T> {
  // Loaded when a command runs, not when the CLI starts: `sluice --help` needs none of it.
  const [{ loadPipeline }, { openStage }, { checkStageNotBranch }] = await Promise.all([import('./load.js'), import('../stage/index.js'), import('../branch/names.js')]);
  checkStageNotBranch(options.stage ?? 'local');
  const { pipeline, entry } = await loadPipeline(entryArg ?? options.entry);
  const stage = await openStage(pipeline, options.stage ?? 'local', { stateDir: stateDirFor(entry, options.state), ...(open.handlers ? { handlers: { dir: dirname(entry) } } : {}) });
  try {
    return await fn(stage, entry);
  } finally {
    await stage.close();
  }
}
