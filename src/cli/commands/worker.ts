/**
 * `sluice worker <node> [entry] --stage NAME`: run a function's step as a long-running poller of its
 * input queue on a deployed stage (Pylon's run-forever mode). See src/stage/aws/worker.ts.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { loadForStage, type CloudOptions } from '../cloud.js';
import { InputError } from '../../model/errors.js';
import { emit } from '../output.js';

interface WorkerCliOptions extends CloudOptions {
  untilEmpty?: boolean;
  maxMessages?: string;
  wait?: string;
}

/**
 * Register `sluice worker`.
 * @example sluice worker transform --stage dev
 */
export function registerWorker(program: Command): void {
  withJson(program.command('worker <node> [entry]'))
    .description("run a function's step as a long-running worker polling its input queue on an AWS stage, with the deployed function's bindings (Ctrl-C stops after the batch in hand)")
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', 'the AWS stage, e.g. dev')
    .option('--until-empty', 'stop as soon as a receive finds the queue empty (batch jobs, tests); receives then wait 1 s, not 20, unless --wait says otherwise')
    .option('--max-messages <n>', 'stop after receiving this many messages')
    .option('--wait <seconds>', 'long-poll wait of each receive, 0-20 (default: 20, or 1 with --until-empty)')
    .addHelpText('after', `
Each receive (up to 10 messages, or the edge's batchSize) runs as one SQS event through the Lambda
entry, with the environment of the deployed function, so outputs, offloaded payloads, lineage,
idempotency records, config and secrets go where the function's would. Messages the step fails stay
in the queue and come back after its visibility timeout, then go to its DLQ. When the function's own
event source mapping is enabled too, the two share the queue's messages.
With --json: one JSON line per batch, then the summary; the step's heartbeats and timings are JSON
lines from Powertools Logger either way.`)
    .action(action(async (node: string, entryArg: string | undefined, options: WorkerCliOptions) => {
      const maxMessages = options.maxMessages === undefined ? undefined : Number(options.maxMessages);
      if (maxMessages !== undefined && !(Number.isInteger(maxMessages) && maxMessages > 0)) throw new InputError('SLUICE_E_OPTION', `--max-messages must be a whole number above 0 (given '${options.maxMessages}')`);
      const wait = options.wait === undefined ? undefined : Number(options.wait);
      if (wait !== undefined && !(Number.isInteger(wait) && wait >= 0 && wait <= 20)) throw new InputError('SLUICE_E_OPTION', `--wait must be whole seconds from 0 to 20, SQS's long-poll range (given '${options.wait}')`);
      const { pipeline, stage, cacheDir } = await loadForStage(entryArg, options, 'worker');
      const [{ AwsStage }, { runWorker }] = await Promise.all([import('../../stage/aws/stage.js'), import('../../stage/aws/worker.js')]);
      const remote = await AwsStage.open(pipeline, stage);
      const controller = new AbortController();
      const stop = () => {
        if (!options.json) process.stderr.write(`${pc.dim('stopping after the batch in hand...')}\n`);
        controller.abort();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (!options.json) process.stderr.write(`${pc.bold('sluice worker')} ${node} on stage '${stage}': polling its queue${options.untilEmpty ? ' until it is empty' : '; Ctrl-C stops'}\n`);
      try {
        const summary = await runWorker(remote, node, {
          untilEmpty: options.untilEmpty === true,
          ...(maxMessages !== undefined ? { maxMessages } : {}),
          ...(wait !== undefined ? { waitSeconds: wait } : {}),
          signal: controller.signal,
          cacheDir,
          onBatch: (b) => {
            if (options.json) process.stdout.write(`${JSON.stringify({ type: 'batch', ...b })}\n`);
            else process.stderr.write(`${pc.dim(`${b.queue}:`)} ${b.received} received, ${b.deleted} done${b.failed.length ? pc.yellow(`, ${b.failed.length} left to retry${b.error ? ` (${b.error})` : ''}`) : ''} ${pc.dim(`${b.ms} ms`)}\n`);
          },
        });
        if (options.json) process.stdout.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`);
        else emit(options, summary, () => `${summary.received} message(s) in ${summary.batches} batch(es): ${summary.deleted} done, ${summary.failed} left to retry (stopped: ${summary.stoppedBecause})`);
        if (summary.failed > 0) process.exitCode = 1;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    }));
}
