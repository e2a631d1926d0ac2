/**
 * A step's I/O on AWS with the AWS SDK v3 (provided by the Lambda runtime, never bundled): object
 * reads from S3, tables through the DynamoDB document client, and the writer that delivers a step's
 * outputs: S3 PutObject, SQS SendMessage, SNS Publish.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient, type MessageAttributeValue as SqsAttribute } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient, type MessageAttributeValue as SnsAttribute } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { InputError } from '../../model/errors.js';
import type { StepIo, TableIo } from '../context.js';
import type { Attributes, RoutedOutput } from '../types.js';
import type { EnvBinding } from './bindings-env.js';

/** The SDK clients a step uses, created once per cold start. */
export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
  dynamo: DynamoDBDocumentClient;
}

/** Clients for the region and endpoint of the environment (`AWS_ENDPOINT_URL` for emulators). */
export function createClients(env: NodeJS.ProcessEnv = process.env): AwsClients {
  // Emulators answer on one host: S3 needs path-style addressing there.
  const forcePathStyle = Boolean(env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_S3);
  return {
    s3: new S3Client({ forcePathStyle }),
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  };
}

function resource(resources: Record<string, EnvBinding>, node: string, kind: EnvBinding['kind']): EnvBinding {
  const b = resources[node];
  if (!b || b.kind !== kind) throw new InputError('SLUICE_E_NO_BINDING', `this function has no binding for ${kind} '${node}'; declare the edge in the pipeline and redeploy`);
  return b;
}

/** Step I/O over AWS. */
export function awsStepIo(clients: AwsClients, resources: Record<string, EnvBinding>): StepIo {
  return {
    async readObject(bucket, key) {
      const out = await clients.s3.send(new GetObjectCommand({ Bucket: resource(resources, bucket, 'bucket').name, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    },
    table(name): TableIo {
      const t = resource(resources, name, 'table');
      const TableName = t.name;
      return {
        get: async (key) => (await clients.dynamo.send(new GetCommand({ TableName, Key: key }))).Item,
        put: async (item) => void (await clients.dynamo.send(new PutCommand({ TableName, Item: item }))),
        delete: async (key) => void (await clients.dynamo.send(new DeleteCommand({ TableName, Key: key }))),
        query: async (pk, o) => (await clients.dynamo.send(new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': t.partitionKey ?? 'id' },
          ExpressionAttributeValues: { ':pk': pk },
          ...(o?.limit ? { Limit: o.limit } : {}),
          ScanIndexForward: !o?.descending,
        }))).Items ?? [],
        scan: async (o) => (await clients.dynamo.send(new ScanCommand({ TableName, ...(o?.limit ? { Limit: o.limit } : {}) }))).Items ?? [],
      };
    },
  };
}

/** Deliver a step's routed outputs: objects to S3, messages to SQS or SNS. */
export async function writeOutputs(clients: AwsClients, resources: Record<string, EnvBinding>, outputs: RoutedOutput[]): Promise<void> {
  await Promise.all(outputs.map(async (out) => {
    if (out.type === 'object') {
      await clients.s3.send(new PutObjectCommand({
        Bucket: resource(resources, out.bucket, 'bucket').name,
        Key: out.key,
        Body: out.body,
        ...(out.contentType ? { ContentType: out.contentType } : {}),
        ...(out.metadata ? { Metadata: out.metadata } : {}),
      }));
    } else if (out.targetKind === 'queue') {
      await clients.sqs.send(new SendMessageCommand({
        QueueUrl: resource(resources, out.to, 'queue').url!,
        MessageBody: out.body,
        ...(Object.keys(out.attributes).length ? { MessageAttributes: sqsAttributes(out.attributes) } : {}),
        ...(out.delaySeconds !== undefined ? { DelaySeconds: out.delaySeconds } : {}),
      }));
    } else {
      await clients.sns.send(new PublishCommand({
        TopicArn: resource(resources, out.to, 'topic').arn!,
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
