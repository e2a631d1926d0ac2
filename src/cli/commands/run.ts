/**
 * `sluice run [entry] [--put bucket=path]...`: put files, process everything pending until idle on
 * the local engine, print a per-node summary, and exit 1 if anything landed in a dead-letter queue.
 * Waits (retry back-off, visibility timeouts, delays) are skipped on the engine clock, so a run
 * finishes as soon as the work does.
 */
import type { Command } from 'commander';
import { action, withJson } from '../common.js';
import { emit, progress } from '../output.js';
import { InputError, InternalError } from '../../model/errors.js';
import type { EngineEvent } from '../../engine/index.js';

/** Options of `sluice run`. */
export interface RunOptions {
  entry?: string;
  put?: string[];
  /** With `put`: put every file of a folder, even those already there with the same content. */
  force?: boolean;
  state?: string;
  json?: boolean;
}

// `run --json` is one document, so it holds the per-input lines (core_process heartbeats,
// timed_execution, ctx.log) up to this many and counts the rest; start heartbeats are always in, the
// per-step timings cover every execution, and `sluice dev --json` streams every line.
const MAX_JSON_LOG_LINES = 200;

/** Per step: how many inputs it processed and its timings (Pylon's timed_execution core_process and total). */
interface StepTimings {
  executions: number;
  coreMs: { total: number; max: number };
  totalMs: { total: number; max: number };
}

export function registerRun(program: Command): void {
  withJson(program.command('run [entry]'))
    .description('process everything pending on the local engine until idle, then print a per-node summary (exit 1 if anything was dead-lettered)')
    .option('--put <bucket=path>', 'put a file, or every file under a folder, into a bucket first (repeatable); a folder put again skips files already there with the same content', (v: string, all: string[] = []) => [...all, v])
    .option('--force', 'with --put: put every file of a folder, even those already there with the same content')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--state <dir>', 'the state folder (default: .sluice/local beside the pipeline file)')
    .action(action(async (entryArg: string | undefined, options: RunOptions) => {
      const result = await runPipeline({ ...options, entry: entryArg ?? options.entry });
      if (result.deadLettered > 0) process.exitCode = 1;
    }));
}

/** Run a pipeline until idle and report; returns how many messages were dead-lettered. */
export async function runPipeline(options: RunOptions): Promise<{ deadLettered: number }> {
  const started = performance.now();
  let invocations = 0;
  let lastProgress = 0;
  const log: Array<Record<string, unknown>> = [];
  let logDropped = 0;
  const timings = new Map<string, StepTimings>();
  let perInput = 0;
  const keep = (line: Record<string, unknown>, always = false) => {
    if (!options.json) return;
    if (always || perInput++ < MAX_JSON_LOG_LINES) log.push(line);
    else logDropped++;
  };
  const onEvent = (e: EngineEvent) => {
    if (e.type === 'heartbeat') return keep({ ...e, message: `heartbeat ${e.name}` }, e.name === 'start');
    if (e.type === 'timed_execution') {
      let t = timings.get(e.fn);
      if (!t) timings.set(e.fn, (t = { executions: 0, coreMs: { total: 0, max: 0 }, totalMs: { total: 0, max: 0 } }));
      t.executions++;
      t.coreMs.total += e.core_process;
      t.coreMs.max = Math.max(t.coreMs.max, e.core_process);
      t.totalMs.total += e.total;
      t.totalMs.max = Math.max(t.totalMs.max, e.total);
      return keep({ ...e, message: `timed_execution core_process ${e.core_process} total ${e.total}` });
    }
    if (e.type !== 'invocation') return;
    for (const line of e.logs) keep({ type: 'log', fn: e.fn, ...line });
    invocations++;
    if (!e.ok && !options.json) progress(options, `✗ ${e.fn}: ${e.error?.errorType}: ${e.error?.errorMessage}`);
    const now = performance.now();
    if (!options.json && process.stderr.isTTY && now - lastProgress > 200) {
      lastProgress = now;
      process.stderr.write(`\r${invocations} invocations…`);
    }
  };
  // The engine is loaded when a run starts, not with the CLI.
  const [{ openLocal }, { filesToPut, putFiles, describeLeftOut }, { deadLetterDepths, deadLetteredThisRun, formatSummary, summarize }, { saveClock, SystemClock }] = await Promise.all([
    import('../local.js'), import('../files.js'), import('../summary.js'), import('../../engine/index.js'),
  ]);
  const { stage, entry, stateDir, release, resumed } = await openLocal(options, { onEvent, execution: 'run_once' });
  const { engine } = stage;
  try {
    if (resumed) progress(options, `resuming ${resumed} message(s) an interrupted run left in flight`);
    const before = await deadLetterDepths(stage);
    let put = 0;
    for (const spec of options.put ?? []) {
      const eq = spec.indexOf('=');
      if (eq <= 0) throw new InputError('SLUICE_E_PUT_SPEC', `--put takes bucket=path (given '${spec}'), e.g. --put raw=./data`, { field: '--put', given: spec, expected: 'bucket=path' });
      const bucket = spec.slice(0, eq);
      const result = await putFiles(stage, bucket, filesToPut(spec.slice(eq + 1)), { force: options.force === true });
      put += result.put.length;
      const leftOut = describeLeftOut(result);
      progress(options, `put ${result.put.length} file(s) into '${bucket}'${leftOut ? `; ${leftOut}` : ''}`);
    }
    const clock = engine.clock;
    if (clock instanceof SystemClock) await engine.drain((t) => clock.skipTo(t));
    else await engine.settle();
    saveClock(engine);
    // Every wait was skipped, so nothing may be left; if something is, say so instead of reporting success.
    const left = engine.pendingWork();
    if (left > 0) throw new InternalError(`${left} message(s) are still pending after the run although every wait was skipped (state: ${stateDir})`);
    if (!options.json && process.stderr.isTTY) process.stderr.write('\r');
    const summaries = await summarize(stage);
    const deadLettered = deadLetteredThisRun(before, summaries);
    const seconds = (performance.now() - started) / 1000;
    const steps = Object.fromEntries([...timings].map(([fn, t]) => [fn, {
      executions: t.executions,
      coreMs: { avg: round(t.coreMs.total / t.executions), max: round(t.coreMs.max) },
      totalMs: { avg: round(t.totalMs.total / t.executions), max: round(t.totalMs.max) },
    }]));
    emit(options, { pipeline: engine.pipeline.name, entry, state: stateDir, put, resumed, invocations, seconds, deadLettered, nodes: summaries, timings: steps, log, ...(logDropped ? { logDropped } : {}) }, () =>
      `${formatSummary(summaries, before)}\n\n${engine.pipeline.name}: ${put} object(s) put, ${invocations} invocation(s) in ${seconds.toFixed(2)} s${deadLettered ? `, ${deadLettered} dead-lettered (see: sluice dlq list <node>)` : ''}`);
    return { deadLettered };
  } finally {
    await stage.close();
    release();
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
