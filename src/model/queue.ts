/**
 * `queue`: a standard SQS queue with a dead-letter queue. Locally a durable SQLite queue with the same
 * visibility timeout, receive count, redrive, delay, retention and size limits (docs/aws-semantics.md SQS-*).
 */
import type { ExpectedMessages } from './expected.js';
import { Node } from './node.js';
import { checkRange, type KindDefinition } from './kind.js';
import { durationSeconds, type Duration } from './duration.js';
import type { Problem } from './errors.js';

/** Props of a queue. Durations are seconds or strings like `30s`, `5m`. */
export interface QueueProps {
  /** How long a received message stays invisible, 0..43200 s (SQS-10). @default 30 */
  visibilityTimeout?: Duration;
  /** Receives before a message moves to the dead-letter queue, 1..1000 (SQS-21/22). @default 3 */
  maxReceiveCount?: number;
  /** Delay before a new message becomes visible, 0..900 s (SQS-30). @default 0 */
  delay?: Duration;
  /** How long messages are kept, 60..1209600 s (SQS-33). @default 345600 (4 days) */
  retention?: Duration;
  /** Largest message in bytes, 1024..1048576 (SQS-08). @default 1048576 */
  maxMessageSize?: number;
  /** Messages sent to it from outside the pipeline each month, for `sluice cost`. @default nothing */
  expected?: ExpectedMessages;
}

/** Queue props with every default applied. */
export interface ResolvedQueueProps {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  delaySeconds: number;
  retentionSeconds: number;
  maxMessageSize: number;
}

/** An SQS queue's ARN: `arn:aws:sqs:region:account:name`. */
export const SQS_ARN = { service: 'sqs', regional: true, resource: '{name}' } as const;

export const QUEUE_DEFAULTS: ResolvedQueueProps = {
  visibilityTimeoutSeconds: 30,
  maxReceiveCount: 3,
  delaySeconds: 0,
  retentionSeconds: 345_600,
  maxMessageSize: 1_048_576,
};

/** A queue node. */
export class Queue extends Node<'queue', QueueProps> {
  /** This node's own problems: its props against AWS's limits. */
  problems(): Problem[] {
    return problemsOf(this);
  }

  readonly kind = 'queue' as const;
  /** The largest message the queue accepts, in bytes. */
  get maxMessageSize(): number {
    return this.props.maxMessageSize ?? QUEUE_DEFAULTS.maxMessageSize;
  }
  /** The props with defaults applied (durations in seconds). */
  get resolved(): ResolvedQueueProps {
    const p = this.props;
    return {
      visibilityTimeoutSeconds: p.visibilityTimeout === undefined ? QUEUE_DEFAULTS.visibilityTimeoutSeconds : durationSeconds(p.visibilityTimeout) ?? NaN,
      maxReceiveCount: p.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount,
      delaySeconds: p.delay === undefined ? 0 : durationSeconds(p.delay) ?? NaN,
      retentionSeconds: p.retention === undefined ? QUEUE_DEFAULTS.retentionSeconds : durationSeconds(p.retention) ?? NaN,
      maxMessageSize: p.maxMessageSize ?? QUEUE_DEFAULTS.maxMessageSize,
    };
  }
}

/**
 * Declare a queue.
 * @example const orders = queue('orders', { visibilityTimeout: '2m', maxReceiveCount: 5 });
 */
export function queue(name: string, props: QueueProps = {}): Queue {
  return new Queue(name, props);
}

export const queueKind = {
  kind: 'queue',
  noun: { one: 'queue', many: 'queues' },
  outgoing: {
    fn: { meaning: 'event source mapping: batches, partial batch failure', grant: { on: 'from', use: 'consume' }, options: ['batchSize', 'maxBatchingWindow'], invokes: 'poll' },
  },
  instead: {
    queue: 'put a function between them: a.to(fn(...)).to(b)',
    topic: 'put a function between them that publishes: q.to(fn(...)).to(t)',
    bucket: 'put a function between them that writes objects: q.to(fn(...)).to(b)',
  },
  permissions: {
    send: ['sqs:SendMessage'],
    consume: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
  },
  name: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, hyphens and underscores', maxLength: 60 },
  parts: {
    Queue: { type: 'AWS::SQS::Queue', name: '{name}', physicalId: 'url', arn: SQS_ARN },
    Dlq: { type: 'AWS::SQS::Queue', name: '{name}-dlq', physicalId: 'url', arn: SQS_ARN },
    QueuePolicy: { type: 'AWS::SQS::QueuePolicy' },
    DlqPolicy: { type: 'AWS::SQS::QueuePolicy' },
  },
  deadLetters: { part: 'Dlq', record: 'message', redriveTo: 'Queue' },
  data: { ops: ['send', 'messages', 'deadLetters'], hint: 'send it a message with: sluice send {name} BODY' },
  // A queue's own limit is its path's: nothing wraps what it holds.
  binding: { part: 'Queue', fields: ['maxMessageSize'] },
} as const satisfies KindDefinition<Queue>;

/** The problems of one queue node's own props, against AWS's limits (the pipeline adds its edges'). */
function problemsOf(node: Queue): Problem[] {
  const problems: Problem[] = [];
  const r = node.resolved;
  const durationField = (field: keyof QueueProps, value: number) => {
    if (Number.isNaN(value)) problems.push({ code: 'SLUICE_E_DURATION', node: node.name, field, message: `${node}: ${field} is not a duration (given ${JSON.stringify(node.props[field])}); use seconds or a string like '30s', '5m'` });
  };
  durationField('visibilityTimeout', r.visibilityTimeoutSeconds);
  durationField('delay', r.delaySeconds);
  durationField('retention', r.retentionSeconds);
  checkRange(problems, node, 'visibilityTimeout', 'SLUICE_E_QUEUE_VISIBILITY', r.visibilityTimeoutSeconds, 0, 43_200, ' seconds');
  checkRange(problems, node, 'maxReceiveCount', 'SLUICE_E_QUEUE_RECEIVE_COUNT', r.maxReceiveCount, 1, 1000);
  checkRange(problems, node, 'delay', 'SLUICE_E_QUEUE_DELAY', r.delaySeconds, 0, 900, ' seconds');
  checkRange(problems, node, 'retention', 'SLUICE_E_QUEUE_RETENTION', r.retentionSeconds, 60, 1_209_600, ' seconds');
  checkRange(problems, node, 'maxMessageSize', 'SLUICE_E_QUEUE_MESSAGE_SIZE', r.maxMessageSize, 1024, 1_048_576, ' bytes');
  if (Number.isFinite(r.maxReceiveCount) && !Number.isInteger(r.maxReceiveCount)) {
    problems.push({ code: 'SLUICE_E_QUEUE_RECEIVE_COUNT', node: node.name, field: 'maxReceiveCount', message: `${node}: maxReceiveCount must be a whole number (given ${r.maxReceiveCount})` });
  }
  return problems;
}
