/** `topic` on an AWS stage: messages published (SNS Publish), with their attributes. */
import { PublishCommand } from '@aws-sdk/client-sns';
import type { Topic } from '../../../model/topic.js';
import type { KindAws } from '../kind.js';
import { messageAttributes } from '../sqs.js';

export const topicAws: KindAws<Topic> = {
  objects: null,

  async send(ctx, node, body, attributes) {
    const arn = ctx.physical(node, 'Topic');
    const out = await ctx.aws.call(`publishing to topic '${node.name}'`, () => ctx.aws.sns.send(new PublishCommand({ TopicArn: arn, Message: body, MessageAttributes: messageAttributes(attributes) })));
    return out.MessageId ?? '';
  },

  messages: null,
  redrive: null,
  executions: null,
  items: null,
  depth: null,
  invoke: null,
  subscriptions: null,
};
