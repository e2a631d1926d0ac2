/**
 * A queue's cost: SQS requests (each 64 KB chunk one request) to send each message, and for each
 * function consuming it the receives and batch deletes of full batches, plus the long polls Lambda's
 * pollers make while the queue is empty; KMS requests when it is encrypted with the stack's key.
 */
import type { Queue } from '../../model/queue.js';
import { chunks, type CostLine, type KindCost } from '../kind.js';
import { fmt } from '../lambda.js';
import { declaredVolume } from './bucket.js';
import { kmsRequests } from './kms.js';

/**
 * Long polls a month of one event source mapping on an idle queue: Lambda keeps 5 pollers, each
 * waiting up to 20 s per ReceiveMessage, so 5 x 3 a minute x 60 x 730 hours.
 */
export const IDLE_POLLS_PER_MONTH = 5 * 3 * 60 * 730;

export const queueCost: KindCost<Queue> = {
  unit: 'messages',
  sourceLabel: 'declared',
  source(node) {
    const e = node.props.expected;
    if (!e) return undefined;
    return declaredVolume(e.messages, e.size);
  },
  passes: (_node, inflow) => ({ ...inflow }),
  lines(node, inflow, ctx) {
    const lines: CostLine[] = [ctx.line('sqs.requests', inflow.count * chunks(inflow.bytes), `${fmt(inflow.count)} sends x ${chunks(inflow.bytes)} chunk(s) of 64 KB`)];
    for (const e of ctx.pipeline.outgoing(node)) {
      const batchSize = e.options.batchSize ?? 10;
      const batches = Math.ceil(inflow.count / batchSize);
      ctx.assume(`queue '${node.name}' -> '${e.to.name}': batches are full (${batchSize} messages); smaller batches mean more receives and invocations`);
      lines.push(ctx.line('sqs.requests', batches * chunks(Math.min(batchSize, inflow.count) * inflow.bytes), `receives of ${fmt(batches)} batches for '${e.to.name}'`));
      lines.push(ctx.line('sqs.requests', batches, `batch deletes for '${e.to.name}'`));
      lines.push(ctx.line('sqs.requests', Math.max(0, IDLE_POLLS_PER_MONTH - batches), `long polls of '${e.to.name}'s 5 pollers while the queue is empty`));
    }
    if (ctx.facts.kmsEncrypted.has(`${node.name}/Queue`)) lines.push(kmsRequests(ctx, inflow.count, `queue '${node.name}'`));
    return lines;
  },
};
