/**
 * `queue` on an AWS stage: messages sent (SendMessage), peeked at, counted, and dead letters
 * redriven from its DLQ back to it (SendMessageBatch, keeping their attributes).
 */
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Queue } from '../../../model/queue.js';
import type { KindAws } from '../kind.js';
import { attributesText, depth, messageAttributes, peek, sentAt } from '../sqs.js';

export const queueAws: KindAws<Queue> = {
  objects: null,

  async send(ctx, node, body, attributes) {
    const url = ctx.physical(node, 'Queue');
    const out = await ctx.aws.call(`sending to queue '${node.name}'`, () => ctx.aws.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: messageAttributes(attributes) })));
    return out.MessageId ?? '';
  },

  async messages(ctx, node) {
    const messages = await peek(ctx.aws, ctx.physical(node, 'Queue'), `reading the messages of queue '${node.name}'`);
    return messages.map((m) => ({
      id: m.MessageId!, body: m.Body ?? '', sentAt: sentAt(m),
      attributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { type: v.DataType ?? 'String', value: v.StringValue ?? '' }])),
    }));
  },

  async redrive(ctx, node, letters) {
    const url = ctx.physical(node, 'Queue');
    await ctx.aws.call(`redriving to queue '${node.name}'`, () => ctx.aws.sqs.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: letters.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '', ...(Object.keys(attributesText(m)).length ? { MessageAttributes: m.MessageAttributes } : {}) })),
    })));
  },

  executions: null,
  items: null,
  depth: (ctx, node) => depth(ctx.aws, ctx.physical(node, 'Queue')),
  invoke: null,
  subscriptions: null,
};
