/**
 * `sluice trigger <flow> [entry] [--input JSON] [--name NAME] [--no-wait]` starts an execution of a
 * flow and follows it, printing each job as it starts, succeeds or fails; `sluice executions <flow>`
 * lists past executions (or shows one with `--id`). The same on every stage, through the Stage.
 * Locally, trigger runs the engine itself when no other engine holds the state; beside a running
 * `sluice dev` it leaves the execution to it and follows it from the state.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action } from '../common.js';
import { emit, progress } from '../output.js';
import { onStage, withStageOptions, type StageOptions } from '../stage.js';
import { InputError } from '../../model/errors.js';
import { nodeFor } from '../../model/lookup.js';
import { duration, jobError } from '../flow-progress.js';
import type { ExecutionDetail, ExecutionSummary, Stage } from '../../stage/index.js';

interface TriggerCliOptions extends StageOptions {
  input?: string;
  name?: string;
  wait?: boolean;
  detail?: string;
}

/** How often a followed execution is looked at. */
const POLL_MS = 250;

/**
 * Register `sluice trigger` and `sluice executions`.
 * @example sluice trigger nightly --input '{"day":"2026-01-01"}'
 */
export function registerTrigger(program: Command): void {
  withStageOptions(program.command('trigger <name> [entry]'), { entry: false })
    .description("start an execution of a flow and show each job's progress until it ends (exit 1 unless it succeeded); or fire a schedule (or a function's schedule) now")
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--input <json>', "the execution's input, as JSON (default: {})")
    .option('--name <name>', "the execution's name (default: generated); unique per flow")
    .option('--no-wait', 'start it and return its id without following it')
    .option('--detail <json>', "a schedule: the scheduled event's detail, as JSON (default: the schedule's own)")
    .addHelpText('after', `
Locally the flow runs on the embedded engine, from the same state machine definition synth deploys:
jobs run in worker threads, in dependency order, with their retries and timeouts. When a 'sluice dev'
is running on the state, the execution is left to it and followed from the state. On an AWS stage
(--stage dev) StartExecution starts the deployed state machine and its history is followed. With the
flow's overlap 'refuse' (the default), a trigger while an execution runs is refused, naming it.

A schedule (or a function a schedule invokes) is fired now, so nobody waits for its clock: each target
gets the scheduled event EventBridge would send (a function invoked asynchronously, a flow started).
Locally the engine then runs what that started, to the end; on AWS the deployed pipeline does.`)
    .action(action(async (flow: string, entryArg: string | undefined, options: TriggerCliOptions) => {
      const input = parseInput(options.input);
      const eventDetail = parseDetail(options.detail);
      const follow = async (stage: Stage) => {
        // A name that is no flow, schedule or function fails here, listing each of those it could be.
        const node = nodeFor(stage.pipeline, flow, 'trigger', { commandSuffix: stage.commandSuffix });
        if (node.kind === 'schedule' || node.kind === 'fn') {
          await fireNow(stage, node.kind === 'schedule' ? node.name : scheduleOf(stage, node.name), node.kind === 'fn' ? node.name : undefined, eventDetail, options);
          return;
        }
        const started = await stage.trigger(flow, input, options.name ? { name: options.name } : {});
        if (options.wait === false) {
          emit(options, { stage: stage.name, flow, ...started }, () => `started execution ${started.name} of flow '${flow}'${stage.label}${stage.name === 'local' ? ` (${stage.afterWrite.replace(/^they are/, 'it is')})` : ''}; follow it with: sluice executions ${flow} --id ${started.id}${stage.commandSuffix}`);
          return;
        }
        progress(options, `▶ flow '${flow}' execution ${started.name}${stage.label}`);
        const detail = await followExecution(stage, flow, started.id, (line) => progress(options, line));
        emit(options, { stage: stage.name, ...detail }, () => formatOutcome(detail));
        if (detail.status !== 'SUCCEEDED') process.exitCode = 1;
      };
      if ((options.stage ?? 'local') !== 'local' || options.wait === false) return onStage(options, follow, entryArg);
      // Locally this process runs the engine when it can take the state; else a running engine (sluice dev) does.
      const { openLocal } = await import('../local.js');
      let local: Awaited<ReturnType<typeof openLocal>> | undefined;
      try {
        local = await openLocal({ ...options, entry: entryArg ?? options.entry }, { execution: 'run_once' });
      } catch (error) {
        if ((error as { code?: string }).code !== 'SLUICE_E_STATE_LOCKED') throw error;
        progress(options, 'another engine holds the state (sluice dev?): it runs the execution');
        return onStage(options, follow, entryArg);
      }
      try {
        await follow(local.stage);
        // What the jobs' writes started downstream (event-driven steps) finishes too.
        await local.stage.engine.settle();
      } finally {
        await local.stage.close();
        local.release();
      }
    }));

  withStageOptions(program.command('executions <flow> [entry]'), { entry: false })
    .description("list a flow's executions, newest first, with status, start, duration and the job that failed; --id shows one with each job")
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--id <id>', 'show one execution (an id from the list), job by job')
    .option('--limit <n>', 'how many to list', '20')
    .action(action(async (flow: string, entryArg: string | undefined, options: StageOptions & { id?: string; limit: string }) => {
      await onStage(options, async (stage) => {
        if (options.id) {
          const detail = await stage.execution(flow, options.id);
          emit(options, { stage: stage.name, ...detail }, () => formatDetail(detail));
          return;
        }
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new InputError('SLUICE_E_USAGE', `--limit takes a whole number of executions, 1 or more (given '${options.limit}')`, { field: '--limit', given: options.limit });
        const list = await stage.executions(flow, { limit });
        emit(options, { stage: stage.name, flow, executions: list }, () => formatList(flow, list, stage));
      }, entryArg);
    }));
}

/** The schedule that invokes a function, or a coded error when none does. */
function scheduleOf(stage: Stage, fn: string): string {
  const schedules = stage.pipeline.incoming(stage.pipeline.node(fn)!).filter((e) => e.from.kind === 'schedule').map((e) => e.from.name);
  if (schedules.length === 0) throw new InputError('SLUICE_E_TRIGGER_NO_SCHEDULE', `function '${fn}' has no schedule to fire: no schedule of pipeline '${stage.pipeline.name}' invokes it; run it once with: sluice invoke ${fn}${stage.commandSuffix} --event FILE`, { node: fn });
  return schedules[0]!;
}

/** Fire a schedule (to one target when given) and say what it started; locally the caller runs it. */
async function fireNow(stage: Stage, schedule: string, target: string | undefined, detail: Record<string, unknown> | undefined, options: TriggerCliOptions): Promise<void> {
  const fired = await stage.fire(schedule, { ...(detail ? { detail } : {}), ...(target ? { target } : {}) });
  progress(options, `▶ fired schedule '${schedule}'${stage.label} at ${String(fired.event.time)}: ${fired.targets.join(', ') || 'no target'}`);
  if (stage.name === 'local' && 'engine' in stage) await (stage as Stage & { engine: { settle(): Promise<void> } }).engine.settle();
  type Ran = { invocations: number; failures: number; deadLettered: number; lastError?: { errorType: string; errorMessage: string; code?: string } };
  const stats = 'stats' in stage ? (stage as Stage & { stats(): Record<string, Ran> }).stats() : undefined;
  // A failure's reason is shown now: its record may only reach the DLQ after the queue's receives.
  const ran = stats ? Object.entries(stats).filter(([, s]) => s.invocations > 0).map(([node, s]) => ({
    node, invocations: s.invocations, failures: s.failures, deadLettered: s.deadLettered,
    ...(s.failures > 0 && s.lastError ? { lastError: { errorType: s.lastError.errorType, errorMessage: s.lastError.errorMessage, ...(s.lastError.code ? { code: s.lastError.code } : {}) } } : {}),
  })) : undefined;
  emit(options, { stage: stage.name, ...fired, ...(ran ? { ran } : {}) }, () => [
    `${pc.green('✓')} fired schedule '${schedule}'${stage.label}: sent the scheduled event to ${fired.targets.map((t) => `'${t}'`).join(', ') || 'no target'}`,
    ...(ran ? ran.flatMap((r) => [
      `  ${r.node}: ${r.invocations} invocation(s), ${r.failures} failed, ${r.deadLettered} dead-lettered`,
      ...(r.lastError ? [pc.red(`    last error: ${r.lastError.errorType}: ${r.lastError.errorMessage}${r.lastError.code ? ` [${r.lastError.code}]` : ''}`)] : []),
    ]) : [`  the deployed pipeline runs it; follow it with: sluice logs ${fired.targets[0] ?? schedule}${stage.commandSuffix}`]),
  ].join('\n'));
  if (ran?.some((r) => r.deadLettered > 0)) process.exitCode = 1;
}

/** The --detail option as a JSON object, or a coded error. */
function parseDetail(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  let why = `given ${text}`;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    why = (error as Error).message;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError('SLUICE_E_TRIGGER_DETAIL', `--detail must be a JSON object, e.g. --detail '{"source":"manual"}' (${why})`, { field: '--detail', given: text });
  return parsed as Record<string, unknown>;
}

/** The input option as JSON, or a coded error saying what is wrong with it. */
function parseInput(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError('SLUICE_E_USAGE', `--input must be JSON, e.g. --input '{"day":"2026-01-01"}' (${(error as Error).message})`, { field: '--input', given: text });
  }
}

/** Follow an execution until it ends, reporting each job's change of status as a line. */
export async function followExecution(stage: Stage, flow: string, id: string, line: (text: string) => void): Promise<ExecutionDetail> {
  const seen = new Map<string, string>();
  for (;;) {
    const detail = await stage.execution(flow, id);
    for (const j of detail.jobs) {
      const key = `${j.status}:${j.attempts ?? 0}`;
      if (seen.get(j.job) === key || j.status === 'pending') continue;
      seen.set(j.job, key);
      if (j.status === 'running') line(`  · ${j.job} started${(j.attempts ?? 1) > 1 ? ` (attempt ${j.attempts})` : ''}`);
      else if (j.status === 'succeeded') line(`  ✓ ${j.job} ${duration(j.durationMs)}`);
      else line(`  ✗ ${j.job} failed${j.durationMs !== undefined ? ` after ${duration(j.durationMs)}` : ''}: ${jobError(j.error, j.cause)}`);
    }
    if (detail.status !== 'RUNNING') return detail;
    await stage.pause(POLL_MS);
  }
}

function formatOutcome(d: ExecutionDetail): string {
  if (d.status === 'SUCCEEDED') return `${pc.green('✓')} flow '${d.flow}' succeeded in ${duration(d.durationMs)} (execution ${d.name})`;
  return `${pc.red('✗')} flow '${d.flow}' ${d.status.toLowerCase().replace('_', ' ')}${d.failedJob ? ` at job '${d.failedJob}'` : ''} (execution ${d.name}): ${jobError(d.error, d.cause)}${d.failedJob ? `\n  jobs after it did not run; the failed job's writes were not committed` : ''}`;
}

function formatDetail(d: ExecutionDetail): string {
  const rows = d.jobs.map((j) => `  ${j.status === 'succeeded' ? pc.green('✓') : j.status === 'failed' ? pc.red('✗') : j.status === 'running' ? pc.cyan('·') : pc.dim('○')} ${j.job.padEnd(20)} ${j.status.padEnd(9)} ${duration(j.durationMs).padEnd(9)}${j.attempts && j.attempts > 1 ? ` ${j.attempts} attempts` : ''}${j.status === 'failed' ? ` ${pc.red(jobError(j.error, j.cause))}` : ''}`);
  return [`${pc.bold(`flow '${d.flow}'`)} execution ${d.name}: ${d.status}${d.durationMs !== undefined ? ` in ${duration(d.durationMs)}` : ''}, started ${d.startedAt}`, ...rows.map((r) => r.trimEnd())].join('\n');
}

function formatList(flow: string, list: ExecutionSummary[], stage: Stage): string {
  if (list.length === 0) return `flow '${flow}' has no executions${stage.label}; start one with: sluice trigger ${flow}${stage.commandSuffix}`;
  const rows = list.map((e) => [e.name, e.status, e.startedAt.replace('T', ' ').slice(0, 19), duration(e.durationMs), e.failedJob ?? '']);
  const head = ['execution', 'status', 'started', 'duration', 'failed job'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [pc.bold(line(head)), ...rows.map(line)].join('\n');
}
