/**
 * Local flow overhead (issue 11): a 20-job flow of no-op jobs, as a chain (20 levels of one job) and
 * as a fan-out (one job, then 19 side by side), run through `runFlow` against the interpreter alone
 * (aws-local-stepfunctions, no sluice code) in the same run:
 * - bare, same ASL: the very definition runFlow runs (placeholders filled), its Tasks answered by
 *   inline handlers returning the integration's response, no event log read;
 * - bare, minimal ASL: the same shape with plain Task states (no Parameters, Retry, Catch or
 *   ResultSelector), the least the interpreter can be asked to do.
 * sluice's overhead per job is (runFlow - bare same ASL) / 20. Goal: under 2 ms per job.
 * Each figure is the median of RUNS executions after WARMUP. Every side constructs its state machine
 * once and runs it many times (the interpreter validates a definition on construction, 100-500 ms;
 * runFlow keeps one machine per definition for that reason), so the figures are executions only.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { flowDefinition, type AslDefinition } from '../src/flow/asl.js';
import { localSubstitutions, runFlow, substituteDefinition } from '../src/flow/local-run.js';
import type { FlowJob, FlowPlan } from '../src/flow/plan.js';
import { bucket, flow, job as jobNode, pipeline, type Job, type Pipeline } from '../src/index.js';
import { localPipeline } from '../src/testing/index.js';

const JOBS = 20;
const WARMUP = 20;
const RUNS = 200;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(run: () => Promise<void>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

const job = (name: string): FlowJob => ({ name, kind: 'job', timeoutSeconds: 300, retry: { attempts: 2, intervalSeconds: 10, backoffRate: 2 } });
const names = Array.from({ length: JOBS }, (_, i) => `job-${String(i + 1).padStart(2, '0')}`);
const SHAPES: Record<string, FlowPlan> = {
  chain: { pipeline: 'bench', flow: 'chain', publishes: [], levels: names.map((n) => [job(n)]) },
  'fan-out': { pipeline: 'bench', flow: 'fan-out', publishes: [], levels: [[job(names[0]!)], names.slice(1).map(job)] },
};

/** The plan's shape with plain Task states: a chain of Tasks, or a Task then a Parallel of single-Task branches. */
function minimalDefinition(plan: FlowPlan): AslDefinition {
  const task = (name: string, next?: string) => ({ Type: 'Task' as const, Resource: `arn:aws:lambda:us-east-1:000000000000:function:${name}`, ...(next ? { Next: next } : { End: true as const }) });
  const states: AslDefinition['States'] = {};
  plan.levels.forEach((level, i) => {
    const next = i + 1 < plan.levels.length ? (plan.levels[i + 1]!.length === 1 ? plan.levels[i + 1]![0]!.name : `Level ${i + 2}`) : undefined;
    if (level.length === 1) states[level[0]!.name] = task(level[0]!.name, next);
    else states[`Level ${i + 1}`] = { Type: 'Parallel', Branches: level.map((j) => ({ StartAt: j.name, States: { [j.name]: task(j.name) } })) as never, ...(next ? { Next: next } : { End: true }) };
  });
  return { StartAt: plan.levels[0]!.length === 1 ? plan.levels[0]![0]!.name : 'Level 1', States: states };
}

/** The same shapes as pipelines the engine runs: no-op jobs over stages, in a chain or fanned out from one. */
function enginePipeline(shape: string): Pipeline {
  const handler = new URL('./fixtures/noop-job.ts', import.meta.url);
  const jobs: Job[] = names.map((n) => jobNode(n, { handler }));
  const stages = Array.from({ length: JOBS + 1 }, (_, i) => bucket(`s-${i}`));
  const stage = (i: number) => stages[i]!;
  const paths = shape === 'chain'
    ? jobs.map((j, i) => stage(i).to(j).to(stage(i + 1)))
    : [stage(0).to(jobs[0]!).to(stage(1)), ...jobs.slice(1).map((j, i) => stage(1).to(j).to(stage(i + 2)))];
  return pipeline('bench', [...paths, flow(shape, jobs)]);
}

/** The engine's run of a shape: the first execution (every job's worker cold), then the median of warm ones. */
async function engineRuns(shape: string): Promise<{ cold: number; warm: number }> {
  const local = await localPipeline(enginePipeline(shape));
  try {
    const once = async () => {
      const t = performance.now();
      const run = await local.trigger(shape);
      if (run.status !== 'SUCCEEDED') throw new Error(`engine ${shape}: ${run.status} ${run.cause ?? ''}`);
      return performance.now() - t;
    };
    const cold = await once();
    for (let i = 0; i < 3; i++) await once();
    const warm: number[] = [];
    for (let i = 0; i < 15; i++) warm.push(await once());
    return { cold, warm: median(warm) };
  } finally {
    await local.close();
  }
}

export default async function flowBench(): Promise<void> {
  const rows: string[][] = [['shape', 'engine, warm', 'engine, cold', 'runFlow', 'bare, same ASL', 'bare, minimal ASL', 'sluice per job (warm)', 'engine / bare', 'goal']];
  let worst = 0;
  for (const [shape, plan] of Object.entries(SHAPES)) {
    const definition = flowDefinition(plan);
    const substitutions = localSubstitutions(plan);
    const tasks = Object.fromEntries(names.map((n) => [n, async () => ({ job: n })]));

    const viaSluice = await timed(async () => {
      const result = await runFlow(definition, { substitutions, tasks, onEvent: () => {} });
      if (result.status !== 'SUCCEEDED') throw new Error(`runFlow ${shape}: ${result.status} ${result.cause ?? ''}`);
    });

    const filled = substituteDefinition(definition, substitutions);
    const lambdaResponse = Object.fromEntries(names.map((n) => [n, async () => ({ ExecutedVersion: '$LATEST', Payload: { job: n }, StatusCode: 200 })]));
    const sameMachine = new StateMachine(filled as never);
    const bareSame = await timed(async () => {
      const execution = sameMachine.run({}, { overrides: { taskResourceLocalHandlers: lambdaResponse }, context: { Execution: { Id: 'arn:aws:states:us-east-1:000000000000:execution:bench:x' } } });
      await execution.result;
    });

    const minimal = minimalDefinition(plan);
    const noop = Object.fromEntries(names.map((n) => [n, async () => ({ job: n })]));
    const minimalMachine = new StateMachine(minimal as never);
    const bareMinimal = await timed(async () => {
      await minimalMachine.run({}, { overrides: { taskResourceLocalHandlers: noop } }).result;
    });

    const engine = await engineRuns(shape);
    const perJob = (engine.warm - bareSame) / JOBS;
    worst = Math.max(worst, perJob);
    rows.push([shape, `${engine.warm.toFixed(1)} ms`, `${engine.cold.toFixed(0)} ms`, `${viaSluice.toFixed(2)} ms`, `${bareSame.toFixed(2)} ms`, `${bareMinimal.toFixed(2)} ms`, `${perJob.toFixed(2)} ms`, `${(engine.warm / bareSame).toFixed(0)}x`, '< 2 ms/job']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  console.log(`${JOBS} no-op jobs per flow. engine: localPipeline.trigger, each job in its worker thread with its stages' I/O through the engine (warm: median of 15 executions after 4; cold: the first, every worker started); runFlow: the interpreter with sluice's task handlers, no engine; bare: the interpreter alone with inline tasks (median of ${RUNS} after ${WARMUP}). sluice per job = (engine warm - bare same ASL) / ${JOBS}: worst ${worst.toFixed(2)} ms/job (${worst < 2 ? 'within' : 'OVER'} the 2 ms goal). A cold job starts its worker thread and loads its bundle, as a Lambda cold start does.`);
}
