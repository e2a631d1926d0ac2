/**
 * `notify` -> an SNS topic encrypted with the pipeline's key (CloudWatch cannot publish to a topic under
 * the AWS-managed `alias/aws/sns` key, whose policy nobody can edit), one email subscription per address
 * (pending until the recipient confirms), and per watched dead-letter queue a CloudWatch alarm on its
 * ApproximateNumberOfMessagesVisible > 0 whose action publishes to the topic. The topic policy denies
 * plain HTTP and lets cloudwatch.amazonaws.com publish only for this account's own alarms.
 */
import type { Notify } from '../../../model/notify.js';
import type { AnyNode } from '../../../model/node.js';
import type { Fn } from '../../../model/fn.js';
import type { Queue } from '../../../model/queue.js';
import { PUBLISH_ACTION, SEND_ACTION } from '../actions.js';
import { SCRATCH } from '../context.js';
import { DLQ_RETENTION_SECONDS } from './queue.js';
import { keyArn } from '../encryption.js';
import { idOf, partIdOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { logicalStem } from '../names.js';
import { allowServiceDelivery, arnByName, denyInsecureTransport } from '../policies.js';
import { getAtt, ref, type Statement } from '../template.js';
import { alarmArn, alarmName, alarmedNodes } from '../alarms.js';

/** The logical id of a watched node's dead-letter queue. */
function dlqId(watched: AnyNode): string {
  return watched.kind === 'queue' ? idOf(watched as Queue, 'Dlq') : idOf(watched as Fn, 'Failures');
}

export const notifySynth: KindSynth<Notify> = {
  names: (node, ctx) => [
    { what: 'SNS topic name', name: ctx.physical(node, 'Topic'), max: 256, node: node.name, pattern: /^[A-Za-z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' },
    { what: 'SQS queue name', name: ctx.physical(node, 'Undelivered'), max: 80, node: node.name, pattern: /^[A-Za-z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' },
    ...alarmedNodes(ctx, node).map((w) => ({ what: 'CloudWatch alarm name', name: alarmName(ctx, node, w), max: 255, node: node.name })),
  ],
  problems: () => [],
  grantResources: (node) => [ref(idOf(node, 'Topic'))],

  synthesize(node, ctx) {
    const id = idOf(node, 'Topic');
    ctx.add(node.name, id, paths.node(node, 'Topic'), {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: ctx.physical(node, 'Topic'), KmsMasterKeyId: keyArn(), Tags: ctx.tags(node) },
    });
    const watched = alarmedNodes(ctx, node);
    const statements: Statement[] = [denyInsecureTransport('sns', [ref(id)])];
    if (watched.length > 0) {
      statements.push({
        Sid: 'AllowCloudWatchAlarms',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: PUBLISH_ACTION,
        Resource: ref(id),
        Condition: { ArnLike: { 'aws:SourceArn': watched.map((w) => alarmArn(ctx, node, w)) }, StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
      });
    }
    ctx.add(node.name, idOf(node, 'TopicPolicy'), paths.node(node, 'TopicPolicy'), {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: { Topics: [ref(id)], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
    });
    const undelivered = idOf(node, 'Undelivered');
    ctx.add(node.name, undelivered, paths.node(node, 'Undelivered'), {
      Type: 'AWS::SQS::Queue',
      ...SCRATCH,
      Properties: { QueueName: ctx.physical(node, 'Undelivered'), MessageRetentionPeriod: DLQ_RETENTION_SECONDS, KmsMasterKeyId: keyArn(), RedriveAllowPolicy: { redrivePermission: 'denyAll' }, Tags: ctx.tags(node) },
    });
    const undeliveredArn = getAtt(undelivered, 'Arn');
    ctx.add(node.name, idOf(node, 'UndeliveredPolicy'), paths.node(node, 'UndeliveredPolicy'), {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [ref(undelivered)],
        PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport('sqs', [undeliveredArn]), allowServiceDelivery('AllowSnsFromTopic', 'sns', SEND_ACTION, undeliveredArn, arnByName('notify', 'Topic', ctx.physical(node, 'Topic')), false)] },
      },
    });
    node.emails.forEach((address, i) => {
      ctx.add(node.name, partIdOf(node, `Email${i + 1}`), `${node.name}/Email${i + 1}`, {
        Type: 'AWS::SNS::Subscription',
        // Pending until the recipient confirms; what SNS cannot deliver goes to the undelivered queue (SNS-3).
        Properties: { TopicArn: ref(id), Protocol: 'email', Endpoint: address, RedrivePolicy: { deadLetterTargetArn: undeliveredArn } },
      });
    });
    for (const w of watched) {
      ctx.add(node.name, partIdOf(node, `Alarm${logicalStem(w.name)}`), `${node.name}/Alarm/${w.name}`, {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: alarmName(ctx, node, w),
          AlarmDescription: `sluice: dead letters in ${w} (pipeline ${ctx.pipe.name}, stage ${ctx.stage}); read them with sluice dlq list ${w.name} --stage ${ctx.stage}`,
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: getAtt(dlqId(w), 'QueueName') }],
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [ref(id)],
        },
      });
    }
    ctx.output(node.name, id, { Description: `${node}: topic ARN`, Value: ref(id) });
  },
};
