/**
 * Resource-policy statements shared by buckets, queues and topics: the deny for requests that are not
 * TLS (SECURITY.md S3-4, SQS-3, SNS-2) and the allow for an AWS service delivering on behalf of one
 * resource (S3-7, SQS-4, SNS-3). ARNs built from physical names live here too: they break the
 * classic reference cycles (a bucket's notification needs the permission that names the bucket).
 */
import { ref, sub, escapeSub, type Statement, type Str } from './template.js';

/** ARNs of resources by physical name, with the partition, region and account of the stack. */
export const arnByName = {
  /** `arn:aws:s3:::name` (bucket ARNs carry no region or account). */
  bucket: (name: string): Str => sub(`arn:\${AWS::Partition}:s3:::${escapeSub(name)}`),
  /** Objects under a key prefix of a bucket: `arn:aws:s3:::name/prefix*`. */
  objects: (name: string, keyPrefix = ''): Str => sub(`arn:\${AWS::Partition}:s3:::${escapeSub(name)}/${escapeSub(keyPrefix)}*`),
  topic: (name: string): Str => sub(`arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:${escapeSub(name)}`),
  queue: (name: string): Str => sub(`arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${escapeSub(name)}`),
  rule: (name: string): Str => sub(`arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${escapeSub(name)}`),
  logStreams: (logGroup: string): Str => sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${escapeSub(logGroup)}:log-stream:*`),
};

const TLS_ACTION = { sqs: 'sqs:*', sns: 'sns:Publish', s3: 's3:*' } as const;

/**
 * Deny every request to these resources that does not use TLS. A Deny with a service-wide action is
 * the point here: it must cover every action, present and future.
 * @example denyInsecureTransport('sqs', [getAtt('OrdersQueue', 'Arn')])
 */
export function denyInsecureTransport(service: keyof typeof TLS_ACTION, resources: Str[]): Statement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: TLS_ACTION[service],
    Resource: resources.length === 1 ? resources[0]! : resources,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/**
 * Let an AWS service deliver to a resource on behalf of exactly one source (confused-deputy guard).
 * `aws:SourceAccount` is added for sources whose ARN carries no account (S3 buckets; cfn-lint W3663).
 * @example allowServiceDelivery('AllowS3FromRaw', 's3', 'sqs:SendMessage', queueArn, arnByName.bucket('p-dev-raw'), true)
 */
export function allowServiceDelivery(sid: string, service: 's3' | 'sns' | 'events', action: string, resource: Str | Str[], sourceArn: Str, withAccount: boolean): Statement {
  const condition: Statement['Condition'] = { ArnEquals: { 'aws:SourceArn': sourceArn } };
  if (withAccount) condition.StringEquals = { 'aws:SourceAccount': ref('AWS::AccountId') };
  return { Sid: sid, Effect: 'Allow', Principal: { Service: `${service}.amazonaws.com` }, Action: action, Resource: resource, Condition: condition };
}
