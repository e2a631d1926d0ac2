/**
 * `topic` -> an SNS topic, encrypted, with a topic policy that denies plain-HTTP publishing and lets
 * the buckets wired to it publish (SECURITY.md SNS-1, SNS-2). The topic owns its subscriptions: to
 * queues (raw or wrapped delivery) and to functions (with the permission SNS needs to invoke), each
 * with its filter policy and a redrive policy to an SQS dead-letter queue (SNS-3): the queue's DLQ,
 * or the function's on-failure queue.
 */
import type { Problem } from '../../../model/errors.js';
import type { Edge } from '../../../model/node.js';
import { TOPIC_DEFAULT_MAX_MESSAGE_SIZE, type Topic } from '../../../model/topic.js';
import { messagePathOf } from '../../../runtime/bindings.js';
import { INVOKE_ACTION, PUBLISH_ACTION } from '../actions.js';
import type { SynthContext } from '../context.js';
import { keyFor } from '../encryption.js';
import { ids, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { logicalStem } from '../names.js';
import { allowServiceDelivery, arnByName, denyInsecureTransport } from '../policies.js';
import { getAtt, ref, type Statement } from '../template.js';

export const topicSynth: KindSynth<Topic> = {
  suffix: 'Topic',

  names: (node, ctx) => [
    { what: 'SNS topic name', name: ctx.name(node), max: 256, node: node.name, pattern: /^[A-Za-z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' },
  ],

  problems(node) {
    const size = node.props.maxMessageSize;
    if (size === undefined || size === TOPIC_DEFAULT_MAX_MESSAGE_SIZE) return [];
    // AWS::SNS::Topic has no MaximumMessageSize property, and custom resources are out (DESIGN.md),
    // so the deployed topic would keep the default while the local one does not.
    const problem: Problem = {
      code: 'SLUICE_E_TOPIC_MESSAGE_SIZE',
      node: node.name,
      field: 'maxMessageSize',
      message: `${node}: maxMessageSize ${size} cannot be deployed: CloudFormation's AWS::SNS::Topic has no such property, so AWS would keep ${TOPIC_DEFAULT_MAX_MESSAGE_SIZE}; remove maxMessageSize (large bodies are offloaded to S3 by the envelope)`,
    };
    return [problem];
  },

  // The path lets a producer's runtime offload bodies that fit the topic but not a queue it feeds.
  binding: (node, ctx) => ({ kind: 'topic', name: ctx.name(node), arn: ref(ids.topic(node)), maxMessageSize: node.maxMessageSize, path: messagePathOf(ctx.pipe, node) }),

  grantResources: (node) => [ref(ids.topic(node))],

  synthesize(node, ctx) {
    const id = ids.topic(node);
    ctx.add(node.name, id, paths.node(node, 'Topic'), {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: ctx.name(node), KmsMasterKeyId: keyFor(ctx, `topic:${node.name}`, 'alias/aws/sns'), Tags: ctx.tags(node) },
    });
    const statements: Statement[] = [denyInsecureTransport('sns', [ref(id)])];
    for (const edge of ctx.incoming(node)) {
      if (edge.from.kind !== 'bucket') continue;
      statements.push(allowServiceDelivery(`AllowS3From${logicalStem(edge.from.name)}`, 's3', PUBLISH_ACTION, ref(id), arnByName.bucket(ctx.name(edge.from)), true));
    }
    ctx.add(node.name, ids.topicPolicy(node), paths.node(node, 'TopicPolicy'), {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: { Topics: [ref(id)], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
    });
    for (const edge of ctx.outgoing(node)) subscribe(ctx, node, edge);
    ctx.output(node.name, id, { Description: `${node}: topic ARN`, Value: ref(id) });
  },
};

/** Subscribe a queue or function to the topic. */
function subscribe(ctx: SynthContext, topic: Topic, edge: Edge): void {
  const toQueue = edge.to.kind === 'queue';
  const o = edge.options;
  const properties: Record<string, unknown> = {
    TopicArn: ref(ids.topic(topic)),
    Protocol: toQueue ? 'sqs' : 'lambda',
    Endpoint: getAtt(toQueue ? ids.queue(edge.to) : ids.fn(edge.to), 'Arn'),
  };
  if (toQueue) properties.RawMessageDelivery = o.rawMessageDelivery === true;
  if (o.filterPolicy !== undefined) {
    properties.FilterPolicy = o.filterPolicy;
    properties.FilterPolicyScope = o.filterPolicyScope ?? 'MessageAttributes';
  }
  properties.RedrivePolicy = { deadLetterTargetArn: getAtt(toQueue ? ids.dlq(edge.to) : ids.failures(edge.to), 'Arn') };
  ctx.add(topic.name, ids.subscription(edge), paths.edge(edge, 'Subscription'), { Type: 'AWS::SNS::Subscription', Properties: properties });
  if (toQueue) return;
  ctx.add(topic.name, ids.permission(edge), paths.edge(edge, 'Permission'), {
    Type: 'AWS::Lambda::Permission',
    Properties: { Action: INVOKE_ACTION, FunctionName: getAtt(ids.fn(edge.to), 'Arn'), Principal: 'sns.amazonaws.com', SourceArn: ref(ids.topic(topic)) },
  });
}
