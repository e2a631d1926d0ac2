/**
 * A function's cost: Lambda (lambda.ts) for its inputs, one invocation per S3, SNS or schedule event
 * and one per full batch from a queue. It passes `outputsPerInput` outputs per input to each node
 * downstream (objects written, messages sent), of the declared size or the input's.
 */
import type { Fn } from '../../model/fn.js';
import type { KindCost } from '../kind.js';
import { lambdaLines } from '../lambda.js';

export const fnCost: KindCost<Fn> = {
  unit: 'inputs',
  sourceLabel: 'declared',
  source: () => undefined,
  passes(node, inflow, edge, ctx) {
    const step = ctx.step(node);
    // An email is sent on purpose (ctx.notify), not once per output: only what the step declares.
    if (edge.to.kind === 'notify') {
      if (step.emailsPerInput === 0) ctx.assume(`function '${node.name}' emails '${edge.to.name}' on no input (declare expected.emailsPerInput to price its emails)`);
      return { count: inflow.count * step.emailsPerInput, bytes: 1024 };
    }
    return { count: inflow.count * step.outputsPerInput, bytes: step.outputBytes ?? inflow.bytes };
  },
  lines(node, inflow, ctx) {
    // Inputs from a queue arrive in batches; each other event is an invocation of its own.
    let invocations = 0;
    let fromEdges = 0;
    for (const e of ctx.pipeline.incoming(node)) {
      const count = ctx.volumeOf(e.from).count;
      fromEdges += count;
      invocations += e.from.kind === 'queue' ? Math.ceil(count / (e.options.batchSize ?? 10)) : count;
    }
    // A volume set on the function itself (--volume, or nothing upstream): one input per invocation.
    invocations += Math.max(0, inflow.count - fromEdges);
    return lambdaLines(node, invocations, inflow.count, ctx);
  },
};
