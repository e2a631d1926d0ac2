/**
 * IAM actions synth needs beyond the per-kind tables in the model (which hold every action an edge
 * implies; see `grantsOf`): the actions infrastructure itself needs (logs, tracing, the pipeline's KMS
 * key), as data, and the actions AWS cannot scope to a resource (docs/security-rules.md IAM-5).
 */
import { KINDS } from '../../model/kinds.js';
import type { Use } from '../../model/kind.js';

/** A function writes its own log streams (docs/security-rules.md L-2): the log group is pre-created, so no CreateLogGroup. */
export const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/** Active tracing (docs/security-rules.md L-7) sends segments to X-Ray; neither action has a resource type. */
export const TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;

/**
 * What a step's components need on the stores sluice adds to a stack (src/cloud/synth/stores.ts), by
 * use: a producer offloads large message bodies (PutObject), a consumer reads them back (GetObject,
 * which HeadObject also needs); lineage writes ingestion steps one by one or in batches of 25;
 * Powertools Idempotency reads, claims, completes and releases records; a step reads its secrets
 * from SSM Parameter Store (SecureString with the AWS-managed aws/ssm key needs no KMS grant).
 */
export const STORE_ACTIONS = {
  writePayloads: ['s3:PutObject'],
  readPayloads: ['s3:GetObject'],
  writeLineage: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
  useIdempotency: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  readSecrets: ['ssm:GetParameters', 'ssm:GetParameter'],
} as const;

/**
 * KMS actions a function needs on the pipeline's customer managed key, per use of a queue or topic
 * encrypted with it: producers generate a data key (and decrypt a cached one), consumers decrypt.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
 */
export const KEY_USE_ACTIONS: Partial<Record<Use, readonly string[]>> = {
  send: ['kms:GenerateDataKey', 'kms:Decrypt'],
  publish: ['kms:GenerateDataKey', 'kms:Decrypt'],
  consume: ['kms:Decrypt'],
};

/** What an AWS service that writes to an encrypted queue or topic needs on its key (docs/security-rules.md KMS-2, S3-7). */
export const KEY_SERVICE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/**
 * What the account (and through IAM, its administrators and CloudFormation) may do with the key.
 * Listed one by one instead of `kms:*` (docs/security-rules.md IAM-3); includes PutKeyPolicy so the key can
 * never become unmanageable, and CreateGrant/Encrypt which Lambda needs when a function's environment
 * is encrypted with the key.
 */
export const KEY_ACCOUNT_ACTIONS = [
  'kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:CreateGrant', 'kms:Decrypt', 'kms:DeleteAlias',
  'kms:DescribeKey', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation',
  'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListGrants',
  'kms:ListResourceTags', 'kms:PutKeyPolicy', 'kms:RetireGrant', 'kms:RevokeGrant', 'kms:ScheduleKeyDeletion',
  'kms:TagResource', 'kms:UntagResource', 'kms:UpdateAlias', 'kms:UpdateKeyDescription',
] as const;

/**
 * Actions with no resource type in the Service Authorization Reference, which therefore need
 * `Resource: "*"` (docs/security-rules.md, "Actions that cannot be resource-scoped"). Any other action on `*` is
 * a finding.
 */
export const UNSCOPABLE_ACTIONS: ReadonlySet<string> = new Set([
  'comprehend:DetectSentiment', 'comprehend:BatchDetectSentiment', 'comprehend:DetectDominantLanguage',
  'comprehend:BatchDetectDominantLanguage', 'comprehend:DetectKeyPhrases', 'comprehend:BatchDetectKeyPhrases',
  'comprehend:DetectPiiEntities', 'comprehend:DetectEntities',
  'textract:DetectDocumentText', 'textract:AnalyzeDocument', 'textract:StartDocumentAnalysis', 'textract:GetDocumentAnalysis',
  'rekognition:DetectLabels', 'rekognition:DetectText', 'translate:TranslateText',
  'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules',
  'cloudwatch:PutMetricData',
  'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
  'states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:ListStateMachines',
  'dynamodb:ListTables', 'dynamodb:ListStreams',
  'sqs:ListQueues', 'sns:ListTopics', 's3:ListAllMyBuckets', 'lambda:ListFunctions',
  'ec2:DescribeNetworkInterfaces', 'kms:ListKeys', 'kms:CreateKey', 'sts:GetCallerIdentity',
  'ssm:DescribeParameters', 'secretsmanager:GetRandomPassword', 'secretsmanager:ListSecrets',
  'bedrock:ListFoundationModels',
]);

/** The one action a service needs to invoke a function (from the fn kind's table). */
export const INVOKE_ACTION = KINDS.fn.permissions.invoke![0]!;
/** The one action a service needs to deliver to a queue (from the queue kind's table). */
export const SEND_ACTION = KINDS.queue.permissions.send![0]!;
/** The one action a service needs to deliver to a topic (from the topic kind's table). */
export const PUBLISH_ACTION = KINDS.topic.permissions.publish![0]!;

/**
 * What Step Functions needs to deliver a state machine's logs to CloudWatch Logs (vended logs):
 * none of these has a resource type, so they are granted on `*` (docs/security-rules.md SFN-1).
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
 */
export const STATES_LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
] as const;

/** Why a state machine's role holds the log delivery actions on `*`, kept in its metadata. */
export const STATES_LOG_DELIVERY_REASON = 'CloudWatch Logs log-delivery actions (CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) have no resource type in the Service Authorization Reference, so Resource must be "*"; Step Functions needs them to deliver the execution log (SFN-1)';

/**
 * A Glue job writes its run's logs to Glue's own log groups, creating them on first use in the
 * account: Spark jobs to `/aws-glue/jobs/{output,error,logs-v2}`, Python shell jobs to
 * `/aws-glue/python-jobs/{output,error}`. https://docs.aws.amazon.com/glue/latest/dg/create-service-policy.html
 */
export const GLUE_LOG_ACTIONS = { group: ['logs:CreateLogGroup'], streams: ['logs:CreateLogStream', 'logs:PutLogEvents'] } as const;

/** The log groups Glue writes a job's runs to, by job type. */
export const GLUE_LOG_GROUPS = {
  glueetl: ['/aws-glue/jobs/output', '/aws-glue/jobs/error', '/aws-glue/jobs/logs-v2'],
  pythonshell: ['/aws-glue/python-jobs/output', '/aws-glue/python-jobs/error'],
} as const;

/** What a Glue job does with its script and extra files (read), and with its temporary folder. */
export const GLUE_ASSET_ACTIONS = { read: ['s3:GetObject'], temp: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], listTemp: ['s3:ListBucket'] } as const;

/** S3 actions on a bucket itself (its ARN), not on its objects (`bucket/key`): docs/security-rules.md IAM-4. */
export const BUCKET_LEVEL_ACTIONS: ReadonlySet<string> = new Set(['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketVersions']);
