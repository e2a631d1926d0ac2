/**
 * `--from-run`: a local run's measured counts, durations and sizes, scaled to a month. What each step
 * did per input (time, outputs, output size) is taken as measured; what came from outside (objects put
 * into buckets, messages sent to queues and topics) is scaled by one factor: the `--volume` given for
 * one of those sources over its measured count, or else a month over the run's own span. Schedules
 * fire as their expressions say, whatever the run saw.
 */
import type { Pipeline } from '../model/pipeline.js';
import { InputError } from '../model/errors.js';
import { readRunUsage, type RunUsage } from '../engine/store/run-usage.js';
import { SECONDS_PER_MONTH } from './lambda.js';
import type { MeasuredStep } from './steps.js';
import type { Volume } from './kind.js';

/** How the run was scaled to a month. */
export interface RunScale {
  /** The run's first execution start and last execution end (ISO-8601). */
  from: string;
  to: string;
  /** Its span in seconds. */
  seconds: number;
  /** What every measured outside input was multiplied by. */
  factor: number;
  /** Why that factor, for people. */
  basis: string;
}

/** A run, measured and scaled. */
export interface RunMeasurement {
  steps: Map<string, MeasuredStep>;
  /** Outside inputs a month by source node (scaled). */
  sources: Map<string, Volume>;
  scale: RunScale;
}

/**
 * Read the local run in `stateDir` and scale it to a month.
 * @throws InputError `SLUICE_E_COST_RUN` when the state holds no run.
 */
export function measureRunIn(stateDir: string, pipeline: Pipeline, volumes: ReadonlyMap<string, number>): RunMeasurement {
  const usage = readRunUsage(stateDir);
  if (!usage) throw new InputError('SLUICE_E_COST_RUN', `no local run to measure in '${stateDir}': run the pipeline first (sluice run --put BUCKET=PATH), then sluice cost --from-run`, { field: '--from-run', given: stateDir });
  return measureRun(usage, pipeline, volumes);
}

/** Scale a run's usage to a month (see the module comment for how). */
export function measureRun(usage: RunUsage, pipeline: Pipeline, volumes: ReadonlyMap<string, number>): RunMeasurement {
  const steps = new Map<string, MeasuredStep>();
  const external = new Map<string, Volume>();
  for (const [name, b] of Object.entries(usage.buckets)) {
    if (b.external && pipeline.node(name)?.kind === 'bucket') external.set(name, { count: b.external, bytes: b.objects ? b.bytes / b.objects : 0 });
  }
  for (const [name, s] of Object.entries(usage.steps)) {
    const node = pipeline.node(name);
    if (!node) continue;
    const targets = pipeline.outgoing(node).length;
    const outputs = Object.values(s.outputs).reduce((a, b) => a + b, 0);
    const buckets = Object.keys(s.outputs).map((t) => usage.buckets[t]).filter((b) => b && b.objects);
    const outputBytes = buckets.length ? buckets.reduce((a, b) => a + b!.bytes, 0) / buckets.reduce((a, b) => a + b!.objects, 0) : undefined;
    steps.set(name, { durationMs: s.totalMs / s.executions, outputsPerInput: targets ? outputs / s.executions / targets : 0, ...(outputBytes !== undefined ? { outputBytes } : {}) });
    // Root executions fed by a message: messages sent to that queue or topic from outside.
    for (const [where, count] of Object.entries(s.inputs)) {
      const [kind, source] = where.split(':') as [string, string];
      if (kind === 'message' && s.roots && pipeline.node(source)) external.set(source, { count: Math.min(count, s.roots), bytes: 1024 });
    }
  }
  const seconds = Math.max(0.001, (Date.parse(usage.to) - Date.parse(usage.from)) / 1000);
  const declared = [...volumes].find(([node]) => external.has(node) && external.get(node)!.count > 0);
  const factor = declared ? declared[1] / external.get(declared[0])!.count : SECONDS_PER_MONTH / seconds;
  const counted = [...external].map(([n, v]) => `${v.count} into '${n}'`).join(', ') || 'no outside inputs';
  const basis = declared
    ? `--volume ${declared[0]}=${declared[1]}/month over the run's ${external.get(declared[0])!.count} into '${declared[0]}'`
    : `a month (${SECONDS_PER_MONTH} s) over the run's ${seconds.toFixed(3)} s span (${counted}); pass --volume NODE=N/month to scale to your volume instead`;
  const sources = new Map([...external].map(([n, v]) => [n, { count: v.count * factor, bytes: v.bytes }]));
  return { steps, sources, scale: { from: usage.from, to: usage.to, seconds, factor, basis } };
}
