/**
 * A topic's cost: SNS publishes (each 64 KB chunk one request) and a delivery per subscription per
 * message (to queues and functions free; email priced for the kinds that subscribe addresses); KMS
 * requests when it is encrypted with the stack's key.
 */
import type { Topic } from '../../model/topic.js';
import { chunks, type CostLine, type KindCost } from '../kind.js';
import { fmt } from '../lambda.js';
import { declaredVolume } from './bucket.js';
import { kmsRequests } from './kms.js';

export const topicCost: KindCost<Topic> = {
  unit: 'messages',
  sourceLabel: 'declared',
  source(node) {
    const e = node.props.expected;
    if (!e) return undefined;
    return declaredVolume(e.messages, e.size);
  },
  // Filter policies are assumed to let every message through.
  passes: (_node, inflow) => ({ ...inflow }),
  lines(node, inflow, ctx) {
    const lines: CostLine[] = [ctx.line('sns.publishes', inflow.count * chunks(inflow.bytes), `${fmt(inflow.count)} publishes x ${chunks(inflow.bytes)} chunk(s) of 64 KB`)];
    for (const e of ctx.pipeline.outgoing(node)) {
      if (e.options.filterPolicy) ctx.assume(`topic '${node.name}' -> '${e.to.name}': the filter policy lets every message through`);
      lines.push(ctx.line(e.to.kind === 'queue' ? 'sns.deliveries.sqs' : 'sns.deliveries.lambda', inflow.count, `deliveries to '${e.to.name}'`));
    }
    if (ctx.facts.kmsEncrypted.has(`${node.name}/Topic`)) lines.push(kmsRequests(ctx, inflow.count, `topic '${node.name}'`));
    return lines;
  },
};
