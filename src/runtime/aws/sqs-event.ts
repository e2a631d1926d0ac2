/**
 * A message received with the SQS API as a record of the SQS event Lambda's event source mapping
 * delivers (camel-cased fields, attribute values as strings, binary as base64): what `sluice worker`
 * hands the Lambda entry for each message it receives.
 */
import type { Message } from '@aws-sdk/client-sqs';

/**
 * One record of Lambda's SQS event for a received message.
 * @example const event = { Records: messages.map((m) => sqsEventRecord(m, queueArn, 'eu-west-1')) };
 */
export function sqsEventRecord(m: Message, queueArn: string, region: string): Record<string, unknown> {
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { binaryValue: Buffer.from(a.BinaryValue).toString('base64') } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: a.DataType,
    };
  }
  return {
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.Body ?? '',
    attributes: m.Attributes ?? {},
    messageAttributes,
    md5OfBody: m.MD5OfBody,
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}
