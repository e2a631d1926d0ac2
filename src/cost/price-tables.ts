/**
 * The price tables shipped with sluice: AWS list prices (on-demand, USD, before tax) for the lines a
 * pipeline's resources are billed on, one table per region, dated. Each line names its unit and the
 * public pricing page it comes from. `sluice cost --prices FILE` replaces a table; `sluice cost prices
 * --refresh` rebuilds one from the AWS Price List API where credentials allow. Where a price has tiers,
 * the line holds the first tier's (the one a pipeline of this size is billed at); the free tier is the
 * always-free allowance a month, per account (12-month offers say so in their note).
 */
import type { PriceTable, PriceLine, PriceId } from './prices.js';

/** The day these prices were read from the pages each line names. */
export const SHIPPED_PRICES_DATE = '2026-12-03';

const PAGE = {
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  sns: 'https://aws.amazon.com/sns/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  events: 'https://aws.amazon.com/eventbridge/pricing/',
  states: 'https://aws.amazon.com/step-functions/pricing/',
  glue: 'https://aws.amazon.com/glue/pricing/',
  comprehend: 'https://aws.amazon.com/comprehend/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  xray: 'https://aws.amazon.com/xray/pricing/',
} as const;

/** The prices that differ between the shipped regions; everything else is the same list price everywhere shipped. */
interface RegionalPrices {
  s3Storage: number;
  s3Put: number;
  s3Get: number;
  dynamodbWrite: number;
  dynamodbRead: number;
  dynamodbStorage: number;
  dynamodbPitr: number;
  logsIngestion: number;
  logsStorage: number;
}

function table(region: string, r: RegionalPrices): PriceTable {
  const lines: Record<PriceId, PriceLine> = {
    'lambda.requests': { service: 'Lambda', description: 'requests', price: 0.2, per: 1_000_000, unit: 'requests', free: 1_000_000, source: PAGE.lambda },
    'lambda.arm64.duration': { service: 'Lambda', description: 'duration, Arm (arm64), first 7.5 billion GB-s a month', price: 0.0000133334, per: 1, unit: 'GB-seconds', free: 400_000, source: PAGE.lambda },
    'sqs.requests': { service: 'SQS', description: 'standard queue requests (each 64 KB chunk of a payload is one request)', price: 0.4, per: 1_000_000, unit: 'requests', free: 1_000_000, source: PAGE.sqs },
    'sns.publishes': { service: 'SNS', description: 'standard topic publishes (each 64 KB chunk is one request)', price: 0.5, per: 1_000_000, unit: 'requests', free: 1_000_000, source: PAGE.sns },
    'sns.deliveries.sqs': { service: 'SNS', description: 'deliveries to SQS queues', price: 0, per: 1_000_000, unit: 'notifications', source: PAGE.sns },
    'sns.deliveries.lambda': { service: 'SNS', description: 'deliveries to Lambda functions', price: 0, per: 1_000_000, unit: 'notifications', source: PAGE.sns },
    'sns.deliveries.email': { service: 'SNS', description: 'email and email-JSON deliveries', price: 2, per: 100_000, unit: 'notifications', free: 1_000, source: PAGE.sns },
    's3.storage': { service: 'S3', description: 'S3 Standard storage, first 50 TB a month', price: r.s3Storage, per: 1, unit: 'GB-months', source: PAGE.s3 },
    's3.put': { service: 'S3', description: 'PUT, COPY, POST and LIST requests (S3 Standard)', price: r.s3Put, per: 1_000, unit: 'requests', source: PAGE.s3 },
    's3.get': { service: 'S3', description: 'GET, SELECT and other requests (S3 Standard)', price: r.s3Get, per: 1_000, unit: 'requests', source: PAGE.s3 },
    's3.lifecycle.transition': { service: 'S3', description: 'lifecycle transition requests into S3 Standard-IA (expiration and abort actions are free)', price: 0.01, per: 1_000, unit: 'requests', source: PAGE.s3 },
    'dynamodb.writes': { service: 'DynamoDB', description: 'on-demand write request units (1 KB each)', price: r.dynamodbWrite, per: 1_000_000, unit: 'write request units', source: PAGE.dynamodb },
    'dynamodb.reads': { service: 'DynamoDB', description: 'on-demand read request units (4 KB strongly consistent, or 2 eventually consistent reads)', price: r.dynamodbRead, per: 1_000_000, unit: 'read request units', source: PAGE.dynamodb },
    'dynamodb.storage': { service: 'DynamoDB', description: 'table storage (Standard table class)', price: r.dynamodbStorage, per: 1, unit: 'GB-months', free: 25, source: PAGE.dynamodb },
    'dynamodb.pitr': { service: 'DynamoDB', description: 'continuous backups (point-in-time recovery)', price: r.dynamodbPitr, per: 1, unit: 'GB-months', source: PAGE.dynamodb },
    'events.scheduled': { service: 'EventBridge', description: 'scheduled rule invocations (rules with a schedule expression on the default bus are not billed as events)', price: 0, per: 1_000_000, unit: 'invocations', source: PAGE.events },
    'events.custom': { service: 'EventBridge', description: 'custom events published (each 64 KB chunk is one event)', price: 1, per: 1_000_000, unit: 'events', source: PAGE.events },
    'states.transitions': { service: 'Step Functions', description: 'standard workflow state transitions', price: 0.025, per: 1_000, unit: 'state transitions', free: 4_000, source: PAGE.states },
    'glue.dpuHours': { service: 'Glue', description: 'ETL and Python shell jobs, per DPU-hour, billed per second with a 1-minute minimum (Glue 2.0 and later)', price: 0.44, per: 1, unit: 'DPU-hours', source: PAGE.glue },
    'comprehend.units': { service: 'Comprehend', description: 'DetectSentiment and BatchDetectSentiment, units of 100 characters, minimum 3 units per document, first 10 million units', price: 0.0001, per: 1, unit: 'units', free: 50_000, freeNote: 'the first 12 months of an account only', source: PAGE.comprehend },
    'logs.ingestion': { service: 'CloudWatch Logs', description: 'standard log class data ingested', price: r.logsIngestion, per: 1, unit: 'GB', free: 5, freeNote: '5 GB a month of ingestion and storage together', source: PAGE.cloudwatch },
    'logs.storage': { service: 'CloudWatch Logs', description: 'log storage (archived, compressed)', price: r.logsStorage, per: 1, unit: 'GB-months', source: PAGE.cloudwatch },
    'cloudwatch.alarms': { service: 'CloudWatch', description: 'standard-resolution alarms, per alarm metric', price: 0.1, per: 1, unit: 'alarm-months', free: 10, source: PAGE.cloudwatch },
    'kms.keys': { service: 'KMS', description: 'customer managed keys (rotation on)', price: 1, per: 1, unit: 'key-months', source: PAGE.kms },
    'kms.requests': { service: 'KMS', description: 'symmetric key requests', price: 0.03, per: 10_000, unit: 'requests', free: 20_000, source: PAGE.kms },
    'xray.traces': { service: 'X-Ray', description: 'traces recorded', price: 5, per: 1_000_000, unit: 'traces', free: 100_000, source: PAGE.xray },
  };
  return { region, currency: 'USD', date: SHIPPED_PRICES_DATE, origin: 'shipped', lines };
}

/** The shipped tables, by region. */
export const SHIPPED_PRICES: Readonly<Record<string, PriceTable>> = {
  'us-east-1': table('us-east-1', { s3Storage: 0.023, s3Put: 0.005, s3Get: 0.0004, dynamodbWrite: 0.625, dynamodbRead: 0.125, dynamodbStorage: 0.25, dynamodbPitr: 0.2, logsIngestion: 0.5, logsStorage: 0.03 }),
  'eu-west-1': table('eu-west-1', { s3Storage: 0.023, s3Put: 0.005, s3Get: 0.0004, dynamodbWrite: 0.7068, dynamodbRead: 0.1413, dynamodbStorage: 0.283, dynamodbPitr: 0.2264, logsIngestion: 0.57, logsStorage: 0.03 }),
  'eu-central-1': table('eu-central-1', { s3Storage: 0.0245, s3Put: 0.0054, s3Get: 0.00043, dynamodbWrite: 0.7625, dynamodbRead: 0.1525, dynamodbStorage: 0.306, dynamodbPitr: 0.2448, logsIngestion: 0.63, logsStorage: 0.0324 }),
  'ap-southeast-2': table('ap-southeast-2', { s3Storage: 0.025, s3Put: 0.0055, s3Get: 0.00044, dynamodbWrite: 0.7115, dynamodbRead: 0.1423, dynamodbStorage: 0.285, dynamodbPitr: 0.228, logsIngestion: 0.57, logsStorage: 0.03 }),
};
