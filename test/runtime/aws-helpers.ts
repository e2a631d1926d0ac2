/**
 * Factories for driving the Lambda entry against moto_server: a deployed function's environment,
 * Lambda's context, real-shaped SQS / SNS / EventBridge events (SQS records built from ReceiveMessage
 * the way Lambda's event source mapping delivers them), and a capture of the JSON lines Powertools
 * prints to stdout and stderr.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient, type Message } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startMoto, type Moto } from '../helpers/moto.js';
import type { LambdaContext } from '../../src/runtime/aws/lambda.js';
import { sqsEventRecord } from '../../src/runtime/aws/sqs-event.js';

/** The environment synth gives a function, for physical names `p-dev-<node>`. */
export function deployedEnv(node: string, bindings: Record<string, unknown>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, SLUICE_PIPELINE: 'p', SLUICE_STAGE: 'dev', SLUICE_NODE: node, SLUICE_BINDINGS: JSON.stringify(bindings), ...extra };
}

/** Lambda's context for one invocation. */
export function lambdaContext(requestId: string, remainingMs = 30_000): LambdaContext {
  return { awsRequestId: requestId, getRemainingTimeInMillis: () => remainingMs };
}

/** The ARN of a queue on moto's default account. */
export function queueArn(name: string): string {
  return `arn:aws:sqs:us-east-1:123456789012:${name}`;
}

/** A received message as a record of Lambda's SQS event, with the system attributes a real receive has. */
export function sqsRecord(m: Message, arn: string, receiveCount?: number): Record<string, unknown> {
  const attributes = { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: String(Date.now()), ...m.Attributes };
  if (receiveCount !== undefined) attributes.ApproximateReceiveCount = String(receiveCount);
  return sqsEventRecord({ ...m, Attributes: attributes }, arn, 'us-east-1');
}

/** An SQS event of messages with these bodies, as if received from `queue`. */
export function sqsEvent(queue: string, bodies: Array<{ id: string; body: string; receiveCount?: number }>): { Records: Array<Record<string, unknown>> } {
  return { Records: bodies.map((b) => sqsRecord({ MessageId: b.id, ReceiptHandle: `r-${b.id}`, Body: b.body, MD5OfBody: '' }, queueArn(queue), b.receiveCount)) };
}

/**
 * Lambda's SNS event for a notification SNS delivered to a subscribed queue (its body without raw
 * delivery): the same notification, as SNS hands it to a subscribed function.
 */
export function snsEventOf(notification: Record<string, any>): Record<string, unknown> {
  return {
    Records: [{
      EventVersion: '1.0', EventSource: 'aws:sns', EventSubscriptionArn: `${notification.TopicArn}:0b7e5f4e-0000-4000-8000-000000000000`,
      Sns: {
        Type: notification.Type, MessageId: notification.MessageId, TopicArn: notification.TopicArn, Subject: notification.Subject ?? null, Message: notification.Message,
        Timestamp: notification.Timestamp, SignatureVersion: notification.SignatureVersion ?? '1', Signature: notification.Signature ?? 'EXAMPLE',
        SigningCertUrl: notification.SigningCertURL ?? '', UnsubscribeUrl: notification.UnsubscribeURL ?? '', MessageAttributes: notification.MessageAttributes ?? {},
      },
    }],
  };
}

/** An EventBridge scheduled event from rule `p-dev-<schedule>`. */
export function scheduledEvent(schedule: string, time = '2026-01-01T00:05:00Z'): Record<string, unknown> {
  return { version: '0', id: `e-${time}`, 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time, region: 'us-east-1', resources: [`arn:aws:events:us-east-1:123456789012:rule/p-dev-${schedule}`], detail: {} };
}

/** JSON lines printed to stdout and stderr (Powertools Logger and Metrics), kept out of the test report. */
export interface OutputCapture {
  /** Every JSON object printed since the capture started or was last cleared, in order. */
  lines: Array<Record<string, any>>;
  /** Raw text of the captured lines, for "never appears" checks. */
  text(): string;
  clear(): void;
  restore(): void;
}

/**
 * Capture the JSON object lines written to stdout and stderr (Powertools writes errors to stderr);
 * anything else (the test runner's own output) goes through untouched.
 */
export function captureOutput(): OutputCapture {
  const lines: Array<Record<string, any>> = [];
  const raw: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    const original = originals[i]!;
    stream.write = function write(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
      if (text !== undefined && text.startsWith('{') && text.endsWith('\n')) {
        try {
          const parsed = text.trim().split('\n').map((l) => JSON.parse(l));
          lines.push(...parsed);
          raw.push(text);
          const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
          callback?.();
          return true;
        } catch {
          // not ours: let it through
        }
      }
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
  });
  return {
    lines,
    text: () => raw.join(''),
    clear: () => {
      lines.length = 0;
      raw.length = 0;
    },
    restore: () => streams.forEach((stream, i) => (stream.write = originals[i]!)),
  };
}

/** A moto_server this process's SDK points at, with a client per service the tests set up. */
export interface TestAws {
  moto: Moto;
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
  ssm: SSMClient;
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
}

/** Start moto on 127.0.0.1 and point this test file's process (and the clients it returns) at it. */
export async function startTestAws(): Promise<TestAws> {
  const moto = await startMoto();
  Object.assign(process.env, moto.env);
  const dynamo = new DynamoDBClient({});
  return { moto, s3: new S3Client({ forcePathStyle: true }), sqs: new SQSClient({}), sns: new SNSClient({}), ssm: new SSMClient({}), dynamo, documents: DynamoDBDocumentClient.from(dynamo) };
}
