/**
 * A flow job's cost: one Lambda run per execution of its flow (lambda.ts), and `outputsPerInput`
 * objects per run into each bucket it writes. Reading its input stage is listed, not counted.
 */
import type { Job } from '../../model/job.js';
import type { GlueJob } from '../../model/glue-job.js';
import type { AnyNode } from '../../model/node.js';
import type { CostContext, KindCost, Volume } from '../kind.js';
import { lambdaLines } from '../lambda.js';

/** Executions a month of the flows a job or Glue job belongs to. */
export function runsOf(node: AnyNode, ctx: CostContext): Volume | undefined {
  const flows = ctx.pipeline.nodesOf('flow').filter((f) => Array.isArray(f.jobs) && (f.jobs as AnyNode[]).includes(node));
  if (!flows.length) return undefined;
  return { count: flows.reduce((n, f) => n + ctx.volumeOf(f).count, 0), bytes: 0 };
}

/** What a job or Glue job passes to the stages it writes: its declared outputs per run. */
export const jobPasses: KindCost<Job | GlueJob>['passes'] = (node, inflow, _edge, ctx) => {
  const step = ctx.step(node);
  return { count: inflow.count * step.outputsPerInput, bytes: step.outputBytes ?? 1024 };
};

export const jobCost: KindCost<Job> = {
  unit: 'runs',
  sourceLabel: 'propagated',
  source: runsOf,
  passes: jobPasses,
  lines(node, inflow, ctx) {
    ctx.assume(`job '${node.name}': reading its input stage (LIST and GET requests) is not counted`);
    return lambdaLines(node, inflow.count, inflow.count, ctx);
  },
};
