/**
 * What every `sluice branch` subcommand starts from: the pipeline, the stage (never one holding the
 * reserved `--`), where the stage's branch records live (`.sluice/<stage>/branches/`), and the stage's
 * `BranchBackend` (local: the engine over the branch's own state; AWS: the branch stack).
 */
import { dirname, join } from 'node:path';
import type { Pipeline } from '../model/pipeline.js';
import type { BranchBackend } from '../branch/backend.js';
import type { BranchPlan } from '../branch/plan.js';
import { checkStageNotBranch } from '../branch/names.js';
import { branchDir } from '../branch/state.js';
import { stateDirFor, type StageOptions } from './stage.js';

/** Options of every branch subcommand. */
export type BranchCliOptions = StageOptions;

/** The pipeline, stage and folders a branch command works with. */
export interface BranchContext {
  pipeline: Pipeline;
  entry: string;
  stage: string;
  /** Where the stage's branch records are. */
  branchesDir: string;
  /** The local stage's state folder (main's, read-only for branches). */
  mainStateDir: string;
  /** The backend of the stage, for a branch. */
  backend(plan: BranchPlan): Promise<BranchBackend>;
}

/**
 * Where a stage's branch records are: locally beside main's state (`.sluice/local/branches/`, or
 * DIR/branches with --state DIR); an AWS stage's under `.sluice/<stage>/` beside the pipeline file.
 * @example branchesDirFor('/p/pipeline.ts', 'dev') // '/p/.sluice/dev/branches'
 */
export function branchesDirFor(entry: string, stage: string, state?: string): string {
  return stage === 'local' ? join(stateDirFor(entry, state), 'branches') : join(dirname(entry), '.sluice', stage, 'branches');
}

/**
 * Load the pipeline and resolve the stage's branch folders and backend.
 * @throws BranchError SLUICE_E_BRANCH_STAGE_RESERVED for a stage name holding `--`.
 */
export async function branchContext(options: BranchCliOptions): Promise<BranchContext> {
  const stage = options.stage ?? 'local';
  checkStageNotBranch(stage);
  const { loadPipeline } = await import('./load.js');
  const { pipeline, entry } = await loadPipeline(options.entry);
  const mainStateDir = stateDirFor(entry, options.state);
  const branchesDir = branchesDirFor(entry, stage, options.state);
  return {
    pipeline, entry, stage, branchesDir, mainStateDir,
    backend: async (plan) => {
      if (stage !== 'local') return awsBackend(dirname(entry));
      const [{ LocalBranchBackend, mainStateOf }, { openEngine, stepSettingsFrom }] = await Promise.all([import('../branch/local.js'), import('../engine/index.js')]);
      const stateDir = join(branchDir(branchesDir, plan.name), 'state');
      return new LocalBranchBackend({
        main: mainStateOf(mainStateDir, plan),
        stateDir,
        open: (pipe, { storeOnly }) => openEngine({ pipeline: pipe, stateDir, execution: 'run_once', ...(storeOnly ? { handlers: false } : stepSettingsFrom(dirname(entry))) }),
      });
    },
  };
}

/** The AWS stage's backend (12c's), loaded on demand so local commands never load the AWS SDK. */
async function awsBackend(projectDir: string): Promise<BranchBackend> {
  const { AwsBranchBackend } = await import('../branch/aws/index.js');
  return new AwsBranchBackend({ cacheDir: join(projectDir, '.sluice', 'cache') });
}

/** Bytes for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** What to add to a suggested command for the stage. */
export function suffix(stage: string): string {
  return stage === 'local' ? '' : ` --stage ${stage}`;
}
