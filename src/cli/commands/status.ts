/**
 * `sluice status [entry] [--stage NAME]`: a stage at a glance. Locally: each bucket's objects, each
 * queue's messages, each dead-letter destination's count and each notify node's outbox. On AWS: the
 * stack's state, each node's resources with their physical ids, queue depths and dead-letter counts,
 * read from the deployed templates, so it shows what is deployed, not what the code says, and each
 * notify node's email subscriptions with whether the recipient confirmed it (SNS mails nobody before).
 */
import type { Command } from 'commander';
import { action } from '../common.js';
import { emit } from '../output.js';
import { formatStatus } from '../render.js';
import { onStage, withStageOptions, type StageOptions } from '../stage.js';

/**
 * Register `sluice status`.
 * @example sluice status --stage dev --json
 */
export function registerStatus(program: Command): void {
  withStageOptions(program.command('status [entry]'), { entry: false })
    .description("show a stage: what it holds per node (objects, messages, dead letters, emails in an outbox) and, on AWS, the stack's state, each node's physical ids and each email subscription's confirmation")
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .action(action(async (entryArg: string | undefined, options: StageOptions) => {
      await onStage(options, async (stage) => {
        const status = await stage.status();
        emit(options, status, () => formatStatus(status));
      }, entryArg);
    }));
}
