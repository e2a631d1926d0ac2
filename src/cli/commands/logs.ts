/**
 * `sluice logs <node> [entry] --stage NAME [--follow] [--since 10m]`: a function's CloudWatch logs.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { loadForStage, type CloudOptions } from '../cloud.js';
import type { LogLine } from '../../cloud/deploy/logs.js';
import { emit, progress } from '../output.js';

interface LogsOptions extends CloudOptions {
  follow?: boolean;
  since: string;
}

/**
 * Register `sluice logs`.
 * @example sluice logs copy --stage dev --since 1h --follow
 */
export function registerLogs(program: Command): void {
  withJson(program.command('logs <node> [entry]'))
    .description("print a function's CloudWatch logs on an AWS stage (with --json: one JSON line per event)")
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', 'the AWS stage, e.g. dev')
    .option('-f, --follow', 'keep printing new events until interrupted')
    .option('--since <when>', 'how far back to start: 10m, 2h, 1d or an ISO date', '10m')
    .action(action(async (node: string, entryArg: string | undefined, options: LogsOptions) => {
      const { pipeline, stage } = await loadForStage(entryArg, options, 'logs');
      const [{ nodeFor }, { partName, physicalBase }] = await Promise.all([import('../../model/lookup.js'), import('../../model/resources.js')]);
      const fn = nodeFor(pipeline, node, 'logs', { commandSuffix: ` --stage ${stage}` });
      const { openSession } = await import('../../cloud/deploy/aws.js');
      const { readLogs, sinceMs } = await import('../../cloud/deploy/logs.js');
      const since = sinceMs(options.since, Date.now());
      const aws = await openSession();
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      const logGroup = partName('fn', 'LogGroup', physicalBase(pipeline.name, stage, fn.name))!;
      // --json: one document; with --follow, which never ends, one JSON line per event instead.
      const collected: LogLine[] = [];
      try {
        const count = await readLogs(aws, logGroup, {
          since,
          follow: options.follow === true,
          signal: controller.signal,
          // Following waits in silence between events: say so, and for what (stderr; nothing with --json).
          onWaiting: (printed) => progress(options, `${printed ? `waiting for new log events of '${node}'` : `no log events of '${node}' since ${new Date(since).toISOString()} yet; waiting for them`} in log group '${logGroup}' on stage '${stage}' (checked every 2 s; Ctrl-C stops)`),
          onLine: (line) => {
            if (options.json && !options.follow) collected.push(line);
            else process.stdout.write(options.json ? `${JSON.stringify(line)}\n` : `${pc.dim(line.time)} ${line.message}\n`);
          },
        });
        if (options.json && !options.follow) emit(options, { node, logGroup, since: new Date(since).toISOString(), events: collected }, () => '');
        else if (count === 0 && !options.json) process.stderr.write(`${pc.dim(`no log events for '${node}' since ${new Date(since).toISOString()}`)}\n`);
      } finally {
        process.off('SIGINT', stop);
      }
    }));
}
