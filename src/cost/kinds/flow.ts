/**
 * A flow's cost: Step Functions standard workflow state transitions, the states a successful execution
 * enters (counted in the synthesized definition), and an X-Ray trace per execution (tracing is on).
 * Its outcome is published once per execution to the topic it is wired to.
 */
import type { Flow } from '../../model/flow.js';
import type { KindCost } from '../kind.js';
import { fmt, sampledTraces } from '../lambda.js';

export const flowCost: KindCost<Flow> = {
  unit: 'executions',
  sourceLabel: 'declared',
  source: () => undefined,
  passes: (_node, inflow) => ({ count: inflow.count, bytes: 1024 }),
  lines(node, inflow, ctx) {
    const transitions = ctx.facts.flowTransitions.get(node.name) ?? 0;
    ctx.assume(`flow '${node.name}': executions succeed on the first attempt (retries and failure states add transitions)`);
    return [
      ctx.line('states.transitions', inflow.count * transitions, `${fmt(inflow.count)} executions x ${transitions} states`),
      ctx.line('xray.traces', sampledTraces(inflow.count), 'one trace per execution (tracing on)'),
    ];
  },
};
