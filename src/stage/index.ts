/**
 * Opening a stage: `local` is the embedded engine over a state folder; any other name is the
 * pipeline's stack on AWS (loaded on demand, so local commands never pay for the AWS SDK).
 * @example const stage = await openStage(pipe, 'dev'); await stage.list('raw');
 */
import type { Pipeline } from '../model/pipeline.js';
import { openEngine, stepSettingsFrom } from '../engine/index.js';
import { LocalStage } from './local.js';
import type { Stage } from './stage.js';

/** Options of `openStage`. */
export interface OpenStageOptions {
  /** The local stage's state folder. */
  stateDir: string;
  /**
   * Local: load the handlers too, so `invoke` can run a function (with the config overlays and
   * secrets found in `dir`, the pipeline file's folder). Nothing else runs: no lock is taken, and
   * a running `sluice dev` keeps processing the stage. @default the store only
   */
  handlers?: { dir: string };
}

/**
 * Open a stage for data commands: the local one store-only unless `handlers` (nothing runs there;
 * a running `sluice dev` or the next `sluice run` processes what is written), an AWS one over its stack.
 */
export async function openStage(pipeline: Pipeline, name: string, options: OpenStageOptions): Promise<Stage> {
  if (name === 'local') {
    const running = options.handlers ? { ...stepSettingsFrom(options.handlers.dir), execution: 'run_once' } : { handlers: false };
    return new LocalStage(await openEngine({ pipeline, stateDir: options.stateDir, ...running }), options.stateDir);
  }
  const { AwsStage } = await import('./aws/stage.js');
  return AwsStage.open(pipeline, name);
}

export { LocalStage } from './local.js';
export type { Stage, StageStatus, NodeStatus, EmailSubscription, DeadLetter, ObjectInfo, ObjectToPut, QueueMessage, StoredObject, TableItems, FailureError, InvokeInput, InvokeOptions, InvokedOutput, InvocationReport, TriggerOptions, StartedExecution, ExecutionStatus, ExecutionSummary, ExecutionDetail, JobProgress, JobRunStatus, NodeActivity, RecentInvocation } from './stage.js';
export type { FireOptions, FiredSchedule } from './stage.js';
export { MAX_ATOMIC_TABLE_CHANGES, type TableChanges, type TableWriteOptions } from './stage.js';
export { flowRunningError, unknownExecutionError } from './executions.js';
