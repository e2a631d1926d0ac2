/**
 * Both sides of one branched bucket for `deltas`, downloaded to a local folder: each object streamed
 * from S3 to its own file (memory stays bounded by the number of downloads in flight, whatever the
 * object sizes), `main/` and `branch/` apart. With a selection (`--sample`, `--keys`, `--since`), both
 * sides keep only objects whose lineage reaches a main input object the same selection replays, so the
 * comparison is like for like: each object's `ingestion-id` is walked through the branch's lineage
 * table and main's (a branch's first step names main's object as its parent) to the step that read
 * one of the branch's input buckets. An object with no lineage is left out of a selected comparison.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as streamPipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { Bucket } from '../../model/bucket.js';
import { INGESTION_ID_METADATA, walkLineageAsync } from '../../envelope/lineage.js';
import type { IngestionStep } from '../../envelope/ingestion-step.js';
import type { AwsStage } from '../../stage/aws/stage.js';
import type { BranchPlan } from '../plan.js';
import type { BucketSides, DeltaObject } from '../backend.js';
import { selects, selectObjects, type InputSelection } from './select.js';
import { replaySources } from './replay.js';

/** An object listed in one side's bucket. */
interface Listed {
  key: string;
  size: number;
  etag?: string;
}

/**
 * Download both sides of `bucket` into `dir` (`dir/main/<key>`, `dir/branch/<key>`).
 * @example const sides = await downloadSides(plan, main, branch, 'silver', '/tmp/deltas', { sample: 10 }, 8);
 */
export async function downloadSides(plan: BranchPlan, main: AwsStage, branch: AwsStage, bucket: string, dir: string, selection: InputSelection | undefined, concurrency: number): Promise<BucketSides> {
  const node = branch.pipeline.node(bucket) as Bucket;
  let mainObjects = await listObjects(main, main.physical(node, 'Bucket'));
  let branchObjects = await listObjects(branch, branch.physical(node, 'Bucket'));
  if (selects(selection)) {
    const roots = await selectedRoots(plan, main, selection!);
    const steps = new Map<string, IngestionStep | undefined>();
    const step = async (id: string) => {
      // Ids are UUIDs: a step is in the branch's table or main's. A stage with no lineage table holds none.
      if (!steps.has(id)) steps.set(id, (await branch.ingestionStep(id).catch(() => undefined)) ?? (await main.ingestionStep(id).catch(() => undefined)));
      return steps.get(id);
    };
    const reaches = async (stage: AwsStage, key: string) => {
      const id = (await headMetadata(stage, stage.physical(node, 'Bucket'), key))?.[INGESTION_ID_METADATA];
      if (!id) return false;
      const lineage = await walkLineageAsync(bucket, key, id, step);
      return lineage.steps.some((s) => s.inputs.some((i) => i.kind === 'object' && roots.has(rootId(i.bucket, i.key))));
    };
    mainObjects = await filterLimited(mainObjects, concurrency, (o) => reaches(main, o.key));
    branchObjects = await filterLimited(branchObjects, concurrency, (o) => reaches(branch, o.key));
  }
  const props = node.props;
  return {
    bucket,
    main: await downloadAll(main, main.physical(node, 'Bucket'), mainObjects, join(dir, 'main'), concurrency),
    branch: await downloadAll(branch, branch.physical(node, 'Bucket'), branchObjects, join(dir, 'branch'), concurrency),
    ...(props.format ? { format: props.format } : {}),
    ...(props.keys ? { keys: [...props.keys] } : {}),
  };
}

/** The main input objects the selection replays, as `bucket\0key` (bucket by node name, as lineage records it). */
async function selectedRoots(plan: BranchPlan, main: AwsStage, selection: InputSelection): Promise<Set<string>> {
  const roots = new Set<string>();
  for (const { bucket, filters } of replaySources(plan, main.pipeline)) {
    const { picked } = await selectObjects(main.aws, main.physical(bucket, 'Bucket'), filters, selection);
    for (const o of picked) roots.add(rootId(bucket.name, o.key));
  }
  return roots;
}

function rootId(bucket: string, key: string): string {
  return `${bucket}\0${key}`;
}

async function listObjects(stage: AwsStage, bucket: string): Promise<Listed[]> {
  const found: Listed[] = [];
  await stage.aws.call(`listing the objects of bucket '${bucket}'`, async () => {
    for await (const page of paginateListObjectsV2({ client: stage.aws.s3 }, { Bucket: bucket })) {
      for (const o of page.Contents ?? []) {
        const etag = o.ETag?.replaceAll('"', '');
        // A multipart upload's ETag ("<md5>-<parts>") is no MD5 of the bytes: leave it out.
        found.push({ key: o.Key!, size: o.Size ?? 0, ...(etag && /^[0-9a-f]{32}$/.test(etag) ? { etag } : {}) });
      }
    }
  });
  return found;
}

async function headMetadata(stage: AwsStage, bucket: string, key: string): Promise<Record<string, string> | undefined> {
  return (await stage.aws.call(`reading the metadata of '${key}' in '${bucket}'`, () => stage.aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).Metadata;
}

/** Stream every object to `dir/<key>`, `concurrency` at a time. */
async function downloadAll(stage: AwsStage, bucket: string, objects: Listed[], dir: string, concurrency: number): Promise<DeltaObject[]> {
  const out: DeltaObject[] = new Array(objects.length);
  await mkdir(dir, { recursive: true });
  await forEachLimited(objects, concurrency, async (o, i) => {
    // One flat file per object, numbered: keys `a` and `a/b` cannot both be paths, and a key with
    // `..` segments must not leave the folder. The name keeps the key's last segment (its extension).
    const last = o.key.slice(o.key.lastIndexOf('/') + 1).replace(/[^\w.-]/g, '_').slice(-100);
    const path = join(dir, `${String(i).padStart(6, '0')}-${last || 'object'}`);
    const got = await stage.aws.call(`downloading '${o.key}' from '${bucket}'`, () => stage.aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.key })));
    await streamPipeline(got.Body as Readable, createWriteStream(path));
    out[i] = { key: o.key, path, size: o.size, ...(o.etag ? { etag: o.etag } : {}) };
  });
  return out;
}

async function forEachLimited<T>(items: T[], concurrency: number, each: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await each(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

async function filterLimited<T>(items: T[], concurrency: number, keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const kept = new Array<boolean>(items.length);
  await forEachLimited(items, concurrency, async (item, i) => void (kept[i] = await keep(item)));
  return items.filter((_, i) => kept[i]);
}
