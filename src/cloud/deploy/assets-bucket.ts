/**
 * The assets bucket: where deploy puts function bundles and templates for CloudFormation to read.
 * One per account and region, named `sluice-assets-<account>-<region>`, created on first use with the
 * same protections as a pipeline's own buckets (docs/security-rules.md S3-1..S3-4): public access blocked,
 * ACLs disabled, SSE-S3, a policy denying plain HTTP, plus a lifecycle rule that expires assets a
 * successful deploy has superseded (tagged `sluice-asset=superseded`, see `publish.ts`) after 30 days
 * and aborts stale multipart uploads. Versioning is off on purpose: every key is a content hash,
 * written once and never overwritten, so there is no earlier version to keep.
 *
 * Creation is idempotent: the tag `sluice:assets-bucket` is written last, so a bucket whose set-up
 * was interrupted is configured again on the next deploy.
 */
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import type { AwsSession } from './aws.js';
import { DEPLOY_CODES, DeployError, explainAwsError } from './errors.js';

/** The tag whose presence says the bucket is fully configured (bump the value to reconfigure). */
const CONFIGURED_TAG = { Key: 'sluice:assets-bucket', Value: '1' };
/** Days a superseded asset is kept: long enough to roll back by redeploying an older commit. */
export const SUPERSEDED_DAYS = 30;
/** The object tag that marks an asset no deployed template uses any more. */
export const SUPERSEDED_TAG = { Key: 'sluice-asset', Value: 'superseded' };

/**
 * The assets bucket's name for an account and region, unless `SLUICE_ASSETS_BUCKET` names another.
 * @example assetsBucketName('123456789012', 'eu-west-1') // 'sluice-assets-123456789012-eu-west-1'
 */
export function assetsBucketName(account: string, region: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.SLUICE_ASSETS_BUCKET || `sluice-assets-${account}-${region}`;
}

/** Whether the assets bucket exists (and is ours), without creating it. */
export async function assetsBucketExists(aws: AwsSession, bucket: string): Promise<boolean> {
  const state = await headBucket(aws, bucket);
  return state === 'ours';
}

/**
 * Make sure the assets bucket exists and is configured; returns its name.
 * @throws DeployError SLUICE_E_DEPLOY_ASSETS_BUCKET when the name belongs to another account.
 */
export async function ensureAssetsBucket(aws: AwsSession, log: (line: string) => void = () => {}): Promise<string> {
  const { account } = await aws.identity();
  const bucket = assetsBucketName(account, aws.region);
  const state = await headBucket(aws, bucket);
  if (state === 'taken') {
    throw new DeployError(DEPLOY_CODES.assetsBucket, `the assets bucket name '${bucket}' belongs to another AWS account; set SLUICE_ASSETS_BUCKET to a bucket name of your own (sluice creates it) and deploy again`);
  }
  if (state === 'ours' && (await isConfigured(aws, bucket))) return bucket;
  if (state === 'ours' && !(await isListedAsOurs(aws, bucket))) {
    // moto 5.2 ignores ExpectedBucketOwner (MOTO_S3_EXPECTED_OWNER); never configure someone else's bucket.
    throw new DeployError(DEPLOY_CODES.assetsBucket, `the assets bucket name '${bucket}' belongs to another AWS account; set SLUICE_ASSETS_BUCKET to a bucket name of your own (sluice creates it) and deploy again`);
  }
  if (state === 'missing') {
    log(`creating the assets bucket ${bucket}`);
    try {
      // us-east-1 is the one region that refuses an explicit LocationConstraint.
      const location = aws.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: aws.region as BucketLocationConstraint } };
      await aws.s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'BucketOwnerEnforced', ...location }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'BucketAlreadyExists') {
        throw new DeployError(DEPLOY_CODES.assetsBucket, `the assets bucket name '${bucket}' was just taken by another AWS account; set SLUICE_ASSETS_BUCKET to a bucket name of your own and deploy again`);
      }
      if (name !== 'BucketAlreadyOwnedByYou') throw explainAwsError(error, `creating the assets bucket '${bucket}'`, aws);
    }
  }
  await aws.call(`configuring the assets bucket '${bucket}'`, async () => {
    await aws.s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } }));
    await aws.s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
    await aws.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    // Every request through a plain-HTTP endpoint (an emulator) is non-TLS, so this policy would deny
    // them all and lock sluice out of its own bucket. (moto 5.2 goes further: it applies any Deny
    // statement whatever its Condition, so the policy must not be there at all.)
    if (!aws.endpoint?.startsWith('http://')) {
      await aws.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(tlsOnlyPolicy(bucket, aws.region)) }));
    }
    await aws.s3.send(new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: {
        Rules: [
          { ID: 'expire-superseded-assets', Status: 'Enabled', Filter: { Tag: SUPERSEDED_TAG }, Expiration: { Days: SUPERSEDED_DAYS } },
          { ID: 'abort-incomplete-multipart-uploads', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
        ],
      },
    }));
    await aws.s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [CONFIGURED_TAG] } }));
  });
  return bucket;
}

/** The bucket policy: deny every request that does not use TLS (docs/security-rules.md S3-4). */
export function tlsOnlyPolicy(bucket: string, region: string): Record<string, unknown> {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:${partition}:s3:::${bucket}`, `arn:${partition}:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }],
  };
}

async function headBucket(aws: AwsSession, bucket: string): Promise<'ours' | 'missing' | 'taken'> {
  const { account } = await aws.identity();
  try {
    // ExpectedBucketOwner turns "exists in another account" into a 403 instead of a later surprise.
    await aws.s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: account }));
    return 'ours';
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return 'missing';
    if (status === 403) return 'taken';
    throw explainAwsError(error, `checking the assets bucket '${bucket}'`, aws);
  }
}

async function isListedAsOurs(aws: AwsSession, bucket: string): Promise<boolean> {
  const out = await aws.call('listing your S3 buckets', () => aws.s3.send(new ListBucketsCommand({ Prefix: bucket })));
  return (out.Buckets ?? []).some((b) => b.Name === bucket);
}

async function isConfigured(aws: AwsSession, bucket: string): Promise<boolean> {
  try {
    const out = await aws.s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
    return (out.TagSet ?? []).some((t) => t.Key === CONFIGURED_TAG.Key && t.Value === CONFIGURED_TAG.Value);
  } catch {
    return false;
  }
}
