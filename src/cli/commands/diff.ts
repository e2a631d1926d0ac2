/**
 * `sluice diff [entry] --stage NAME`: what a deploy would add, modify, replace or remove, without
 * changing the stack.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { changeLines, loadForStage, progressTo, type CloudOptions } from '../cloud.js';
import { emit } from '../output.js';

/**
 * Register `sluice diff`.
 * @example sluice diff --stage dev
 */
export function registerDiff(program: Command): void {
  withJson(program.command('diff [entry]'))
    .description('show what a deploy to an AWS stage would change, without changing anything')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', 'the AWS stage, e.g. dev')
    .action(action(async (entryArg: string | undefined, options: CloudOptions) => {
      const { pipeline, stage, cacheDir } = await loadForStage(entryArg, options, 'diff');
      const { diff } = await import('../../cloud/deploy/deploy.js');
      const plan = await diff(pipeline, { stage, cacheDir, log: progressTo(options) });
      emit(options, plan, () => `${pc.bold(plan.stackName)} ${pc.dim(plan.exists ? `(account ${plan.account}, ${plan.region})` : '(not deployed yet)')}\n${changeLines(plan.changes)}`);
    }));
}
