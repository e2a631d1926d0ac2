/**
 * SQS reads shared by the AWS stage's kinds: peeking at a queue's messages without consuming them,
 * its depth, and attributes in the CLI's form.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { AwsSession } from '../../cloud/deploy/aws.js';
import { isNotFound } from '../../cloud/deploy/errors.js';

/** Receive one batch (up to 10) without waiting; `visibility` 0 leaves the messages available. */
export async function receiveBatch(aws: AwsSession, url: string, visibility: number, doing: string): Promise<Message[]> {
  const out = await aws.call(doing, () => aws.sqs.send(new ReceiveMessageCommand({
    QueueUrl: url,
    MaxNumberOfMessages: 10,
    VisibilityTimeout: visibility,
    WaitTimeSeconds: 0,
    MessageAttributeNames: ['All'],
    MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
  })));
  return out.Messages ?? [];
}

/**
 * A queue's messages, read without consuming them: received with a zero visibility timeout, so they
 * stay available (each read adds one to their receive count), until two reads in a row find nothing new.
 */
export async function peek(aws: AwsSession, url: string, doing: string, max = 1000): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let empty = 0; seen.size < max && empty < 2;) {
    const fresh = (await receiveBatch(aws, url, 0, doing)).filter((m) => !seen.has(m.MessageId!));
    if (fresh.length === 0) empty++;
    for (const m of fresh) seen.set(m.MessageId!, m);
  }
  return [...seen.values()];
}

/** How many messages wait in a queue: visible, in flight, delayed; undefined when it is gone. */
export async function depth(aws: AwsSession, url: string): Promise<{ visible: number; inFlight: number; delayed: number } | undefined> {
  try {
    const out = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }));
    const a = out.Attributes ?? {};
    return { visible: Number(a.ApproximateNumberOfMessages ?? 0), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0), delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0) };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Attributes as the CLI takes them (`name=value`, numbers as Number attributes), in the SDK's form. */
export function messageAttributes(a: Record<string, string | number>): Record<string, MessageAttributeValue> | undefined {
  const entries = Object.entries(a);
  if (!entries.length) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'number' ? { DataType: 'Number', StringValue: String(v) } : { DataType: 'String', StringValue: v }]));
}

/** A received message's attributes as text. */
export function attributesText(m: Message): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) out[k] = v.StringValue ?? '';
  return out;
}

/** When a received message was sent, ISO-8601. */
export function sentAt(m: Message): string {
  return new Date(Number(m.Attributes?.SentTimestamp ?? 0)).toISOString();
}
