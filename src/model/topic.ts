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
    return [...problemsOf(this), ...existingTopicProblems(this)];
  }

  readonly kind = 'topic' as const;
  /** The ARN of the SNS topic this node stands for when it already exists (`topic.existing(arn)`): never created, changed or deleted by the stack. */
  existingArn: string | undefined;
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

// arn:<partition>:sns:<region>:<account>:<name> (docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html: names of 1-256 letters, digits, '-' and '_', '.fifo' for FIFO).
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

/** Props of an existing topic. */
export interface ExistingTopicProps {
  /** The node's name in the pipeline. @default the topic's name, from its ARN */
  node?: string;
}

/**
 * A topic that already exists, outside the pipeline's stack: the stack subscribes to it (and may
 * publish to it) but never creates, changes or deletes it. Locally it is an ordinary topic.
 * @example const alerts = topic.existing('arn:aws:sns:us-east-1:123456789012:instrument-alerts');
 */
topic.existing = function existing(arn: string, props: ExistingTopicProps = {}): Topic {
  const name = SNS_TOPIC_ARN.exec(String(arn))?.[1];
  const node = new Topic(props.node ?? name ?? 'existing-topic', {});
  node.existingArn = String(arn);
  return node;
};

/** The problems of an existing topic's ARN. */
export function existingTopicProblems(node: Topic): Problem[] {
  if (node.existingArn === undefined || SNS_TOPIC_ARN.test(node.existingArn)) return [];
  return [{ code: 'SLUICE_E_EXISTING_TOPIC_ARN', node: node.name, field: 'arn', given: node.existingArn, message: `${node}: topic.existing() takes an SNS topic ARN, arn:aws:sns:REGION:ACCOUNT:NAME (given ${JSON.stringify(node.existingArn)})` }];
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
