/**
 * A flow's plan from the pipeline: its jobs in run order (`flowLevels`, from the stages between
 * them), each with its resolved timeout and retries, and where its outcome is published. Synth
 * and the local engine both start here, so they run the same plan through the same definition.
 */
import { flowLevels, type Flow, type FlowStep } from '../model/flow.js';
import type { Pipeline } from '../model/pipeline.js';
import type { FlowJob, FlowPlan, FlowPublish } from './plan.js';

/**
 * The plan of `flow` in `pipe` (validated first: a cycle leaves `levels` short), as deployed to the
 * AWS stage `stage`, or run by the local engine when `stage` is absent.
 * @example flowPlanOf(pipe, nightly).levels.map((l) => l.map((j) => j.name)) // [['extract'], ['clean', 'enrich']]
 */
export function flowPlanOf(pipe: Pipeline, flow: Flow, stage?: string): FlowPlan {
  const timeoutSeconds = flow.timeoutSeconds;
  return {
    pipeline: pipe.name,
    flow: flow.name,
    levels: flowLevels(pipe, flow).levels.map((level) => level.map(flowJobOf)),
    publishes: flowPublishesOf(pipe, flow),
    ...(stage !== undefined ? { stage } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
  };
}

/** Every topic and notify node a flow's outcome goes to, in edge order. */
export function flowPublishesOf(pipe: Pipeline, flow: Flow): FlowPublish[] {
  return pipe.outgoing(flow).flatMap((e) => (e.to.kind === 'topic' || e.to.kind === 'notify' ? [{ kind: e.to.kind, name: e.to.name }] : []));
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
