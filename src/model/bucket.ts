/**
 * `bucket`: a store of objects. Locally files plus metadata in SQLite; on AWS an S3 bucket.
 * Objects landing in it notify functions, queues and topics (S3 event notifications).
 */
import type { ExpectedObjects } from './expected.js';
import { Node } from './node.js';
import type { KindDefinition } from './kind.js';
import type { Problem } from './errors.js';

/** A tabular object format a bucket may declare (its objects' rows are compared by `sluice branch deltas`). */
export type BucketFormat = 'csv' | 'jsonl' | 'json' | 'parquet';

/** The formats a bucket may declare. */
export const BUCKET_FORMATS: readonly BucketFormat[] = ['csv', 'jsonl', 'json', 'parquet'];

/** Props of a bucket. */
export interface BucketProps {
  /** Keep every version of every object. @default false */
  versioned?: boolean;
  /** What lands in it from outside the pipeline each month, for `sluice cost`. @default nothing */
  expected?: ExpectedObjects;
  /**
   * The format of its tabular objects, for deltas and previews; a key's extension (`.csv`, `.jsonl` or
   * `.ndjson`, `.json`, `.parquet`) wins over it. @default from each key's extension
   */
  format?: BucketFormat;
  /** The columns that identify one row of its tabular objects (unique keys), for row-level deltas. @default none: rows are compared as a whole */
  keys?: string[];
}

/** A bucket node. */
export class Bucket extends Node<'bucket', BucketProps> {
  /** Its tabular facts (`format`, `keys`): nothing AWS limits, but they must be readable as declared. */
  problems(): Problem[] {
    const problems: Problem[] = this.existingName === undefined ? [] : existingProblems(this);
    const { format, keys } = this.props;
    if (format !== undefined && !BUCKET_FORMATS.includes(format)) {
      problems.push({ code: 'SLUICE_E_BUCKET_FORMAT', node: this.name, field: 'format', given: format, message: `${this}: format must be one of ${BUCKET_FORMATS.map((f) => `'${f}'`).join(', ')} (given ${JSON.stringify(format)}); leave it out to go by each key's extension` });
    }
    if (keys !== undefined) {
      const valid = Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof k === 'string' && k.trim() !== '');
      const dupes = valid ? keys.filter((k, i) => keys.indexOf(k) !== i) : [];
      if (!valid || dupes.length > 0) {
        problems.push({ code: 'SLUICE_E_BUCKET_KEYS', node: this.name, field: 'keys', given: keys, message: `${this}: keys must be a non-empty list of distinct column names (given ${JSON.stringify(keys)}); e.g. keys: ['order_id']` });
      }
    }
    return problems;
  }

  readonly kind = 'bucket' as const;

  /**
   * The name of the S3 bucket this node stands for when it already exists (`bucket.existing(name)`):
   * the stack never creates, changes or deletes it, and triggers through S3's EventBridge events.
   */
  existingName: string | undefined;
}

// S3's rules for bucket names (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The problems of an existing bucket's name. */
function existingProblems(node: Bucket): Problem[] {
  const name = node.existingName!;
  if (typeof name === 'string' && S3_BUCKET_NAME.test(name) && !name.includes('..')) return [];
  return [{ code: 'SLUICE_E_EXISTING_BUCKET_NAME', node: node.name, field: 'name', given: name, message: `${node}: bucket.existing() takes the name of an S3 bucket, 3 to 63 lower-case letters, digits, dots and hyphens (given ${JSON.stringify(name)})` }];
}

/** Props of an existing bucket. */
export interface ExistingBucketProps {
  /**
   * The node's name in the pipeline (what `sluice put` and `ls` call it). @default the bucket's name,
   * when it is a valid node name (40 characters at most, no dots)
   */
  node?: string;
}

/**
 * Declare a bucket.
 * @example const raw = bucket('raw');
 * @example const silver = bucket('silver', { format: 'parquet', keys: ['order_id'] });
 */
export function bucket(name: string, props: BucketProps = {}): Bucket {
  return new Bucket(name, props);
}

/**
 * A bucket that already exists, outside the pipeline's stack: a source (or destination) the stack never
 * creates, changes or deletes. Files landing in it trigger functions through S3's EventBridge events
 * and a rule in the pipeline's stack (deploy checks the bucket sends them); locally it is an ordinary
 * bucket.
 * @example const incoming = bucket.existing('acme-instrument-drop');
 */
bucket.existing = function existing(name: string, props: ExistingBucketProps = {}): Bucket {
  const node = new Bucket(props.node ?? name, {});
  node.existingName = name;
  return node;
};

const notification = ['prefix', 'suffix'] as const;

export const bucketKind = {
  kind: 'bucket',
  noun: { one: 'bucket', many: 'buckets' },
  outgoing: {
    fn: { meaning: 'S3 ObjectCreated event, async invoke with retries', grant: { on: 'from', use: 'read' }, options: notification, invokes: 'async' },
    queue: { meaning: 'S3 ObjectCreated event sent to the queue', options: notification, delivery: { service: 's3', into: 'Queue' } },
    topic: { meaning: 'S3 ObjectCreated event published to the topic', options: notification, delivery: { service: 's3', into: 'Topic' } },
    // Not an event: the job lists and reads the stage when its flow runs it.
    job: { meaning: 'the job reads the stage when its flow runs it', grant: { on: 'from', use: 'readStage' }, options: [], stage: true },
    glueJob: { meaning: 'the Glue job reads the stage when its flow runs it', grant: { on: 'from', use: 'readStage' }, options: [], stage: true },
  },
  instead: {
    bucket: 'put a function between them that copies the objects: a.to(fn(...)).to(b)',
    table: 'give a function fn.writes(table) and trigger it from the bucket',
    schedule: 'a schedule triggers a function; it cannot be the target of an edge',
    flow: "a flow's jobs read the bucket: bucket.to(job), with the job in flow(name, [job])",
  },
  permissions: {
    read: ['s3:GetObject'],
    // ListBucket applies to the bucket, GetObject to its objects: synth gives each its resource.
    readStage: ['s3:ListBucket', 's3:GetObject'],
    write: ['s3:PutObject'],
  },
  // S3 bucket names: lower case, digits, hyphens; the pipeline and stage are added to the physical name.
  name: { pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, description: 'lower-case letters, digits and hyphens, starting and ending with a letter or digit', maxLength: 40 },
  parts: {
    Bucket: { type: 'AWS::S3::Bucket', name: '{name}', physicalId: 'name', arn: { service: 's3', regional: false, resource: '{name}' } },
    BucketPolicy: { type: 'AWS::S3::BucketPolicy' },
  },
  deadLetters: null,
  data: { ops: ['objects'], hint: 'put a file into it with: sluice put {name} FILE' },
  binding: { part: 'Bucket', fields: ['keyPrefix'] },
} as const satisfies KindDefinition<Bucket>;
