/**
 * `sluice console [entry] [--stage NAME] [--port N]`: serve the console (src/console/) on 127.0.0.1
 * for a stage: the graph with live counts, node pages, the bucket browser, lineage, executions and
 * branch reports. The URL printed at start carries the random token every request needs. Locally the
 * state is opened store-only, so a `sluice dev` in another shell keeps working it (and the console
 * shows that live); `sluice dev --console` runs both in one process. Ctrl-C stops it.
 */
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { InputError } from '../../model/errors.js';
import { action } from '../common.js';
import { stateDirFor, type StageOptions } from '../stage.js';
import type { Stage } from '../../stage/stage.js';

/** Parse `--port`: a whole number from 0 (a free port) to 65535. */
export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InputError('SLUICE_E_CONSOLE_PORT', `--port must be a whole number from 0 to 65535 (given '${value}'); 0 lets the system choose a free port`, { field: '--port', given: value, expected: '0..65535' });
  return port;
}

/**
 * Serve the console for an open stage until SIGINT or SIGTERM; prints its URL (or, with --json, one
 * line `{ url, port, token }`) first.
 */
export async function serveConsole(stage: Stage, where: { entry: string; stateDir?: string; port: number; json?: boolean }): Promise<{ close(): Promise<void> }> {
  const [{ startConsole }, { estimateCost }] = await Promise.all([import('../../console/server.js'), import('../../cost/index.js')]);
  const sluiceDir = join(dirname(where.entry), '.sluice');
  // The cost panel: sluice cost's estimate for the stage, from declared volumes (as `sluice cost` with no options).
  const cost = (s: Stage) => estimateCost(s.pipeline, { stage: s.name, cacheDir: join(sluiceDir, 'cache') });
  const running = await startConsole({ stage, port: where.port, sluiceDir, cost, ...(where.stateDir ? { stateDir: where.stateDir } : {}) });
  if (where.json) process.stdout.write(`${JSON.stringify({ type: 'console', url: running.url, port: running.port, token: running.token, pipeline: stage.pipeline.name, stage: stage.name })}\n`);
  else process.stderr.write(`${pc.bold('sluice console')} ${stage.pipeline.name}${stage.label}: open ${pc.cyan(running.url)}\n${pc.dim('(listening on 127.0.0.1 only; the token in the URL is required; Ctrl-C stops)')}\n`);
  return running;
}

/**
 * Register `sluice console`.
 * @example sluice console --port 8080
 */
export function registerConsole(program: Command): void {
  program.command('console [entry]')
    .description('serve a web console on 127.0.0.1 for a stage: the live graph, nodes, objects, lineage, executions, branches')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', "the stage: 'local' (the embedded engine's state) or an AWS stage (read from AWS; actions ask first)", 'local')
    .option('--state <dir>', 'the local state folder (default: .sluice/local beside the pipeline file)')
    .option('--port <n>', 'the port on 127.0.0.1 (default: a free one)')
    .option('--json', 'print the URL as one JSON line for programs')
    .action(action(async (entryArg: string | undefined, options: StageOptions & { port?: string }) => {
      const port = parsePort(options.port);
      const [{ loadPipeline }, { openStage }] = await Promise.all([import('../load.js'), import('../../stage/index.js')]);
      const { pipeline, entry } = await loadPipeline(entryArg ?? options.entry);
      const stageName = options.stage ?? 'local';
      const stateDir = stateDirFor(entry, options.state);
      const stage = await openStage(pipeline, stageName, { stateDir });
      try {
        const running = await serveConsole(stage, { entry, port, ...(stageName === 'local' ? { stateDir } : {}), ...(options.json ? { json: true } : {}) });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await running.close();
      } finally {
        await stage.close();
      }
    }));
}
