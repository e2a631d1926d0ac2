/**
 * `bucket` on an AWS stage: its objects, through S3 (PutObject, paginated ListObjectsV2, GetObject,
 * HeadObject for the `ingestion-id` lineage starts from, and the size and ETag an invoke's S3 event carries).
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, paginateListObjectsV2, DeleteObjectsCommand } from '@aws-sdk/client-s3';
import type { Bucket } from '../../../model/bucket.js';
import { InputError } from '../../../model/errors.js';
import type { AnyNode } from '../../../model/node.js';
import { explainAwsError, isNotFound } from '../../../cloud/deploy/errors.js';
import type { ObjectInfo } from '../../stage.js';
import type { AwsStageContext, KindAws } from '../kind.js';

const nameOf = (ctx: AwsStageContext, bucket: AnyNode) => ctx.physical(bucket as Bucket, 'Bucket');

function noSuchKey(ctx: AwsStageContext, bucket: AnyNode, key: string, physical: string): InputError {
  return new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket.name}' (${physical}); list the bucket with: sluice ls ${bucket.name} --stage ${ctx.stage}`, { node: bucket.name, field: 'key', given: key });
}

async function headObject(ctx: AwsStageContext, bucket: AnyNode, key: string) {
  const name = nameOf(ctx, bucket);
  try {
    return await ctx.aws.s3.send(new HeadObjectCommand({ Bucket: name, Key: key }));
  } catch (error) {
    if (isNotFound(error)) throw noSuchKey(ctx, bucket, key, name);
    throw explainAwsError(error, `reading the metadata of '${key}' in bucket '${bucket.name}'`, ctx.aws);
  }
}

export const bucketAws: KindAws<Bucket> = {
  objects: {
    async put(ctx, bucket, objects) {
      const name = nameOf(ctx, bucket);
      const keys: string[] = [];
      for (const o of objects) {
        await ctx.aws.call(`putting '${o.key}' into bucket '${bucket.name}' (${name})`, () => ctx.aws.s3.send(new PutObjectCommand({ Bucket: name, Key: o.key, Body: o.body, ...(o.contentType ? { ContentType: o.contentType } : {}), ...(o.metadata ? { Metadata: o.metadata } : {}) })));
        keys.push(o.key);
      }
      return keys;
    },

    async delete(ctx, bucket, keys) {
      const name = nameOf(ctx, bucket);
      // DeleteObjects takes at most 1,000 keys a request.
      for (let i = 0; i < keys.length; i += 1000) {
        const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
        await ctx.aws.call(`deleting ${Objects.length} object(s) of bucket '${bucket.name}' (${name})`, () => ctx.aws.s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects, Quiet: true } })));
      }
    },

    async list(ctx, bucket, prefix) {
      const name = nameOf(ctx, bucket);
      const objects: ObjectInfo[] = [];
      await ctx.aws.call(`listing bucket '${bucket.name}' (${name})`, async () => {
        for await (const page of paginateListObjectsV2({ client: ctx.aws.s3 }, { Bucket: name, ...(prefix ? { Prefix: prefix } : {}) })) {
          for (const o of page.Contents ?? []) objects.push({ key: o.Key!, size: o.Size ?? 0, eTag: (o.ETag ?? '').replace(/"/g, ''), lastModified: (o.LastModified ?? new Date(0)).toISOString() });
        }
      });
      return objects;
    },

    async get(ctx, bucket, key) {
      const name = nameOf(ctx, bucket);
      try {
        const out = await ctx.aws.s3.send(new GetObjectCommand({ Bucket: name, Key: key }));
        const body = Buffer.from(await out.Body!.transformToByteArray());
        return {
          bucket: bucket.name, key, body, size: body.byteLength, eTag: (out.ETag ?? '').replace(/"/g, ''), lastModified: (out.LastModified ?? new Date(0)).toISOString(),
          ...(out.ContentType ? { contentType: out.ContentType } : {}), ...(out.Metadata && Object.keys(out.Metadata).length ? { metadata: out.Metadata } : {}),
        };
      } catch (error) {
        if (isNotFound(error)) throw noSuchKey(ctx, bucket, key, name);
        throw explainAwsError(error, `reading '${key}' from bucket '${bucket.name}'`, ctx.aws);
      }
    },

    async metadata(ctx, bucket, key) {
      return (await headObject(ctx, bucket, key)).Metadata;
    },

    async head(ctx, bucket, key) {
      const out = await headObject(ctx, bucket, key);
      return { size: out.ContentLength ?? 0, eTag: (out.ETag ?? '').replace(/"/g, '') };
    },
  },
  send: null,
  messages: null,
  redrive: null,
  executions: null,
  items: null,
  depth: null,
  invoke: null,
  subscriptions: null,
};
