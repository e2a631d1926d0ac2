/**
 * `localPipeline().branch(node, name)`: a branch of the pipeline under test, in memory, fed from the
 * harness's own state (read, never written) and compared with it, so a unit test can assert that a
 * change to one step alters only the rows it should.
 */
import { callerFile } from '../model/caller.js';
import { dirname } from 'node:path';
import type { Pipeline } from '../model/pipeline.js';
import { openEngine, ManualClock } from '../engine/index.js';
import type { LocalStage } from '../stage/local.js';
import { planBranch, type BranchPlan } from '../branch/plan.js';
import { LocalBranchBackend } from '../branch/local.js';
import { withHandler } from '../branch/handler-override.js';
import { branchDeltas } from '../branch/report.js';
import type { BranchTriggerOptions, BranchTriggerReport } from '../branch/backend.js';
import type { DeltasReport } from '../branch/deltas/index.js';

/** Options of `branch()`. */
export interface LocalBranchOptions {
  /**
   * Run the branched step `node` with this handler file instead (relative to the calling test file):
   * the changed step, without editing the working tree. @default the step's own handler
   */
  handler?: string;
}

/** Options of `LocalBranch.deltas`. */
export interface LocalDeltasOptions {
  /** Row key columns: win over each bucket's declared keys. */
  keys?: string[];
  /** Only these output buckets. @default every output */
  buckets?: string[];
}

/** A branch of a local pipeline, in memory. */
export class LocalBranch {
  private lastTrigger: BranchTriggerOptions | undefined;

  constructor(
    /** The branch's plan: what is branched, read, replayed and compared. */
    readonly plan: BranchPlan,
    private readonly pipeline: Pipeline,
    private readonly backend: LocalBranchBackend,
  ) {}

  /**
   * Feed the branch from the harness's state: main's root objects (all, or a sample by key hash, a key
   * prefix, a time) replayed as events; a job branch's flow run with only its branched jobs.
   * @example await branch.trigger({ sample: 10 })
   */
  async trigger(options: Omit<BranchTriggerOptions, 'since'> & { since?: Date } = {}): Promise<BranchTriggerReport> {
    this.lastTrigger = options;
    return this.backend.trigger(this.plan, this.pipeline, options);
  }

  /**
   * Compare every output bucket of the branch with main's (main's restricted by lineage to the last
   * trigger's sample): objects added, removed, changed; rows, columns and schema of tabular objects.
   * @example (await branch.deltas({ keys: ['order_id'] })).buckets[0].tables[0].rows.changed
   */
  async deltas(options: LocalDeltasOptions = {}): Promise<DeltasReport> {
    return branchDeltas(this.backend, this.plan, this.pipeline, { ...options, ...(this.lastTrigger ? { sample: this.lastTrigger } : {}) });
  }

  /** Remove the branch's engine and everything it holds. */
  async close(): Promise<void> {
    await this.backend.destroy(this.plan, this.pipeline);
  }
}

/** Plan and deploy an in-memory branch of `main` (its state read, never written). */
export async function localBranch(main: LocalStage, node: string, name: string, options: LocalBranchOptions = {}, secrets: Record<string, string> | string = {}): Promise<LocalBranch> {
  let pipe = main.pipeline;
  const plan = planBranch(pipe, node, name, 'local');
  if (options.handler !== undefined) {
    const base = callerFile();
    pipe = withHandler(pipe, node, options.handler, base ? dirname(base) : process.cwd());
  }
  const backend = new LocalBranchBackend({
    main: () => main.readOnlyState(),
    open: (pipeline) => openEngine({ pipeline, isolation: 'in-process', clock: new ManualClock(Date.now()), secrets }),
  });
  await backend.deploy(plan, pipe);
  return new LocalBranch(plan, pipe, backend);
}
