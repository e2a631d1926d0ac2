/**
 * A flow's plan from the model: its jobs in topological levels (`flowLevels`), each with its timeout
 * and retry, and whether the outcome is published. Synth and the local engine build the state machine
 * from this one plan, so the deployed and the local flow run the same definition.
 */
import type { Pipeline } from '../model/pipeline.js';
import { flowLevels, type Flow, type FlowStep } from '../model/flow.js';
import type { FlowJob, FlowPlan } from './plan.js';

/** The plan of a (valid) flow. */
export function planOf(pipe: Pipeline, flow: Flow): FlowPlan {
  return {
    pipeline: pipe.name,
    flow: flow.name,
    levels: flowLevels(pipe, flow).levels.map((level) => level.map(flowJobOf)),
    notify: pipe.outgoing(flow).some((e) => e.to.kind === 'topic'),
    ...(flow.timeoutSeconds !== undefined ? { timeoutSeconds: flow.timeoutSeconds } : {}),
  };
}

function flowJobOf(step: FlowStep): FlowJob {
  if (step.kind === 'job') {
    const r = step.resolved;
    return { name: step.name, kind: 'job', timeoutSeconds: r.timeoutSeconds, retry: r.retry };
  }
  const r = step.resolved;
  return { name: step.name, kind: 'glueJob', timeoutSeconds: r.timeoutMinutes * 60, retry: r.retry };
}
