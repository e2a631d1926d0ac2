/**
 * `sluice deploy [entry] --stage NAME [--yes]`: bundle, upload what changed, show the change set,
 * confirm on a terminal, execute it with live progress per resource, then print the outputs.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { changeLines, eventsTo, loadForStage, progressTo, terminalConfirm, type CloudOptions } from '../cloud.js';
import { emit, table } from '../output.js';

/**
 * Register `sluice deploy`.
 * @example sluice deploy examples/three-node-copy/pipeline.ts --stage dev --yes
 */
export function registerDeploy(program: Command): void {
  withJson(program.command('deploy [entry]'))
    .description('deploy the pipeline to an AWS stage (the CloudFormation stack <pipeline>-<stage>)')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', 'the AWS stage, e.g. dev')
    .option('-y, --yes', 'deploy without asking for confirmation (needed when there is no terminal)')
    .action(action(async (entryArg: string | undefined, options: CloudOptions) => {
      const { pipeline, stage, cacheDir } = await loadForStage(entryArg, options, 'deploy');
      const log = progressTo(options);
      const { deploy } = await import('../../cloud/deploy/deploy.js');
      const ask = terminalConfirm();
      const result = await deploy(pipeline, {
        stage,
        cacheDir,
        yes: options.yes === true,
        log,
        onEvent: eventsTo(options),
        onPlan: (plan) => {
          if (!options.json) process.stderr.write(`${pc.bold(plan.stackName)} ${pc.dim(`(account ${plan.account}, ${plan.region})`)}\n${changeLines(plan.changes)}\n`);
        },
        ...(ask ? { confirm: (plan) => ask(`deploy ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to ${plan.stackName}?`) } : {}),
      });
      emit(options, result, () => {
        const seconds = (result.durationMs / 1000).toFixed(1);
        const head = result.result === 'unchanged'
          ? `${pc.green('✓')} ${result.stackName} is up to date (no changes, nothing uploaded) in ${seconds}s`
          : `${pc.green('✓')} deployed ${result.stackName} (${result.stackStatus}) in ${seconds}s`;
        const outputs = Object.entries(result.outputs).sort(([a], [b]) => a.localeCompare(b));
        return outputs.length ? `${head}\n${table(outputs.map(([k, v]) => [k, v]), ['output', 'value'])}` : head;
      });
    }));
}
