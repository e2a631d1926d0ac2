/**
 * Names of branches: what a branch name may hold, the `--` that separates a stage from its branches
 * (reserved, so no stage is ever named like a branch), and whether every AWS name a branch forms
 * (`${pipeline}-${stage}--${name}-${node}`) fits its service's limits, by synth's own name rules.
 */
import type { Problem } from '../model/errors.js';
import type { Pipeline } from '../model/pipeline.js';
import { KIND_SYNTH } from '../cloud/synth/registry.js';
import { SynthContext } from '../cloud/synth/context.js';
import { planEncryption } from '../cloud/synth/encryption.js';
import { payloadBucketName, stackName } from '../cloud/synth/names.js';
import { BranchError } from './errors.js';
import type { BranchPlan } from './plan.js';

/** What a branch name may hold: it becomes part of bucket and stack names. */
const BRANCH_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** The separator between a stage and one of its branches, reserved in stage names. */
export const BRANCH_SEPARATOR = '--';

/**
 * Throw unless `name` can name a branch: lower-case letters, digits and single hyphens.
 * @example checkBranchName('dedup-v2', 'medallion') // ok
 */
export function checkBranchName(name: string, pipeline: string): void {
  if (typeof name === 'string' && BRANCH_NAME.test(name) && !name.includes(BRANCH_SEPARATOR) && name.length <= 40) return;
  throw new BranchError('SLUICE_E_BRANCH_NAME', `branch name '${name}' of pipeline '${pipeline}' must be 1 to 40 lower-case letters, digits and single hyphens, starting and ending with a letter or digit; it becomes part of every bucket and stack name of the branch (e.g. dedup-v2)`, { node: String(name), field: 'name', given: name });
}

/**
 * Throw when a stage a user names contains the reserved `--` (only branch stages do: `dev--dedup`).
 * @example checkStageNotBranch('dev') // ok; checkStageNotBranch('dev--x') throws SLUICE_E_BRANCH_STAGE_RESERVED
 */
export function checkStageNotBranch(stage: string): void {
  if (typeof stage !== 'string' || !stage.includes(BRANCH_SEPARATOR)) return;
  const [base, name] = [stage.slice(0, stage.indexOf(BRANCH_SEPARATOR)), stage.slice(stage.indexOf(BRANCH_SEPARATOR) + 2)];
  throw new BranchError('SLUICE_E_BRANCH_STAGE_RESERVED', `stage name '${stage}' contains '--', which is reserved for branches (a branch '${name}' of stage '${base}' runs as '${stage}'); name the stage without '--', or work on the branch with: sluice branch ... ${name} --stage ${base}`, { field: 'stage', given: stage });
}

/**
 * Problems with the AWS names a branch would form on its stage: each branched node's physical names by
 * its kind's synth rules (length; the characters are the branch name's, checked by `checkBranchName`), the stack name and the payload bucket's. None for the
 * local stage, which forms no AWS names.
 */
export function branchNameProblems(pipeline: Pipeline, plan: BranchPlan): Problem[] {
  if (plan.stage === 'local') return [];
  const ctx = new SynthContext(pipeline, plan.branchStage, KIND_SYNTH, planEncryption(pipeline, pipeline.edges), new Map(), { logRetentionDays: 30, removal: 'destroy' });
  const problems: Problem[] = [];
  const tooLong = (what: string, name: string, max: number, node: string) => {
    if (name.length <= max) return;
    const over = name.length - max;
    problems.push({ code: 'SLUICE_E_BRANCH_NAME_TOO_LONG', node, field: 'name', message: `branch '${plan.name}': the ${what} of ${node === pipeline.name ? `pipeline '${node}'` : `node '${node}'`} would be '${name}', ${name.length} characters, over AWS's limit of ${max}; shorten the branch name by ${over} character${over === 1 ? '' : 's'}` });
  };
  tooLong('stack name', stackName(pipeline.name, plan.branchStage), 128, pipeline.name);
  tooLong('payload bucket name', payloadBucketName(pipeline.name, plan.branchStage), 63, pipeline.name);
  for (const name of plan.branched) {
    const node = pipeline.node(name)!;
    for (const rule of KIND_SYNTH[node.kind].names(node as never, ctx)) {
      // Characters: the branch name adds only what stage names hold, so the node's own rule decides.
      tooLong(rule.what, rule.name, rule.max, name);
    }
  }
  return problems;
}
