/**
 * Checks before a change set: every physical name the deploy would create must be free. S3 bucket
 * names are global, so a name another account holds fails a deploy only minutes in, after other
 * resources were made and rolled back; a log group left behind by an earlier function of the same
 * name does the same. Finding these first gives one message listing every taken name, and nothing
 * is created.
 */
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { Template } from '../synth/template.js';
import type { AwsSession } from './aws.js';
import { DEPLOY_CODES, DeployError, isNotFound } from './errors.js';
import { eachLimited } from './publish.js';
import { pathOf } from './stack.js';

/** One taken name. */
export interface TakenName {
  path?: string;
  what: string;
  name: string;
  /** `another-account` or `outside-stack`. */
  owner: 'another-account' | 'outside-stack';
}

type Check = (aws: AwsSession, name: string, account: string) => Promise<TakenName['owner'] | undefined>;

const exists = async (probe: () => Promise<unknown>): Promise<'outside-stack' | undefined> => {
  try {
    await probe();
    return 'outside-stack';
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
};

const CHECKS: Record<string, { property: string; what: string; check: Check }> = {
  'AWS::S3::Bucket': {
    property: 'BucketName',
    what: 'S3 bucket',
    check: async (aws, name, account) => {
      try {
        await aws.s3.send(new HeadBucketCommand({ Bucket: name, ExpectedBucketOwner: account }));
        // AWS answers 403 for another account's bucket given ExpectedBucketOwner; moto 5.2 ignores
        // the parameter and answers 200, so ask which buckets are ours.
        const mine = await aws.s3.send(new ListBucketsCommand({ Prefix: name }));
        return (mine.Buckets ?? []).some((b) => b.Name === name) ? 'outside-stack' : 'another-account';
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404) return undefined;
        if (status === 403) return 'another-account';
        throw error;
      }
    },
  },
  'AWS::Logs::LogGroup': {
    property: 'LogGroupName',
    what: 'log group',
    check: async (aws, name) => {
      const out = await aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
      return (out.logGroups ?? []).some((g) => g.logGroupName === name) ? 'outside-stack' : undefined;
    },
  },
  'AWS::Lambda::Function': { property: 'FunctionName', what: 'Lambda function', check: (aws, name) => exists(() => aws.lambda.send(new GetFunctionCommand({ FunctionName: name }))) },
  'AWS::SQS::Queue': { property: 'QueueName', what: 'SQS queue', check: (aws, name) => exists(() => aws.sqs.send(new GetQueueUrlCommand({ QueueName: name }))) },
  'AWS::DynamoDB::Table': { property: 'TableName', what: 'DynamoDB table', check: (aws, name) => exists(() => aws.dynamodb.send(new DescribeTableCommand({ TableName: name }))) },
  'AWS::SNS::Topic': {
    property: 'TopicName',
    what: 'SNS topic',
    // SNS CreateTopic returns an existing topic of the same name, so the stack would silently adopt it.
    check: (aws, name, account) => exists(() => aws.sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:${partitionOf(aws.region)}:sns:${aws.region}:${account}:${name}` }))),
  },
};

/**
 * The physical names of resources `template` adds (compared with `previous`) that are already taken.
 * @throws DeployError SLUICE_E_DEPLOY_NAME_TAKEN listing every one.
 */
export async function checkNamesFree(aws: AwsSession, stackName: string, template: Template, previous: Template | undefined): Promise<void> {
  const { account } = await aws.identity();
  const added = Object.entries(template.Resources).filter(([id, r]) => CHECKS[r.Type] && previous?.Resources[id]?.Type !== r.Type);
  const taken: TakenName[] = [];
  await eachLimited(added, 8, async ([id, r]) => {
    const spec = CHECKS[r.Type]!;
    const name = r.Properties?.[spec.property];
    if (typeof name !== 'string') return;
    const owner = await aws.call(`checking whether ${spec.what} '${name}' exists`, () => spec.check(aws, name, account));
    const path = pathOf(template, id);
    if (owner) taken.push({ ...(path ? { path } : {}), what: spec.what, name, owner });
  });
  if (taken.length === 0) return;
  taken.sort((a, b) => a.name.localeCompare(b.name));
  const lines = taken.map((t) => `  - ${t.what} '${t.name}'${t.path ? ` (${t.path})` : ''} ${t.owner === 'another-account' ? 'belongs to another AWS account' : `already exists in account ${account} outside stack '${stackName}'`}`);
  const fix = taken.some((t) => t.owner === 'another-account')
    ? 'S3 bucket names are global: choose another stage or pipeline name (it is part of every bucket name)'
    : 'if these are leftovers of an earlier deploy, delete them (or run sluice destroy for that stage); otherwise choose another stage or pipeline name';
  throw new DeployError(DEPLOY_CODES.nameTaken, `cannot deploy stack '${stackName}': ${taken.length} name${taken.length === 1 ? ' is' : 's are'} taken:\n${lines.join('\n')}\n${fix}; nothing was deployed`, { stack: stackName });
}

/** The partition of a region. */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}
