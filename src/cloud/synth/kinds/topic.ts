/**
 * `topic` -> an SNS topic, encrypted, with a topic policy that denies plain-HTTP publishing and lets
 * the buckets wired to it publish (docs/security-rules.md SNS-1, SNS-2). The topic owns its subscriptions: to
 * queues (raw or wrapped delivery) and to functions (with the permission SNS needs to invoke), each
 * with its filter policy and a redrive policy to an SQS dead-letter queue (SNS-3): the queue's DLQ,
 * or the function's on-failure queue.
 */
import type { Problem } from '../../../model/errors.js';
import type { Edge } from '../../../model/node.js';
import { TOPIC_DEFAULT_MAX_MESSAGE_SIZE, type Topic } from '../../../model/topic.js';
import type { Bucket } from '../../../model/bucket.js';
import type { Fn } from '../../../model/fn.js';
import type { Queue } from '../../../model/queue.js';
import { INVOKE_ACTION, PUBLISH_ACTION } from '../actions.js';
import type { SynthContext } from '../context.js';
import { keyFor } from '../encryption.js';
import { edgeIds, idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { logicalStem } from '../names.js';
import { allowServiceDelivery, arnByName, denyInsecureTransport } from '../policies.js';
import { getAtt, ref, type Statement } from '../template.js';
import { existingEdgeProblems, isExisting, topicRef } from '../existing.js';

export const topicSynth: KindSynth<Topic> = {

  names: (node, ctx) => isExisting(node) ? [] : [
    { what: 'SNS topic name', name: ctx.physical(node, 'Topic'), max: 256, node: node.name, pattern: /^[A-Za-z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' },
  ],

  problems(node, ctx) {
    if (isExisting(node)) return existingEdgeProblems(node, ctx);
    const size = node.props.maxMessageSize;
    if (size === undefined || size === TOPIC_DEFAULT_MAX_MESSAGE_SIZE) return [];
    // AWS::SNS::Topic has no MaximumMessageSize property, and custom resources are out (DESIGN.md),
    // so the deployed topic would keep the default while the local one does not.
    const problem: Problem = {
      code: 'SLUICE_E_TOPIC_MESSAGE_SIZE_AWS',
      node: node.name,
      field: 'maxMessageSize',
      message: `${node}: maxMessageSize ${size} cannot be deployed: CloudFormation's AWS::SNS::Topic has no such property, so AWS would keep ${TOPIC_DEFAULT_MAX_MESSAGE_SIZE}; remove maxMessageSize (large bodies are offloaded to S3 by the envelope)`,
    };
    return [problem];
  },

  grantResources: (node) => [topicRef(node)],

  synthesize(node, ctx) {
    // An existing topic: only the stack's subscriptions to it, never the topic or its policy.
    if (isExisting(node)) {
      for (const edge of ctx.outgoing(node)) subscribe(ctx, node, edge);
      return;
    }
    const id = idOf(node, 'Topic');
    ctx.add(node.name, id, paths.node(node, 'Topic'), {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: ctx.physical(node, 'Topic'), KmsMasterKeyId: keyFor(ctx, node, 'Topic', 'alias/aws/sns'), Tags: ctx.tags(node) },
    });
    const statements: Statement[] = [denyInsecureTransport('sns', [ref(id)])];
    for (const edge of ctx.incoming(node)) {
      if (edge.from.kind !== 'bucket') continue;
      statements.push(allowServiceDelivery(`AllowS3From${logicalStem(edge.from.name)}`, 's3', PUBLISH_ACTION, ref(id), arnByName('bucket', 'Bucket', ctx.physical(edge.from as Bucket, 'Bucket')), true));
    }
    ctx.add(node.name, idOf(node, 'TopicPolicy'), paths.node(node, 'TopicPolicy'), {
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
    TopicArn: topicRef(topic),
    Protocol: toQueue ? 'sqs' : 'lambda',
    Endpoint: getAtt(toQueue ? idOf(edge.to as Queue, 'Queue') : idOf(edge.to as Fn, 'Function'), 'Arn'),
  };
  if (toQueue) properties.RawMessageDelivery = o.rawMessageDelivery === true;
  if (o.filterPolicy !== undefined) {
    properties.FilterPolicy = o.filterPolicy;
    properties.FilterPolicyScope = o.filterPolicyScope ?? 'MessageAttributes';
  }
  // The target's dead-letter part: where SNS puts what it cannot deliver (SNS-3).
  properties.RedrivePolicy = { deadLetterTargetArn: getAtt(toQueue ? idOf(edge.to as Queue, 'Dlq') : idOf(edge.to as Fn, 'Failures'), 'Arn') };
  ctx.add(topic.name, edgeIds.subscription(edge), paths.edge(edge, 'Subscription'), { Type: 'AWS::SNS::Subscription', Properties: properties });
  if (toQueue) return;
  ctx.add(topic.name, edgeIds.permission(edge), paths.edge(edge, 'Permission'), {
    Type: 'AWS::Lambda::Permission',
    Properties: { Action: INVOKE_ACTION, FunctionName: getAtt(idOf(edge.to as Fn, 'Function'), 'Arn'), Principal: 'sns.amazonaws.com', SourceArn: topicRef(topic) },
  });
}
