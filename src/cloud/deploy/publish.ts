/**
 * Publishing a synthesis to the assets bucket: the root template, nested templates, function
 * bundles and Glue jobs' files, each under `<stack>/` and named by its sha256 (a Glue file keeps its
 * name under a folder named by its sha256), so a key is written once and an unchanged
 * asset is never uploaded again (HeadObject before PutObject). The root template always goes through
 * S3: a 10-stage pipeline's template already exceeds CloudFormation's 51,200-byte inline limit.
 *
 * After a successful deploy, `markSuperseded` tags the stack's assets that its template no longer
 * uses, and the bucket's lifecycle rule expires them (see `assets-bucket.ts`); the assets of the
 * deploy before stay untagged until then, so CloudFormation can always roll back to them.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectsCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import type { Synthesis } from '../synth/synth.js';
import type { AwsSession } from './aws.js';
import { explainAwsError, isNotFound } from './errors.js';
import { SUPERSEDED_TAG } from './assets-bucket.js';

/** One file to publish. */
export interface PublishedFile {
  kind: 'template' | 'nested-template' | 'lambda' | 'file';
  /** Key relative to the stack's prefix. */
  name: string;
  body: Uint8Array;
  contentType: string;
  /** For function bundles: the handler it was built from. */
  handler?: string;
}

/** What publishing did. */
export interface PublishResult {
  /** The prefix (`<stack>/`), the template's `AssetsPrefix` parameter. */
  prefix: string;
  /** The root template's key. */
  templateKey: string;
  uploaded: Array<{ key: string; kind: PublishedFile['kind']; bytes: number }>;
  unchanged: number;
}

/** The key prefix of a stack's assets. */
export function assetsPrefix(stackName: string): string {
  return `${stackName}/`;
}

/** Every file a synthesis deploys: the root template, nested templates, function bundles, Glue scripts and their files. */
export function filesOf(s: Synthesis): PublishedFile[] {
  const root = Buffer.from(s.text);
  return [
    { kind: 'template', name: `${sha256(root)}.template.json`, body: root, contentType: 'application/json' },
    ...s.nested.map((n): PublishedFile => ({ kind: 'nested-template', name: n.file, body: Buffer.from(n.text), contentType: 'application/json' })),
    ...s.assets.map((a): PublishedFile => ({ kind: 'lambda', name: `${a.hash}.zip`, body: a.zip, contentType: 'application/zip', handler: a.handler })),
    ...s.files.map((f): PublishedFile => ({ kind: 'file', name: f.key, body: f.body, contentType: f.contentType })),
  ];
}

/**
 * Upload what the bucket lacks, a few at a time.
 * @example const { templateKey, uploaded } = await publish(aws, bucket, synthesis)
 */
export async function publish(aws: AwsSession, bucket: string, s: Synthesis): Promise<PublishResult> {
  const prefix = assetsPrefix(s.stackName);
  const files = filesOf(s);
  const uploaded: PublishResult['uploaded'] = [];
  let unchanged = 0;
  await eachLimited(files, 6, async (file) => {
    const key = prefix + file.name;
    if (await exists(aws, bucket, key)) {
      unchanged++;
      return;
    }
    await aws.call(`uploading ${key} to the assets bucket '${bucket}'`, () =>
      aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: file.body, ContentType: file.contentType, ChecksumAlgorithm: 'SHA256' })),
    );
    uploaded.push({ key, kind: file.kind, bytes: file.body.byteLength });
  });
  return { prefix, templateKey: prefix + files[0]!.name, uploaded, unchanged };
}

/** The HTTPS URL CloudFormation reads a template from. */
export function templateUrl(aws: AwsSession, bucket: string, key: string): string {
  return `https://${bucket}.s3.${aws.region}.${aws.urlSuffix}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Tag the stack's assets that `current` does not list as superseded (the lifecycle rule expires them). */
export async function markSuperseded(aws: AwsSession, bucket: string, prefix: string, current: ReadonlySet<string>): Promise<number> {
  const keys = (await listKeys(aws, bucket, prefix)).filter((k) => !current.has(k));
  let marked = 0;
  await eachLimited(keys, 6, async (key) => {
    const tags = await aws.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key })).catch(() => ({ TagSet: [] }));
    if ((tags.TagSet ?? []).some((t) => t.Key === SUPERSEDED_TAG.Key)) return;
    await aws.s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [SUPERSEDED_TAG] } }));
    marked++;
  });
  return marked;
}

/** Delete every object under a prefix; returns how many. */
export async function deletePrefix(aws: AwsSession, bucket: string, prefix: string): Promise<number> {
  const keys = await listKeys(aws, bucket, prefix);
  for (let i = 0; i < keys.length; i += 1000) {
    await aws.call(`deleting assets under ${prefix} in '${bucket}'`, () =>
      aws.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } })),
    );
  }
  return keys.length;
}

/** Every key under a prefix. */
export async function listKeys(aws: AwsSession, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  await aws.call(`listing '${bucket}'`, async () => {
    for await (const page of paginateListObjectsV2({ client: aws.s3 }, { Bucket: bucket, Prefix: prefix })) for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
  });
  return keys;
}

async function exists(aws: AwsSession, bucket: string, key: string): Promise<boolean> {
  try {
    await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw explainAwsError(error, `checking ${key} in the assets bucket '${bucket}'`, aws);
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Run `fn` over `items`, at most `limit` at once. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}
