/**
 * AWS-shaped Lambda events (S3, SQS, SNS, EventBridge scheduled) turned into step inputs. An SQS body
 * that is an SNS notification is unwrapped, and an S3 event inside a message becomes object inputs, so
 * a step sees the same input whichever way the data travelled.
 */
import { decodeEventKey } from '../model/s3-notification.js';
import { fromSnsAttributes, fromSqsEventAttributes } from './attributes.js';
import type { S3Event, ScheduledEvent, SNSEvent, SNSMessage, SQSEvent, SQSRecord } from 'aws-lambda';
import type { StepInput } from './types.js';
import { InputError } from '../model/errors.js';

/** The kind of event a Lambda handler received. */
export type EventKind = 's3' | 'sqs' | 'sns' | 'schedule' | 's3-eventbridge' | 'unknown';

/**
 * Inputs grouped by the record they came from; SQS reports failures per record (`itemIdentifier`).
 * Their `envelope` is not set yet: `decodeInput` (inputs.ts) sets it before a step sees the input.
 */
export interface RecordInputs {
  /** The SQS messageId, for partial batch failure. */
  recordId?: string;
  inputs: StepInput[];
}

/** An input before decoding: everything but its envelope, which `decodeInput` adds. */
const undecoded = <T extends Omit<StepInput, 'envelope'>>(input: T): StepInput => input as unknown as StepInput;

/** Maps a physical resource name (or ARN's last part) to its node name. */
export type NodeNameOf = (physical: string) => string;

const lastPart = (arn: string | undefined, separator = ':') => (arn ?? '').split(separator).pop() ?? '';

/** What kind of event this is. */
export function eventKind(event: unknown): EventKind {
  const e = event as { Records?: unknown; source?: unknown; 'detail-type'?: unknown } | null | undefined;
  const first = Array.isArray(e?.Records) ? (e!.Records[0] as { eventSource?: unknown; EventSource?: unknown } | undefined) : undefined;
  if (first?.eventSource === 'aws:s3') return 's3';
  if (first?.eventSource === 'aws:sqs') return 'sqs';
  if (first?.EventSource === 'aws:sns') return 'sns';
  if (e?.source === 'aws.events' && e?.['detail-type'] === 'Scheduled Event') return 'schedule';
  // An existing bucket's events come through an EventBridge rule (bucket.existing, src/cloud/synth/existing.ts).
  if (e?.source === 'aws.s3' && e?.['detail-type'] === 'Object Created') return 's3-eventbridge';
  return 'unknown';
}

/**
 * The inputs an event holds, per record.
 * @example inputsFromEvent(s3Event, (n) => n)[0].inputs[0] // { kind: 'object', bucket: 'raw', key: 'a b.csv', ... }
 */
export function inputsFromEvent(event: unknown, nodeNameOf: NodeNameOf = (n) => n): RecordInputs[] {
  switch (eventKind(event)) {
    case 's3':
      return [{ inputs: objectInputs(event as S3Event, [], nodeNameOf) }];
    case 'sns':
      return (event as SNSEvent).Records.map((r) => ({ inputs: snsInputs(r.Sns, [], nodeNameOf) }));
    case 'sqs':
      return (event as SQSEvent).Records.map((r) => ({ recordId: r.messageId, inputs: sqsInputs(r, nodeNameOf) }));
    case 'schedule': {
      const e = event as ScheduledEvent<Record<string, unknown>>;
      return [{ inputs: [undecoded({ kind: 'schedule', schedule: nodeNameOf(lastPart(e.resources?.[0], '/')), time: e.time, detail: e.detail ?? {} })] }];
    }
    case 's3-eventbridge':
      return [{ inputs: [eventBridgeObjectInput(event as S3EventBridgeEvent, nodeNameOf)] }];
    default: {
      const keys = event !== null && typeof event === 'object' ? Object.keys(event) : [];
      throw new InputError('SLUICE_E_EVENT', `the event is not an S3, SQS, SNS or scheduled event (keys: ${keys.join(', ') || 'none'}); a step is triggered by a bucket, queue, topic or schedule`, { given: keys, expected: 'an S3, SQS, SNS or EventBridge scheduled event' });
    }
  }
}

/**
 * S3's "Object Created" event as EventBridge delivers it
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). Unlike an S3 notification, its key is
 * not URL-encoded.
 */
interface S3EventBridgeEvent {
  time: string;
  detail: { bucket: { name: string }; object: { key: string; size?: number; etag?: string; 'version-id'?: string }; reason?: string };
}

function eventBridgeObjectInput(event: S3EventBridgeEvent, nodeNameOf: NodeNameOf): StepInput {
  const o = event.detail.object;
  return undecoded({
    kind: 'object' as const,
    bucket: nodeNameOf(event.detail.bucket.name),
    key: o.key,
    size: o.size ?? 0,
    eTag: o.etag ?? '',
    ...(o['version-id'] ? { versionId: o['version-id'] } : {}),
    // The notification's event name for the same upload (ObjectCreated:Put, :CompleteMultipartUpload, ...).
    eventName: `ObjectCreated:${(event.detail.reason ?? 'Put').replace(/Object$/, '')}`,
    eventTime: event.time,
    via: [],
  });
}

/** S3's test event, sent when a notification configuration is saved (S3-07). */
interface S3TestEvent {
  Event: 's3:TestEvent';
}

function objectInputs(s3Event: S3Event | S3TestEvent, via: string[], nodeNameOf: NodeNameOf): StepInput[] {
  // S3-07: the s3:TestEvent S3 sends when a configuration is saved carries no object.
  if ('Event' in s3Event) return [];
  return (s3Event.Records ?? []).map((r) => undecoded({
    kind: 'object' as const,
    bucket: nodeNameOf(r.s3.bucket.name),
    key: decodeEventKey(r.s3.object.key),
    size: r.s3.object.size,
    eTag: r.s3.object.eTag,
    ...(r.s3.object.versionId ? { versionId: r.s3.object.versionId } : {}),
    eventName: r.eventName,
    eventTime: r.eventTime,
    via,
  }));
}

/**
 * Bodies already parsed while unwrapping an SQS message, by input: the first `ctx.json(input)` takes
 * it instead of parsing the same text again.
 */
export const parsedBodies = new WeakMap<object, unknown>();

/** A JSON object a message body holds, when it holds one. */
type JsonObject = Record<string, unknown>;

function parseJsonObject(text: string): JsonObject | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function isS3Event(value: JsonObject | undefined): value is JsonObject & (S3Event | S3TestEvent) {
  if (!value) return false;
  if (value.Event === 's3:TestEvent') return true;
  return Array.isArray(value.Records) && (value.Records[0] as { eventSource?: unknown } | undefined)?.eventSource === 'aws:s3';
}

/** An SNS message as Lambda's SNS event and SNS's notification to SQS carry it (the fields read). */
type SnsMessage = Pick<SNSMessage, 'MessageId' | 'Message' | 'TopicArn' | 'Timestamp'> & {
  Subject?: string | null;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
};

function snsInputs(sns: SnsMessage, via: string[], nodeNameOf: NodeNameOf): StepInput[] {
  const topic = nodeNameOf(lastPart(sns.TopicArn));
  const inner = parseJsonObject(sns.Message);
  if (isS3Event(inner)) return objectInputs(inner, [...via, topic], nodeNameOf);
  return [undecoded({
    kind: 'message',
    id: sns.MessageId,
    body: sns.Message,
    attributes: fromSnsAttributes(sns.MessageAttributes),
    ...(sns.Subject ? { subject: sns.Subject } : {}),
    topic,
    sentAt: sns.Timestamp,
  })];
}

/** Whether a parsed SQS body is SNS's notification (SNS-01: what a subscription without raw delivery sends). */
function isSnsNotification(value: JsonObject | undefined): value is JsonObject & SnsMessage {
  return value?.Type === 'Notification' && typeof value.TopicArn === 'string' && typeof value.Message === 'string';
}

function sqsInputs(record: SQSRecord, nodeNameOf: NodeNameOf): StepInput[] {
  const queue = nodeNameOf(lastPart(record.eventSourceARN));
  const body: string = record.body;
  const parsed = parseJsonObject(body);
  // SNS-01: without raw delivery the SQS body is the SNS notification envelope.
  if (isSnsNotification(parsed)) {
    const inputs = snsInputs(parsed, [], nodeNameOf);
    return inputs.map((i) => (i.kind === 'object' ? { ...i, via: [...i.via, queue] } : { ...i, queue, receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) }));
  }
  if (isS3Event(parsed)) return objectInputs(parsed, [queue], nodeNameOf);
  const input: StepInput = undecoded({
    kind: 'message',
    id: record.messageId,
    body,
    attributes: fromSqsEventAttributes(record.messageAttributes),
    queue,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
    sentAt: new Date(Number(record.attributes?.SentTimestamp ?? 0)).toISOString(),
  });
  if (parsed) parsedBodies.set(input, parsed);
  return [input];
}
