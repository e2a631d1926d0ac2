/**
 * Which of main's upstream objects a branch replays: every object of an input bucket that passes the
 * edge's S3 key filter (what S3 itself would have notified), then `--keys PREFIX`, `--since TIME` and
 * `--sample PCT` (a deterministic share of keys, `sample.ts`). Listing pages through the bucket with
 * ListObjectsV2 and keeps only key, size, ETag and time of each object, so a bucket of 100,000
 * objects costs 100 list calls and a few megabytes.
 */
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { AwsSession } from '../../cloud/deploy/aws.js';
import { matchesKeyFilter, type S3KeyFilter } from '../../model/s3-notification.js';
import { inSample } from '../sample.js';

/** What a trigger picks from main's data (the contract's `BranchTriggerOptions` without the rest). */
export interface InputSelection {
  /** Percent of keys (0..100), chosen by key hash. */
  sample?: number;
  /** Only keys starting with this. */
  keys?: string;
  /** Only objects written at or after this time. */
  since?: Date;
}

/** One object of main's bucket. */
export interface ListedObject {
  key: string;
  size: number;
  /** ETag as S3 lists it (quoted). */
  eTag: string;
  lastModified?: Date;
}

/**
 * Whether any selection is given: without one, a trigger replays everything and deltas compare
 * whole buckets.
 */
export function selects(selection: InputSelection | undefined): boolean {
  return selection !== undefined && (selection.sample !== undefined || selection.keys !== undefined || selection.since !== undefined);
}

/**
 * Whether an object is in the selection (`--keys`, `--since`, `--sample`; each given one must hold).
 * @example chosen({ key: 'a.csv', size: 1, eTag: '"x"' }, { keys: 'b' }) // false
 */
export function chosen(object: ListedObject, selection: InputSelection | undefined): boolean {
  if (!selection) return true;
  if (selection.keys !== undefined && !object.key.startsWith(selection.keys)) return false;
  if (selection.since !== undefined && (object.lastModified === undefined || object.lastModified < selection.since)) return false;
  if (selection.sample !== undefined && !inSample(object.key, selection.sample)) return false;
  return true;
}

/**
 * Main's objects in `bucket` (a physical name) that S3 would notify through any of `filters`, split
 * into those the selection picks and how many it leaves out.
 * @example const { picked, skipped } = await selectObjects(aws, 'shop-dev-raw', [{}], { sample: 1 });
 */
export async function selectObjects(aws: AwsSession, bucket: string, filters: readonly (S3KeyFilter | undefined)[], selection: InputSelection | undefined): Promise<{ picked: ListedObject[]; skipped: number }> {
  const picked: ListedObject[] = [];
  let skipped = 0;
  const commonPrefix = filters.every((f) => f?.prefix && !/[%+]/.test(f.prefix)) && filters.length === 1 ? filters[0]!.prefix : undefined;
  await aws.call(`listing the objects of main's bucket '${bucket}'`, async () => {
    for await (const page of paginateListObjectsV2({ client: aws.s3 }, { Bucket: bucket, ...(commonPrefix ? { Prefix: commonPrefix } : {}) })) {
      for (const o of page.Contents ?? []) {
        const object: ListedObject = { key: o.Key!, size: o.Size ?? 0, eTag: o.ETag ?? '', ...(o.LastModified ? { lastModified: o.LastModified } : {}) };
        if (!filters.some((f) => matchesKeyFilter(f, object.key))) continue;
        if (chosen(object, selection)) picked.push(object);
        else skipped++;
      }
    }
  });
  return { picked, skipped };
}
