/**
 * Both sides of one branched bucket for `deltas`, downloaded to a local folder: each object streamed
 * from S3 to its own file (memory stays bounded by the number of downloads in flight, whatever the
 * object sizes), `main/` and `branch/` apart. With `--sample` or `--keys`, main's side keeps only the
 * outputs whose root key (walked through main's lineage table, as `select.ts` does for the replay) is
 * in the same selection, so the comparison is like for like, by the rule both stages share
 * (`comparison.ts`); the branch holds only what its replay made. An output with no lineage (a job's)
 * is compared whole and counted (`notSampled`), so the report flags it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as streamPipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { Bucket } from '../../model/bucket.js';
import type { AwsStage } from '../../stage/aws/stage.js';
import type { BucketSides, DeltaObject } from '../backend.js';
import { comparisonRestriction, mainSideVerdict } from '../comparison.js';
import { mapLimited, rootKeysIn, type InputSelection } from './select.js';

/** An object listed in one side's bucket. */
interface Listed {
  key: string;
  size: number;
  etag?: string;
}

/**
 * Download both sides of `bucket` into `dir` (`dir/main/`, `dir/branch/`, one numbered file per object).
 * @example const sides = await downloadSides(main, branch, 'silver', '/tmp/deltas', { sample: 10 }, 8);
 */
export async function downloadSides(main: AwsStage, branch: AwsStage, bucket: string, dir: string, selection: InputSelection | undefined, concurrency: number): Promise<BucketSides> {
  const node = branch.pipeline.node(bucket) as Bucket;
  const mainBucket = main.physical(node, 'Bucket');
  let mainObjects = await listObjects(main, mainBucket);
  const branchObjects = await listObjects(branch, branch.physical(node, 'Bucket'));
  // One rule with the local backend (comparison.ts): main's outputs whose roots are in the sample;
  // those without lineage whole, counted. `since` picks replayed inputs by time only.
  const restriction = comparisonRestriction(selection);
  let notSampled = 0;
  if (restriction) {
    const rootKeyOf = rootKeysIn(main, node, mainBucket);
    const verdicts = await mapLimited(mainObjects, concurrency, async (o) => mainSideVerdict(await rootKeyOf(o.key), restriction));
    notSampled = verdicts.filter((v) => v === 'not-sampled').length;
    mainObjects = mainObjects.filter((_, i) => verdicts[i] !== 'out');
  }
  const props = node.props;
  return {
    bucket,
    main: await downloadAll(main, main.physical(node, 'Bucket'), mainObjects, join(dir, 'main'), concurrency),
    branch: await downloadAll(branch, branch.physical(node, 'Bucket'), branchObjects, join(dir, 'branch'), concurrency),
    ...(notSampled ? { notSampled } : {}),
    ...(props.format ? { format: props.format } : {}),
    ...(props.keys ? { keys: [...props.keys] } : {}),
  };
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

/** Stream every object to `dir/<key>`, `concurrency` at a time. */
async function downloadAll(stage: AwsStage, bucket: string, objects: Listed[], dir: string, concurrency: number): Promise<DeltaObject[]> {
  const out: DeltaObject[] = new Array(objects.length);
  await mkdir(dir, { recursive: true });
  await mapLimited(objects, concurrency, async (o, i) => {
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

