/**
 * The AWS SDK v3 clients a deployed step uses, created once per cold start (or per worker). The SDK
 * ships with the Lambda runtime and is never bundled (src/bundling/bundle.ts keeps `@aws-sdk/*` external).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ComprehendClient } from '@aws-sdk/client-comprehend';

/**
 * Attempts of a Comprehend call before a throttling error reaches the step: the SDK's standard retry
 * strategy backs off exponentially with jitter between them (Comprehend's real-time quotas are per
 * second, so a burst of batches is throttled, not refused).
 */
export const COMPREHEND_MAX_ATTEMPTS = 6;

/** The SDK clients a step uses. */
export interface AwsClients {
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
  ssm: SSMClient;
  /** Tables and the lineage table, through the document client (undefined attributes dropped). */
  dynamo: DynamoDBDocumentClient;
  /**
   * A plain DynamoDB client of its own for Powertools Idempotency: the persistence layer adds its user
   * agent middleware to the client it is given, which would otherwise tag every table call.
   */
  idempotencyDb: DynamoDBClient;
  /** Sentiment (`ctx.sentiment`), retrying throttling up to COMPREHEND_MAX_ATTEMPTS times. */
  comprehend: ComprehendClient;
}

/**
 * Clients for the region and endpoint of the environment (`AWS_ENDPOINT_URL` for emulators).
 * @example const clients = createClients(process.env); await clients.s3.send(new HeadBucketCommand({ Bucket }));
 */
export function createClients(env: NodeJS.ProcessEnv = process.env): AwsClients {
  // Emulators answer on one host: S3 needs path-style addressing there.
  const forcePathStyle = Boolean(env.AWS_ENDPOINT_URL ?? env.AWS_ENDPOINT_URL_S3);
  return {
    s3: new S3Client({ forcePathStyle }),
    sqs: new SQSClient({}),
    sns: new SNSClient({}),
    ssm: new SSMClient({}),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    idempotencyDb: new DynamoDBClient({}),
    comprehend: new ComprehendClient({ maxAttempts: COMPREHEND_MAX_ATTEMPTS }),
  };
}
