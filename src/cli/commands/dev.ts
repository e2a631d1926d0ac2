/**
 * `sluice dev [entry]`: keep the local engine running: process inputs as they arrive (from
 * `sluice put`/`send` in another shell, or schedules on the real clock), print each invocation with
 * its logs, and reload a handler when its source changes. Ctrl-C stops it cleanly.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { flowLine } from '../flow-progress.js';
import type { EngineEvent } from '../../engine/index.js';

const POLL_MS = 200;
const RELOAD_CHECK_MS = 1000;

export function registerDev(program: Command): void {
  withJson(program.command('dev [entry]'))
    .description('run the local engine continuously: process inputs as they arrive and reload changed handlers')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--state <dir>', 'the state folder (default: .sluice/local beside the pipeline file)')
    .option('--console', 'also serve the web console for the local stage (its URL with its token is printed)')
    .option('--port <n>', 'the console\'s port on 127.0.0.1, with --console (default: a free one)')
    .action(action(async (entryArg: string | undefined, options: { entry?: string; state?: string; json?: boolean; console?: boolean; port?: string }) => {
      const consolePort = options.console ? (await import('./console.js')).parsePort(options.port) : undefined;
      const print = (line: Record<string, unknown>, human: string) => process.stdout.write(options.json ? `${JSON.stringify(line)}\n` : `${human}\n`);
      const onEvent = (e: EngineEvent) => {
        const time = new Date().toISOString().slice(11, 19);
        if (e.type === 'schedule') return print(e, `${pc.dim(time)} ${pc.cyan('⏱')} schedule '${e.schedule}' fired for ${e.time}`);
        if (e.type === 'delivery-failed') return print(e, `${pc.dim(time)} ${pc.red('✗')} topic '${e.topic}' could not deliver to '${e.target}': ${e.error.errorMessage}`);
        if (e.type === 'heartbeat' && e.name === 'start') return print(e, `${pc.dim(time)} ${pc.magenta('♥')} ${e.fn} started (${e.execution})`);
        // Per-input heartbeats and timings are lines for programs; people see them summed per invocation.
        if (e.type === 'heartbeat' || e.type === 'timed_execution') return options.json ? print(e, '') : undefined;
        if (e.type === 'flow' || e.type === 'job') return print(e, `${pc.dim(time)} ${flowLine(e)}`);
        const mark = e.ok ? pc.green('✓') : pc.red('✗');
        print(e, `${pc.dim(time)} ${mark} ${e.fn} ${pc.dim(`${e.durationMs.toFixed(1)} ms, ${e.records} record(s)`)}${e.error ? ` ${pc.red(`${e.error.errorType}: ${e.error.errorMessage}`)}` : ''}`);
        for (const log of e.logs) print({ type: 'log', ...log }, `${pc.dim(time)}   ${pc.dim(e.fn)} ${log.message}${log.data ? ` ${pc.dim(JSON.stringify(log.data))}` : ''}`);
        if (!options.json && e.executions) {
          const duplicates = e.duplicates ? `, ${e.duplicates} duplicate(s) skipped` : '';
          process.stdout.write(`${pc.dim(time)}   ${pc.dim(`${e.fn} timed_execution core_process ${e.coreMs.toFixed(2)} ms, total ${e.totalMs.toFixed(2)} ms over ${e.executions} input(s)${duplicates}`)}\n`);
        }
      };
      const [{ openLocal }, { saveClock }] = await Promise.all([import('../local.js'), import('../../engine/index.js')]);
      const { stage, entry, release, stateDir } = await openLocal({ ...options, entry: entryArg ?? options.entry }, { onEvent, execution: 'run_forever' });
      const { engine } = stage;
      const consoleServer = consolePort === undefined ? undefined : await (await import('./console.js')).serveConsole(stage, { entry, stateDir, port: consolePort, ...(options.json ? { json: true } : {}) });
      if (!options.json) process.stderr.write(`${pc.bold('sluice dev')} ${engine.pipeline.name} (${entry}): waiting for inputs; put some with ${pc.cyan('sluice put <bucket> <file>')} in another shell. Ctrl-C stops.\n`);
      let stopping = false;
      const stop = () => {
        stopping = true;
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let lastReload = Date.now();
      try {
        while (!stopping) {
          await engine.settle();
          if (Date.now() - lastReload > RELOAD_CHECK_MS) {
            lastReload = Date.now();
            const { reloaded, failed } = await engine.reloadHandlers();
            const at = pc.dim(new Date().toISOString().slice(11, 19));
            for (const fn of reloaded) print({ type: 'reload', fn }, `${at} ${pc.yellow('↻')} reloaded '${fn}'`);
            for (const f of failed) print({ type: 'reload-failed', ...f }, `${at} ${pc.red('✗')} '${f.fn}' does not build, still running the previous version: ${f.message}`);
          }
          const next = engine.nextDueAt();
          const wait = next === undefined ? POLL_MS : Math.max(0, Math.min(POLL_MS, next - engine.clock.now()));
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      } finally {
        await consoleServer?.close();
        saveClock(engine);
        await stage.close();
        release();
      }
    }));
}
