/**
 * A job's storage on AWS: S3 through the SDK v3, streamed both ways. Listing pages through
 * ListObjectsV2 (1,000 keys a page), reading hands on GetObject's body stream as it arrives, and
 * writing goes through lib-storage's `Upload`, which sends a stream of unknown length as a multipart
 * upload of `partSize` parts (`queueSize` in flight), so memory holds a few parts whatever the size.
 * Node names map to physical bucket names through the function's bindings (`SLUICE_BINDINGS`).
 */
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable, Transform } from 'node:stream';
import { InputError } from '../../model/errors.js';
import type { JobIo, JobObject } from '../job.js';
import { resource, type EnvBinding } from './bindings-env.js';

/** Options of `s3JobIo`. */
export interface S3JobIoOptions {
  /**
   * Bytes per part of a multipart upload. S3 takes at most 10,000 parts, so 8 MiB parts allow objects up
   * to about 78 GiB. https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html @default 8 MiB
   */
  partSize?: number;
  /** Parts uploaded at once. @default 4 */
  queueSize?: number;
}

const MIB = 1024 * 1024;

/**
 * JobIo over S3 for a deployed job, buckets named by node.
 * @example const io = s3JobIo(clients.s3, bindingsFromEnv(process.env).resources);
 */
export function s3JobIo(s3: S3Client, resources: Record<string, EnvBinding>, options: S3JobIoOptions = {}): JobIo {
  const physical = (bucket: string) => resource(resources, bucket, 'bucket').name;
  return {
    async *list(bucket: string, prefix?: string): AsyncIterable<JobObject> {
      const pages = paginateListObjectsV2({ client: s3 }, { Bucket: physical(bucket), ...(prefix ? { Prefix: prefix } : {}) });
      for await (const page of pages) {
        for (const o of page.Contents ?? []) {
          if (o.Key === undefined) continue;
          yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
        }
      }
    },
    async open(bucket, key) {
      const Bucket = physical(bucket);
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
        // In Node the SDK's body is an http IncomingMessage (a Readable) with the SDK's helpers mixed in.
        return out.Body as Readable;
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') {
          throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}' (${Bucket}, NoSuchKey)`, { node: bucket, field: key });
        }
        throw error;
      }
    },
    async write(bucket, key, body, writeOptions) {
      let size = 0;
      // Counts the bytes as Upload pulls them (a 'data' listener would start the flow before Upload reads).
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      const source = body instanceof Readable ? body : new Readable().wrap(body);
      // The source's error must fail the upload: pipe() alone would leave it waiting for more bytes.
      source.once('error', (error) => counted.destroy(error));
      source.pipe(counted);
      const upload = new Upload({
        client: s3,
        params: { Bucket: physical(bucket), Key: key, Body: counted, ...(writeOptions.contentType ? { ContentType: writeOptions.contentType } : {}) },
        partSize: options.partSize ?? 8 * MIB,
        queueSize: options.queueSize ?? 4,
        // A failed upload aborts its multipart upload, so no invisible parts are left to pay for.
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (error) {
        // S3 refused the upload: stop whatever produces the rows rather than leave it paused.
        source.destroy();
        throw error;
      }
      return { size };
    },
  };
}
