/**
 * `topic`: an SNS topic that fans messages out to queues and functions, each subscription with an
 * optional filter policy (docs/aws-semantics.md FP-*) and raw or wrapped delivery (SNS-01..SNS-03).
 */
import type { ExpectedMessages } from './expected.js';
import { Node } from './node.js';
import { checkRange, type KindDefinition } from './kind.js';
import type { Problem } from './errors.js';

/** Props of a topic. */
export interface TopicProps {
  /** Largest message in bytes, 1024..1048576 (SNS-08); above 256 KiB only queue and function subscriptions work. @default 262144 */
  maxMessageSize?: number;
  /** Messages published to it from outside the pipeline each month, for `sluice cost`. @default nothing */
  expected?: ExpectedMessages;
}

export const TOPIC_DEFAULT_MAX_MESSAGE_SIZE = 262_144;

/** A topic node. */
export class Topic extends Node<'topic', TopicProps> {
  /** This node's own problems: its props against AWS's limits. */
  problems(): Problem[] {
    return problemsOf(this);
  }

  readonly kind = 'topic' as const;
  /** The largest message the topic accepts, in bytes. */
  get maxMessageSize(): number {
    return this.props.maxMessageSize ?? TOPIC_DEFAULT_MAX_MESSAGE_SIZE;
  }
}

/**
 * Declare a topic.
 * @example const events = topic('events'); events.to(audit, { filterPolicy: { objectType: ['update'] } });
 */
export function topic(name: string, props: TopicProps = {}): Topic {
  return new Topic(name, props);
}

const subscription = ['filterPolicy', 'filterPolicyScope'] as const;

export const topicKind = {
  kind: 'topic',
  noun: { one: 'topic', many: 'topics' },
  outgoing: {
    queue: { meaning: 'subscription: filter policy, raw or wrapped delivery', options: [...subscription, 'rawMessageDelivery'], delivery: { service: 'sns', into: 'Queue' } },
    // SNS dead-letters what it cannot deliver to the function into the function's on-failure queue.
    fn: { meaning: 'subscription: filter policy, async invoke with retries', options: subscription, delivery: { service: 'sns', into: 'Failures' }, invokes: 'async' },
  },
  instead: {
    bucket: 'put a function between them that writes objects: t.to(fn(...)).to(b)',
    topic: 'subscribe a function that republishes, or subscribe the targets to the first topic directly',
  },
  permissions: { publish: ['sns:Publish'] },
  name: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, hyphens and underscores', maxLength: 60 },
  parts: {
    Topic: { type: 'AWS::SNS::Topic', name: '{name}', physicalId: 'arn', arn: { service: 'sns', regional: true, resource: '{name}' } },
    TopicPolicy: { type: 'AWS::SNS::TopicPolicy' },
  },
  deadLetters: null,
  data: { ops: ['send'], hint: 'publish a message with: sluice send {name} BODY' },
  binding: { part: 'Topic', fields: ['maxMessageSize', 'path'] },
} as const satisfies KindDefinition<Topic>;

/** The problems of one topic node's own props, against AWS's limits (the pipeline adds its edges'). */
function problemsOf(node: Topic): Problem[] {
  const problems: Problem[] = [];
  checkRange(problems, node, 'maxMessageSize', 'SLUICE_E_TOPIC_MESSAGE_SIZE', node.props.maxMessageSize, 1024, 1_048_576, ' bytes');
  return problems;
}
