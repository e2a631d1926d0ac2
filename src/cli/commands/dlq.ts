/**
 * `sluice dlq list <node>` and `sluice dlq redrive <node>`, on any stage: what landed in a queue's
 * dead-letter queue or a function's on-failure destination, and sending it back for another try.
 */
import type { Command } from 'commander';
import { action } from '../common.js';
import { emit } from '../output.js';
import { formatDeadLetters } from '../render.js';
import { onStage, withStageOptions, type StageOptions } from '../stage.js';

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('inspect and redrive dead letters of a queue or function');

  withStageOptions(dlq.command('list <node>'))
    .description("list the dead letters of a queue (its DLQ) or a function (its on-failure destination), with each failure's error")
    .action(action(async (node: string, options: StageOptions) => {
      await onStage(options, async (stage) => {
        const deadLetters = await stage.deadLetters(node);
        emit(options, { node, stage: stage.name, deadLetters }, () => formatDeadLetters(node, deadLetters, stage.label));
      });
    }));

  withStageOptions(dlq.command('redrive <node>'))
    .description('send the dead letters of a queue or function back for another try (locally, processed by the next run or a running dev)')
    .action(action(async (node: string, options: StageOptions) => {
      await onStage(options, async (stage) => {
        const redriven = await stage.redrive(node);
        emit(options, { node, stage: stage.name, redriven }, () => `redrove ${redriven} message(s) of '${node}'${stage.label}`);
      });
    }));
}
