/**
 * A flow's plan from the pipeline: its jobs in run order (`flowLevels`, from the stages between
 * them), each with its resolved timeout and retries, and whether its outcome is published. Synth
 * and the local engine both start here, so they run the same plan through the same definition.
 */
import { flowLevels, type Flow, type FlowStep } from '../model/flow.js';
import type { Pipeline } from '../model/pipeline.js';
import type { FlowJob, FlowPlan } from './plan.js';

/**
 * The plan of `flow` in `pipe` (validated first: a cycle leaves `levels` short).
 * @example flowPlanOf(pipe, nightly).levels.map((l) => l.map((j) => j.name)) // [['extract'], ['clean', 'enrich']]
 */
export function flowPlanOf(pipe: Pipeline, flow: Flow): FlowPlan {
  const timeoutSeconds = flow.timeoutSeconds;
  return {
    pipeline: pipe.name,
    flow: flow.name,
    levels: flowLevels(pipe, flow).levels.map((level) => level.map(flowJobOf)),
    notify: pipe.outgoing(flow).some((e) => e.to.kind === 'topic'),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
  };
}

/** One job as its state machine runs it: a Glue job's timeout is whole minutes. */
export function flowJobOf(step: FlowStep): FlowJob {
  if (step.kind === 'job') {
    const r = step.resolved;
    return { name: step.name, kind: 'job', timeoutSeconds: r.timeoutSeconds, retry: r.retry };
  }
  const r = step.resolved;
  return { name: step.name, kind: 'glueJob', timeoutSeconds: r.timeoutMinutes * 60, retry: r.retry };
}
