/**
 * Factories of flow plans for the tests of src/flow/: a job with the defaults the model gives
 * (300 s timeout, no retries), a plan from its levels, and targets its outcome is published to.
 */
import type { FlowJob, FlowPlan, FlowPublish } from '../../src/flow/plan.js';

/** A topic the outcome is published to (flow.to(topic('outcomes'))). */
export const OUTCOMES: FlowPublish = { kind: 'topic', name: 'outcomes' };
/** A notify node the outcome is emailed to (flow.to(notify('alerts', ...))). */
export const ALERTS: FlowPublish = { kind: 'notify', name: 'alerts' };

/** A flow job with the model's defaults, overridden where given. */
export function flowJob(name: string, overrides: Partial<Omit<FlowJob, 'name'>> = {}): FlowJob {
  return { name, kind: 'job', timeoutSeconds: 300, retry: { attempts: 0, intervalSeconds: 10, backoffRate: 2 }, ...overrides };
}

/** A plan of pipeline 'shop', flow 'nightly', from its levels (job names, or jobs). */
export function flowPlan(levels: Array<Array<string | FlowJob>>, options: Partial<Omit<FlowPlan, 'levels'>> = {}): FlowPlan {
  return {
    pipeline: 'shop',
    flow: 'nightly',
    publishes: [],
    ...options,
    levels: levels.map((level) => level.map((j) => (typeof j === 'string' ? flowJob(j) : j))),
  };
}
