/**
 * Builds the events AWS would deliver, in AWS's shapes, so handlers written against real events work
 * locally unchanged: SQS batch records (LSQS-05), SNS notifications for queues (SNS-01..03) and for
 * Lambda, EventBridge scheduled events, and Lambda's async invocation record for failures (LA-07).
 */
import { randomUUID } from 'node:crypto';
import { md5Hex } from './md5.js';
import { toSnsAttributes, toSqsEventAttributes } from '../runtime/attributes.js';
import type { Attributes } from '../runtime/types.js';
import type { StoredMessage } from './store/messages.js';
import { arnOf, arnShape, primaryPart } from '../model/resources.js';
import type { Kind } from '../model/node.js';
import { InternalError } from '../model/errors.js';

/** Local stand-ins for the account and region in ARNs. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

const LOCAL_SCOPE = { partition: 'aws', region: LOCAL_REGION, account: LOCAL_ACCOUNT };

/**
 * The ARN of a node's primary resource as the local engine names it: the node name as the physical
 * name, in the local account and region (the kinds' ARN shapes, src/model/resources.ts).
 * @example localArn('queue', 'orders') // 'arn:aws:sqs:us-east-1:000000000000:orders'
 */
export function localArn(kind: Kind, name: string): string {
  const shape = arnShape(kind, primaryPart(kind));
  if (!shape) throw new InternalError(`a ${kind} has no ARN`);
  return arnOf(shape, name, LOCAL_SCOPE);
}

/** Local ARNs by kind. */
export const arn = {
  queue: (name: string) => localArn('queue', name),
  topic: (name: string) => localArn('topic', name),
  fn: (name: string) => localArn('fn', name),
  rule: (name: string) => localArn('schedule', name),
  bucket: (name: string) => localArn('bucket', name),
};

/** One record of Lambda's SQS event for a stored message of the queue with ARN `queueArn`. */
export function sqsRecord(queueArn: string, m: Pick<StoredMessage, 'id' | 'receipt' | 'body' | 'attributes' | 'receiveCount' | 'sentAt' | 'firstReceiveAt' | 'info'>, region = LOCAL_REGION): Record<string, unknown> {
  const attributes: Attributes = m.attributes ? JSON.parse(m.attributes) : {};
  const info = m.info ? JSON.parse(m.info) : {};
  const hasAttributes = Object.keys(attributes).length > 0;
  return {
    messageId: m.id,
    receiptHandle: m.receipt,
    body: m.body,
    // LSQS-05: every attribute value is a string; timestamps are epoch milliseconds.
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: LOCAL_ACCOUNT,
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
      ...(info.deadLetterQueueSourceArn ? { DeadLetterQueueSourceArn: info.deadLetterQueueSourceArn } : {}),
    },
    messageAttributes: toSqsEventAttributes(attributes),
    md5OfBody: md5Hex(m.body),
    ...(hasAttributes ? { md5OfMessageAttributes: md5Hex(m.attributes!) } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * The JSON body SNS puts in an SQS queue without raw delivery (SNS-01, SNS-02), from the topic with ARN
 * `topicArn` (the local one by default).
 */
export function snsNotification(topic: string, message: { id: string; body: string; attributes: Attributes; subject?: string; timestamp: number }, topicArn = arn.topic(topic)): Record<string, unknown> {
  const hasAttributes = Object.keys(message.attributes).length > 0;
  const region = topicArn.split(':')[3] || LOCAL_REGION;
  return {
    Type: 'Notification',
    MessageId: message.id,
    TopicArn: topicArn,
    ...(message.subject ? { Subject: message.subject } : {}),
    Message: message.body,
    Timestamp: new Date(message.timestamp).toISOString(),
    SignatureVersion: '1',
    Signature: 'local',
    SigningCertURL: `https://sns.${region}.amazonaws.com/SimpleNotificationService-local.pem`,
    UnsubscribeURL: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:local`,
    ...(hasAttributes ? { MessageAttributes: toSnsAttributes(message.attributes) } : {}),
  };
}

/** Lambda's SNS event for one notification (SNS invokes Lambda asynchronously, LA-10), from the topic with ARN `topicArn`. */
export function snsEvent(topic: string, fnName: string, message: { id: string; body: string; attributes: Attributes; subject?: string; timestamp: number }, topicArn = arn.topic(topic)): Record<string, unknown> {
  const n = snsNotification(topic, message, topicArn);
  return {
    Records: [{
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${topicArn}:${fnName}`,
      Sns: {
        Type: n.Type, MessageId: n.MessageId, TopicArn: n.TopicArn, Subject: message.subject ?? null, Message: n.Message, Timestamp: n.Timestamp,
        SignatureVersion: n.SignatureVersion, Signature: n.Signature, SigningCertUrl: n.SigningCertURL, UnsubscribeUrl: n.UnsubscribeURL,
        MessageAttributes: n.MessageAttributes ?? {},
      },
    }],
  };
}

/** EventBridge's scheduled event for a rule firing at `time`. */
export function scheduledEvent(rule: string, time: number, detail: Record<string, unknown>): Record<string, unknown> {
  return scheduledEventOf({ ruleArn: arn.rule(rule), account: LOCAL_ACCOUNT, region: LOCAL_REGION }, time, detail);
}

/**
 * EventBridge's scheduled event for a rule of any account and region (an AWS stage's `sluice trigger`).
 * @example scheduledEventOf({ ruleArn, account: '123456789012', region: 'eu-west-1' }, Date.now(), {})
 */
export function scheduledEventOf(rule: { ruleArn: string; account: string; region: string }, time: number, detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: rule.account,
    // SCH-01: rules fire within the minute, with second granularity dropped in the event time.
    time: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: rule.region,
    resources: [rule.ruleArn],
    detail,
  };
}

/** A serialized error, as a handler failure is recorded. */
export interface ErrorInfo {
  errorType: string;
  errorMessage: string;
  trace: string[];
  code?: string;
}

/** Lambda's invocation record sent to an on-failure destination (LA-07). */
export function invocationRecord(input: { fn: string; requestId: string; condition: 'RetriesExhausted' | 'EventAgeExceeded'; attempts: number; event: unknown; error?: ErrorInfo; time: number }): Record<string, unknown> {
  return {
    version: '1.0',
    timestamp: new Date(input.time).toISOString(),
    requestContext: { requestId: input.requestId, functionArn: `${arn.fn(input.fn)}:$LATEST`, condition: input.condition, approximateInvokeCount: input.attempts },
    requestPayload: input.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: input.error ?? null,
  };
}
