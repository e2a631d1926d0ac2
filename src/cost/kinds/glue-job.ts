/**
 * A Glue job's cost: DPU-hours per run of its flow, billed per second with a 1-minute minimum (Glue
 * 2.0 and later; 10 minutes for Spark jobs on Glue 0.9 and 1.0). A Python shell job runs on its
 * `maxCapacity` DPUs (0.0625 or 1); a Spark job on its workers times their type's DPUs.
 */
import type { GlueJob } from '../../model/glue-job.js';
import type { KindCost } from '../kind.js';
import { fmt } from '../lambda.js';
import { jobPasses, runsOf } from './job.js';

/** DPUs of one Spark worker of each type (https://docs.aws.amazon.com/glue/latest/dg/add-job.html). */
export const DPU_PER_WORKER: Record<string, number> = { 'G.025X': 0.25, 'G.1X': 1, 'G.2X': 2, 'G.4X': 4, 'G.8X': 8, 'Z.2X': 2 };

/** The DPUs a run of a Glue job holds, and the billed minimum in seconds. */
export function glueBilling(node: GlueJob): { dpus: number; minimumSeconds: number } {
  const r = node.resolved;
  if (r.type === 'pythonshell') return { dpus: r.maxCapacity ?? 0.0625, minimumSeconds: 60 };
  const old = ['0.9', '1.0'].includes(r.glueVersion);
  return { dpus: (r.workers ?? 2) * (DPU_PER_WORKER[r.workerType ?? 'G.1X'] ?? 1), minimumSeconds: old ? 600 : 60 };
}

export const glueJobCost: KindCost<GlueJob> = {
  unit: 'runs',
  sourceLabel: 'propagated',
  source: runsOf,
  passes: jobPasses,
  lines(node, inflow, ctx) {
    const { dpus, minimumSeconds } = glueBilling(node);
    const step = ctx.step(node);
    const billedSeconds = Math.max(minimumSeconds, Math.ceil(step.durationMs / 1000));
    return [ctx.line('glue.dpuHours', (inflow.count * dpus * billedSeconds) / 3600, `${fmt(inflow.count)} runs x ${dpus} DPU x ${billedSeconds} s (${node.resolved.type}, minimum ${minimumSeconds} s)`)];
  },
};
