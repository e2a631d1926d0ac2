/**
 * Branches on AWS stages: the `BranchBackend` that deploys a branch as its own stack beside main's,
 * feeds it by replaying main's upstream objects, downloads both sides of its outputs for deltas,
 * counts what it holds and destroys it, never writing anything of main's.
 *
 * @example
 * import { AwsBranchBackend } from './branch/aws/index.js';
 * const backend = new AwsBranchBackend({ cacheDir: '.sluice/cache' });
 * await backend.deploy(plan, pipe);
 */
export { AwsBranchBackend, type AwsBranchBackendOptions } from './backend.js';
export { branchStack, branchSynthesis, type BranchStack } from './stack.js';
export type { BranchRunner } from './replay.js';
