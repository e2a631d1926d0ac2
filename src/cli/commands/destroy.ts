/**
 * `sluice destroy [entry] --stage NAME [--yes]`: empty every bucket of the stage, delete its stack,
 * its retained data stores, its log groups and its assets. No prompt with `--yes`; harmless twice.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { eventsTo, loadForStage, progressTo, terminalConfirm, type CloudOptions } from '../cloud.js';
import { emit } from '../output.js';

/**
 * Register `sluice destroy`.
 * @example sluice destroy --stage dev --yes
 */
export function registerDestroy(program: Command): void {
  withJson(program.command('destroy [entry]'))
    .description('delete an AWS stage: its buckets (emptied first), stack, tables, log groups and assets')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', 'the AWS stage, e.g. dev')
    .option('-y, --yes', 'destroy without asking for confirmation (needed when there is no terminal)')
    .action(action(async (entryArg: string | undefined, options: CloudOptions) => {
      const { pipeline, stage } = await loadForStage(entryArg, options, 'destroy');
      const { destroy } = await import('../../cloud/deploy/destroy.js');
      const ask = terminalConfirm();
      const result = await destroy(pipeline, {
        stage,
        yes: options.yes === true,
        log: progressTo(options),
        onEvent: eventsTo(options),
        ...(ask ? {
          confirm: (plan) => {
            const data = [...plan.buckets.map((b) => `bucket ${b.name} (every object)`), ...plan.tables.map((t) => `table ${t.name} (every item)`)];
            process.stderr.write(`${pc.bold(plan.stackName)}${plan.stackStatus ? ` ${pc.dim(plan.stackStatus)}` : ' (no stack; leftovers only)'}\n${data.map((d) => `  ${pc.red('-')} ${d}`).join('\n')}${data.length ? '\n' : ''}`);
            return ask(`delete stack ${plan.stackName} and all its data?`);
          },
        } : {}),
      });
      emit(options, result, () => (result.result === 'nothing'
        ? `${result.stackName} does not exist and nothing of it is left`
        : `${pc.green('✓')} destroyed ${result.stackName} in ${(result.durationMs / 1000).toFixed(1)}s: ${result.buckets.length} bucket(s) emptied and deleted (${result.objectsDeleted} object version(s)), ${result.tables.length} table(s), ${result.logGroups.length} log group(s), ${result.assets?.count ?? 0} asset(s)`));
    }));
}
