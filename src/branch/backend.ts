/**
 * What a stage does for branches: deploy the branched nodes beside main, feed them by replaying main's
 * upstream data, give both sides of an output for deltas, count what the branch holds, and destroy it.
 * `LocalBranchBackend` (local.ts) runs a branch on the embedded engine; the AWS one lives in aws/.
 */
import type { Pipeline } from '../model/pipeline.js';
import type { BranchPlan } from './plan.js';
import type { BucketSides } from './deltas/index.js';

export type { BucketSides, DeltaObject, TabularFormat } from './deltas/index.js';

/** How `branch trigger` feeds the branch. */
export interface BranchTriggerOptions {
  /** Replay only root inputs whose key hash is in this percentage (0..100, `sample.ts`). */
  sample?: number;
  /** Replay only root inputs whose key starts with this prefix. */
  keys?: string;
  /** Replay only root inputs written at or after this time. */
  since?: Date;
  /** Wait until the branch has processed everything replayed (locally it always does). */
  wait?: boolean;
  /** Called as inputs are replayed. */
  onProgress?: (done: number, total: number) => void;
}

/** What a trigger did. */
export interface BranchTriggerReport {
  /** Inputs (objects or messages) fed to the branch. */
  replayed: number;
  /** Inputs main holds that the sample, prefix or time left out. */
  skipped: number;
  /** Flow executions started (job branches). */
  executions?: string[];
  /** Replayed inputs the branch failed to process, or failed executions. */
  failed: number;
}

/** What a branch holds on its stage. */
export interface BranchHoldings {
  /** Every resource the branch created, by node and part. */
  resources: Array<{ node: string; part: string; physicalId: string }>;
  /** Objects in the branch's own buckets. */
  objects: number;
  /** Bytes of those objects (and, locally, of the branch's state). */
  bytes: number;
}

/** A stage's branch operations; every method takes the plan and the pipeline it was made from. */
export interface BranchBackend {
  /** Create the branch's resources (the working tree's handler code); returns what it holds. */
  deploy(plan: BranchPlan, pipeline: Pipeline, onProgress?: (line: string) => void): Promise<BranchHoldings>;
  /** Feed the branch from main's real upstream data (all, or a sample of the root inputs). */
  trigger(plan: BranchPlan, pipeline: Pipeline, options: BranchTriggerOptions): Promise<BranchTriggerReport>;
  /** Both sides of one output bucket, as local files (AWS: downloaded to `dir`), main's restricted by lineage to roots in the sample when given. */
  sides(plan: BranchPlan, pipeline: Pipeline, bucket: string, dir: string, sample?: BranchTriggerOptions): Promise<BucketSides>;
  /** Resources, objects and bytes the branch holds now. */
  holdings(plan: BranchPlan, pipeline: Pipeline): Promise<BranchHoldings>;
  /** Removes every resource and byte of the branch, also after a half-failed deploy; nothing of main's. */
  destroy(plan: BranchPlan, pipeline: Pipeline, onProgress?: (line: string) => void): Promise<void>;
}
