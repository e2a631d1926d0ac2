/**
 * `queue` -> a standard SQS queue and its dead-letter queue (redrive after `maxReceiveCount`
 * receives, docs/aws-semantics.md SQS-21), both encrypted, with one queue policy that denies plain HTTP and
 * lets the buckets and topics wired to it deliver (docs/security-rules.md SQS-1..SQS-6). The DLQ keeps messages
 * 14 days: standard queues keep a message's original enqueue time when it moves (SQS-25).
 */
import { visibilityOf } from '../../../model/visibility.js';
import type { Queue } from '../../../model/queue.js';
import type { Bucket } from '../../../model/bucket.js';
import type { Topic } from '../../../model/topic.js';
import { SEND_ACTION } from '../actions.js';
import { SCRATCH } from '../context.js';
import { topicArn as topicArnOf } from '../existing.js';
import { keyFor } from '../encryption.js';
import { idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { logicalStem } from '../names.js';
import { allowServiceDelivery, arnByName, denyInsecureTransport } from '../policies.js';
import { getAtt, ref, type Statement, type Value } from '../template.js';

/** Longest retention SQS allows (SQS-33): dead letters must outlive their source messages. */
export const DLQ_RETENTION_SECONDS = 1_209_600;
const SQS_NAME = { max: 80, pattern: /^[A-Za-z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' };

export const queueSynth: KindSynth<Queue> = {

  names: (node, ctx) => [
    { what: 'SQS queue name', name: ctx.physical(node, 'Queue'), node: node.name, ...SQS_NAME },
    { what: 'dead-letter queue name', name: ctx.physical(node, 'Dlq'), node: node.name, ...SQS_NAME },
  ],

  // The SQS-6 visibility rule is the model's (src/model/visibility.ts), checked before synth runs.
  problems: () => [],

  grantResources: (node) => [getAtt(idOf(node, 'Queue'), 'Arn')],

  synthesize(node, ctx) {
    const id = idOf(node, 'Queue');
    const dlq = idOf(node, 'Dlq');
    const resolved = node.resolved;
    const kms = keyFor(ctx, node, 'Queue', 'alias/aws/sqs');
    const visibility = visibilityOf(ctx.pipe, node).seconds;
    ctx.add(node.name, dlq, paths.node(node, 'Dlq'), {
      Type: 'AWS::SQS::Queue',
      ...SCRATCH,
      Properties: {
        QueueName: ctx.physical(node, 'Dlq'),
        MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
        KmsMasterKeyId: kms,
        RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [arnByName('queue', 'Queue', ctx.physical(node, 'Queue'))] },
        Tags: ctx.tags(node),
      },
    });
    const metadata: Record<string, Value> = visibility !== resolved.visibilityTimeoutSeconds
      ? { 'sluice:adjusted': { VisibilityTimeout: { declared: resolved.visibilityTimeoutSeconds, used: visibility, reason: 'sluice security rule SQS-6: at least 6 x the consuming function timeout plus its batching window' } } }
      : {};
    ctx.add(node.name, id, paths.node(node, 'Queue'), {
      Type: 'AWS::SQS::Queue',
      ...SCRATCH,
      Properties: {
        QueueName: ctx.physical(node, 'Queue'),
        VisibilityTimeout: visibility,
        DelaySeconds: resolved.delaySeconds,
        MessageRetentionPeriod: resolved.retentionSeconds,
        MaximumMessageSize: resolved.maxMessageSize,
        KmsMasterKeyId: kms,
        RedrivePolicy: { deadLetterTargetArn: getAtt(dlq, 'Arn'), maxReceiveCount: resolved.maxReceiveCount },
        Tags: ctx.tags(node),
      },
    }, metadata);
    // One policy per queue, one resource per statement: SQS rejects statements naming other queues.
    const queueArn = getAtt(id, 'Arn');
    const dlqArn = getAtt(dlq, 'Arn');
    const forQueue: Statement[] = [denyInsecureTransport('sqs', [queueArn])];
    const forDlq: Statement[] = [denyInsecureTransport('sqs', [dlqArn])];
    for (const edge of ctx.incoming(node)) {
      const source = edge.from;
      const sid = logicalStem(source.name);
      if (source.kind === 'bucket') {
        forQueue.push(allowServiceDelivery(`AllowS3From${sid}`, 's3', SEND_ACTION, queueArn, arnByName('bucket', 'Bucket', ctx.physical(source as Bucket, 'Bucket')), true));
      } else if (source.kind === 'topic') {
        // SNS delivers to the queue and dead-letters what it cannot deliver to the DLQ (SNS-3).
        const topicArn = topicArnOf(ctx, source as Topic);
        forQueue.push(allowServiceDelivery(`AllowSnsFrom${sid}`, 'sns', SEND_ACTION, queueArn, topicArn, false));
        forDlq.push(allowServiceDelivery(`AllowSnsFrom${sid}`, 'sns', SEND_ACTION, dlqArn, topicArn, false));
      }
    }
    ctx.add(node.name, idOf(node, 'QueuePolicy'), paths.node(node, 'QueuePolicy'), {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: { Queues: [ref(id)], PolicyDocument: { Version: '2012-10-17', Statement: forQueue } },
    });
    ctx.add(node.name, idOf(node, 'DlqPolicy'), paths.node(node, 'DlqPolicy'), {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: { Queues: [ref(dlq)], PolicyDocument: { Version: '2012-10-17', Statement: forDlq } },
    });
    ctx.output(node.name, id, { Description: `${node}: queue URL`, Value: ref(id) });
  },
};
