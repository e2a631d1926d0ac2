/**
 * Which of main's upstream objects a branch replays, by the rules the local stage uses
 * (`local-run.ts`'s `picked`): every object of an input bucket that passes the edge's S3 key filter
 * (what S3 itself would have notified), whose *root key* (the key of the root input its lineage starts
 * at) is in `--sample PCT` and starts with `--keys PREFIX`, written at or after `--since TIME`. A bucket
 * no step writes holds root inputs itself, so its keys are their own root keys and nothing more is
 * read; otherwise each object's `ingestion-id` is walked through main's lineage table. Listing pages
 * through the bucket with ListObjectsV2 and keeps only key, size, ETag and time of each object, so a
 * root bucket of 100,000 objects costs 100 list calls and a few megabytes.
 */
import { HeadObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { AwsSession } from '../../cloud/deploy/aws.js';
import { INGESTION_ID_METADATA, walkLineageAsync } from '../../envelope/lineage.js';
import { matchesKeyFilter, type S3KeyFilter } from '../../model/s3-notification.js';
import type { AwsStage } from '../../stage/aws/stage.js';
import { isFiltered, picked } from '../local-run.js';

/** What a trigger picks from main's data (the contract's `BranchTriggerOptions` without the rest). */
export interface InputSelection {
  /** Percent of root keys (0..100), chosen by key hash. */
  sample?: number;
  /** Only root keys starting with this. */
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

/** An object's root key: its own for a root input, else from its lineage; undefined when it carries no lineage. */
export type RootKeyOf = (key: string) => Promise<string | undefined>;

/**
 * Main's objects in `bucket` (a physical name) that S3 would notify through any of `filters`, split
 * into those the selection picks and how many it leaves out. `rootKeyOf` is asked only when the
 * selection has a sample or a key prefix.
 * @example const { picked, skipped } = await selectObjects(aws, 'shop-dev-raw', [{}], { sample: 1 }, async (k) => k, 8);
 */
export async function selectObjects(aws: AwsSession, bucket: string, filters: readonly (S3KeyFilter | undefined)[], selection: InputSelection | undefined, rootKeyOf: RootKeyOf, concurrency: number): Promise<{ picked: ListedObject[]; skipped: number }> {
  const listed: ListedObject[] = [];
  const commonPrefix = filters.length === 1 && filters[0]?.prefix && !/[%+]/.test(filters[0].prefix) ? filters[0].prefix : undefined;
  await aws.call(`listing the objects of main's bucket '${bucket}'`, async () => {
    for await (const page of paginateListObjectsV2({ client: aws.s3 }, { Bucket: bucket, ...(commonPrefix ? { Prefix: commonPrefix } : {}) })) {
      for (const o of page.Contents ?? []) {
        const object: ListedObject = { key: o.Key!, size: o.Size ?? 0, eTag: o.ETag ?? '', ...(o.LastModified ? { lastModified: o.LastModified } : {}) };
        if (filters.some((f) => matchesKeyFilter(f, object.key))) listed.push(object);
      }
    }
  });
  if (!selection || !isFiltered(selection)) return { picked: listed, skipped: 0 };
  const byRoot = selection.sample !== undefined || selection.keys !== undefined;
  const keep = await mapLimited(listed, concurrency, async (o) => picked({ key: o.key, lastModified: o.lastModified?.getTime() ?? 0 }, byRoot ? (await rootKeyOf(o.key)) ?? o.key : o.key, selection));
  const chosen = listed.filter((_, i) => keep[i]);
  return { picked: chosen, skipped: listed.length - chosen.length };
}

/**
 * The root key of objects in one of a stage's buckets: for a bucket no step writes, the key itself;
 * otherwise the key of the oldest object input on its lineage (as local-run.ts's `rootKeyOf`), or
 * undefined when it carries no lineage (a job's output, an object put from outside).
 * @example const root = rootKeysIn(main, rows); await root('day-01.jsonl') // 'day-01.csv'
 */
export function rootKeysIn(stage: AwsStage, bucket: { name: string }, physical: string): RootKeyOf {
  const node = stage.pipeline.node(bucket.name);
  if (node && stage.pipeline.incoming(node).length === 0) return async (key) => key;
  return async (key) => {
    const head = await stage.aws.call(`reading the metadata of '${key}' in '${physical}'`, () => stage.aws.s3.send(new HeadObjectCommand({ Bucket: physical, Key: key })));
    const id = head.Metadata?.[INGESTION_ID_METADATA];
    if (!id) return undefined;
    // A stage with no lineage table (no step records lineage) has no steps to walk.
    const lineage = await walkLineageAsync(bucket.name, key, id, (i) => stage.ingestionStep(i).catch(() => undefined));
    let root = key;
    for (const step of lineage.steps) {
      const input = step.inputs.find((i) => i.kind === 'object');
      if (input && input.kind === 'object') root = input.key;
    }
    return root;
  };
}

/** `each` over `items`, `concurrency` at a time, results in order. */
export async function mapLimited<T, R>(items: readonly T[], concurrency: number, each: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await each(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}
