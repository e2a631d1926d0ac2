/**
 * `sluice/testing`: `localPipeline(pipe)`, the unit-test harness. An in-memory engine with AWS's
 * semantics and a manual clock, ready in milliseconds.
 *
 * @example
 * const local = await localPipeline(pipe);
 * await local.put('raw', 'a.txt', 'hello');
 * await local.settle();
 * assert.equal(await local.text('curated', 'a.txt'), 'hello');
 */
export { localPipeline, LocalPipeline, type LocalPipelineOptions, type DeadLetter, type QueuedMessage } from './local-pipeline.js';
export { runRouteSamples, routeOf, type RouteSamplesOptions, type RouteSamplesReport, type SampleResult } from './route-samples.js';
export type { Lineage } from '../engine/lineage.js';
export type { OutboxEmail } from '../engine/kinds/notify.js';
export type { IngestionStep, IngestionInput, IngestionOutput } from '../envelope/ingestion-step.js';
export type { InvokeInput, InvokeOptions, InvocationReport, InvokedOutput } from '../stage/stage.js';
export { LocalBranch, type LocalBranchOptions, type LocalDeltasOptions } from './branch.js';
export type { BranchPlan } from '../branch/plan.js';
export type { BranchTriggerOptions, BranchTriggerReport } from '../branch/backend.js';
export type { DeltasReport, BucketDelta } from '../branch/deltas/index.js';
