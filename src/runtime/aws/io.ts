/**
 * A step's I/O on AWS with the AWS SDK v3: object reads and user metadata from S3, offloaded envelope
 * bodies from the payload bucket, tables through the DynamoDB document client, secrets from SSM
 * Parameter Store, and idempotency records through Powertools (idempotency.ts). Outputs are written
 * by write-outputs.ts.
 */
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { InputError } from '../../model/errors.js';
import { parseS3Path } from '../../envelope/offload.js';
import type { IdempotencyIo, StepIo, TableIo } from '../context.js';
import type { AwsClients } from './clients.js';
import { resource, type EnvBinding } from './bindings-env.js';
import { ssmSecrets } from './secrets.js';
import { comprehendBackend } from './sentiment.js';

/** Options of `awsStepIo`. */
export interface AwsStepIoOptions {
  /** The step's node name, for error messages. */
  node?: string;
  /** Idempotency records; without them a step with an idempotencyKey fails with what to do. */
  idempotency?: IdempotencyIo;
}

/**
 * Step I/O over AWS.
 * @example const io = awsStepIo(createClients(), deployed.resources, { node: 'copy' });
 */
export function awsStepIo(clients: AwsClients, resources: Record<string, EnvBinding>, options: AwsStepIoOptions = {}): StepIo {
  const node = options.node ?? 'handler';
  const getObject = async (Bucket: string, Key: string) => {
    const out = await clients.s3.send(new GetObjectCommand({ Bucket, Key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  };
  return {
    readObject: (bucket, key) => getObject(resource(resources, bucket, 'bucket').name, key),
    async readPayload(path) {
      const where = parseS3Path(path);
      if (!where) throw new InputError('SLUICE_E_PAYLOAD', `'${path}' is not an s3://bucket/key path`);
      // The path names the physical bucket (the payload bucket, or a Pylon producer's own bucket).
      return getObject(where.bucket, where.key);
    },
    async objectMetadata(bucket, key) {
      const physical = resources[bucket]?.kind === 'bucket' ? resources[bucket]!.name : bucket;
      try {
        return (await clients.s3.send(new HeadObjectCommand({ Bucket: physical, Key: key }))).Metadata;
      } catch (error) {
        // Like the local store: an object deleted since its event has no known writer, and its
        // execution starts a lineage chain. S3 answers 403 rather than 404 for a missing object when
        // the caller lacks s3:ListBucket, and a step may need only the key of an object it cannot read.
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 403) return undefined;
        throw error;
      }
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
    secrets: ssmSecrets(clients.ssm, node),
    sentiment: comprehendBackend(clients.comprehend),
    ...(options.idempotency ? { idempotency: options.idempotency } : {}),
  };
}
