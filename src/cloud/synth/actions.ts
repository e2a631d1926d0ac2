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
