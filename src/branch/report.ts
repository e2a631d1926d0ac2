/**
 * A branch's deltas report: both sides of every output bucket (from the stage's backend, as local
 * files in a temporary folder removed after), compared by the deltas engine, in one `DeltasReport`.
 * The CLI and `localPipeline().branch().deltas()` both make it here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pipeline } from '../model/pipeline.js';
import type { BranchBackend, BranchTriggerOptions } from './backend.js';
import type { BranchPlan } from './plan.js';
import { bucketDeltas, type DeltasReport } from './deltas/index.js';

/** Options of `branchDeltas`. */
export interface BranchDeltasOptions {
  /** Row key columns: win over each bucket's declared keys. */
  keys?: string[];
  /** The filters the branch was triggered with: main's side is restricted to the same root inputs. */
  sample?: BranchTriggerOptions;
  /** Only these output buckets. @default every output of the plan */
  buckets?: string[];
  /** Called per bucket compared. */
  onProgress?: (line: string) => void;
}

/**
 * Compare every output bucket of a branch with main's.
 * @example const report = await branchDeltas(backend, plan, pipe, { sample: { sample: 10 } });
 */
export async function branchDeltas(backend: BranchBackend, plan: BranchPlan, pipeline: Pipeline, options: BranchDeltasOptions = {}): Promise<DeltasReport> {
  const dir = mkdtempSync(join(tmpdir(), `sluice-deltas-${plan.name}-`));
  const sample = options.sample;
  try {
    const buckets = [];
    for (const bucket of options.buckets ?? plan.outputs) {
      options.onProgress?.(`comparing bucket '${bucket}'`);
      const sides = await backend.sides(plan, pipeline, bucket, join(dir, bucket), sample);
      buckets.push(await bucketDeltas(sides, options.keys ? { keys: options.keys } : {}));
    }
    const described = sample && (sample.sample !== undefined || sample.keys !== undefined || sample.since !== undefined)
      ? { sample: { ...(sample.sample !== undefined ? { percent: sample.sample } : {}), ...(sample.keys !== undefined ? { keys: sample.keys } : {}), ...(sample.since ? { since: sample.since.toISOString() } : {}) } }
      : {};
    return { branch: plan.name, stage: plan.stage, from: plan.from, ...described, generatedAt: new Date().toISOString(), buckets };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
