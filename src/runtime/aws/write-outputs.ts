/**
 * Delivers a step's routed outputs on AWS: objects with S3 PutObject, messages with SQS SendMessage
 * or SNS Publish. An envelope whose body was offloaded (`payload` on the routed message) has its body
 * written to the payload bucket first, so no consumer ever receives a pointer to nothing.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand, type MessageAttributeValue as SqsAttribute } from '@aws-sdk/client-sqs';
import { PublishCommand, type MessageAttributeValue as SnsAttribute } from '@aws-sdk/client-sns';
import { INGESTION_ID_METADATA } from '../inputs.js';
import type { Attributes, RoutedOutput } from '../types.js';
import type { AwsClients } from './clients.js';
import { resource, type EnvBinding } from './bindings-env.js';

type RoutedMessage = Extract<RoutedOutput, { type: 'message' }>;

/**
 * Deliver a step's routed outputs: objects to S3, messages to SQS or SNS, each offloaded body to the
 * payload bucket before its message. Rejects when any write fails (the invocation is then retried).
 * @example await writeOutputs(clients, deployed.resources, outcome.outputs);
 */
export async function writeOutputs(clients: AwsClients, resources: Record<string, EnvBinding>, outputs: RoutedOutput[]): Promise<void> {
  // One payload per envelope, shared by the messages routed to each of its targets: written once.
  const payloads = new Map<string, Promise<unknown>>();
  const payloadOf = (out: RoutedMessage) => {
    const p = out.payload!;
    let put = payloads.get(p.path);
    if (!put) {
      put = clients.s3.send(new PutObjectCommand({
        Bucket: p.bucket,
        Key: p.key,
        Body: p.body,
        ContentType: p.contentType,
        // Like every object a step writes, the payload names the execution that produced it.
        Metadata: { [INGESTION_ID_METADATA]: p.ingestionId },
      }));
      payloads.set(p.path, put);
    }
    return put;
  };
  await Promise.all(outputs.map(async (out) => {
    if (out.type === 'object') {
      await clients.s3.send(new PutObjectCommand({
        Bucket: resource(resources, out.bucket, 'bucket').name,
        Key: out.key,
        Body: out.body,
        ...(out.contentType ? { ContentType: out.contentType } : {}),
        ...(out.metadata ? { Metadata: out.metadata } : {}),
      }));
      return;
    }
    if (out.payload) await payloadOf(out);
    if (out.targetKind === 'queue') {
      await clients.sqs.send(new SendMessageCommand({
        QueueUrl: resource(resources, out.to, 'queue').url!,
        MessageBody: out.body,
        ...(Object.keys(out.attributes).length ? { MessageAttributes: sqsAttributes(out.attributes) } : {}),
        ...(out.delaySeconds !== undefined ? { DelaySeconds: out.delaySeconds } : {}),
      }));
    } else {
      await clients.sns.send(new PublishCommand({
        TopicArn: resource(resources, out.to, out.targetKind).arn!,
        Message: out.body,
        ...(out.subject ? { Subject: out.subject } : {}),
        ...(Object.keys(out.attributes).length ? { MessageAttributes: snsAttributes(out.attributes) } : {}),
      }));
    }
  }));
}

// SQS has no String.Array type: like SNS raw delivery, send it as a String holding the JSON array.
function sqsAttributes(attributes: Attributes): Record<string, SqsAttribute> {
  const out: Record<string, SqsAttribute> = {};
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = a.type === 'Binary' ? { DataType: 'Binary', BinaryValue: Buffer.from(a.value, 'base64') } : { DataType: a.type === 'Number' ? 'Number' : 'String', StringValue: a.value };
  }
  return out;
}

function snsAttributes(attributes: Attributes): Record<string, SnsAttribute> {
  const out: Record<string, SnsAttribute> = {};
  for (const [name, a] of Object.entries(attributes)) {
    out[name] = a.type === 'Binary' ? { DataType: 'Binary', BinaryValue: Buffer.from(a.value, 'base64') } : { DataType: a.type, StringValue: a.value };
  }
  return out;
}
