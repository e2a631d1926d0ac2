/**
 * `sluice status [entry] --stage NAME`: the stack's state, each node's physical ids, queue depths
 * and dead-letter counts.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { loadForStage, type CloudOptions } from '../cloud.js';
import { emit, table } from '../output.js';

/**
 * Register `sluice status`.
 * @example sluice status --stage dev --json
 */
export function registerStatus(program: Command): void {
  withJson(program.command('status [entry]'))
    .description("show an AWS stage: stack state, each node's physical ids, queue depths and dead letters")
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', 'the AWS stage, e.g. dev')
    .action(action(async (entryArg: string | undefined, options: CloudOptions) => {
      const { pipeline, stage } = await loadForStage(entryArg, options, 'status');
      const { stageStatus } = await import('../../cloud/deploy/status.js');
      const s = await stageStatus(pipeline, stage);
      emit(options, s, () => {
        if (!s.stackStatus) return `${pc.bold(s.stackName)} is not deployed (account ${s.account}, ${s.region}); deploy it with: sluice deploy --stage ${stage}`;
        const colour = s.stackStatus.endsWith('_COMPLETE') && !s.stackStatus.includes('ROLLBACK') ? pc.green : s.stackStatus.endsWith('_IN_PROGRESS') ? pc.yellow : pc.red;
        const rows: Array<Array<string | number>> = [];
        for (const n of s.nodes) {
          const depth = n.queue ? `${n.queue.visible} waiting, ${n.queue.inFlight} in flight` : '';
          const dead = n.deadLetters === undefined ? '' : n.deadLetters > 0 ? pc.red(`${n.deadLetters} dead`) : '0 dead';
          n.resources.forEach((r, i) => rows.push([i === 0 ? n.node : '', i === 0 ? n.kind ?? '' : '', r.part, r.physicalId ?? pc.dim('(none)'), i === 0 ? depth : '', i === 0 ? dead : '']));
        }
        return [
          `${pc.bold(s.stackName)} ${colour(s.stackStatus)} ${pc.dim(`updated ${s.updatedAt} · account ${s.account} · ${s.region}`)}${s.reason ? `\n  ${s.reason}` : ''}`,
          table(rows, ['node', 'kind', 'resource', 'physical id', 'messages', 'dlq']),
        ].join('\n');
      });
    }));
}
