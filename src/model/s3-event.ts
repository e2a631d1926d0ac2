/**
 * S3 event records as AWS sends them (docs/aws-semantics.md S3-01..S3-09): the ObjectCreated record and
 * payload, the s3:TestEvent, and sequencers that order events per key. Key encoding and filters are
 * in s3-notification.ts.
 */
import { OBJECT_CREATED_EVENT_NAMES, encodeEventKey } from './s3-notification.js';
import { InternalError } from './errors.js';

const utf8 = new TextEncoder();

/** The fields of one S3 event record (S3-01); `versionId` only exists for versioned buckets (S3-05). */
export interface S3EventRecord {
  /** `'2.1'` for ObjectCreated; compare the major version only (docs/aws-semantics.md "numbers that changed"). */
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  /** ISO-8601 with milliseconds and `Z`: `1970-01-01T00:00:00.000Z`. */
  eventTime: string;
  /** Without the `s3:` prefix: `ObjectCreated:Put` (S3-02). */
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: {
      /** The key form-urlencoded (S3-03); decode with {@link decodeEventKey}. */
      key: string;
      /** A JSON number (S3-04). */
      size: number;
      /** Unquoted hex (S3-04). */
      eTag: string;
      /** Present only for versioning-enabled buckets (S3-05). */
      versionId?: string;
      /** Orders events for the same key (S3-06); see {@link compareSequencers}. */
      sequencer: string;
    };
  };
}

/** Input of {@link objectCreatedRecord}. */
export interface ObjectCreatedInput {
  bucket: string;
  /** @default `arn:<partition of region>:s3:::<bucket>` */
  bucketArn?: string;
  /** The object key as stored (NOT encoded); the record carries it encoded. */
  key: string;
  /** Object size in bytes. */
  size: number;
  /** The ETag; surrounding quotes (as in the HTTP header) are removed. */
  eTag: string;
  /** Only for versioning-enabled buckets; leave undefined otherwise and the field is omitted. */
  versionId?: string;
  /** Hex sequencer, e.g. from {@link sequencerFor}. */
  sequencer: string;
  eventTime: Date;
  /** @default 'ObjectCreated:Put' (an `s3:` prefix is accepted and removed) */
  eventName?: string;
  configurationId: string;
  /** @default 'us-east-1' */
  region?: string;
  /** `x-amz-request-id`. @default 16 upper-case hex digits derived from bucket, key and sequencer */
  requestId?: string;
  /** `x-amz-id-2`. @default derived from the request id */
  hostId?: string;
  /** `userIdentity.principalId` (who made the request). @default 'AWS:SLUICELOCAL' */
  principalId?: string;
  /** `requestParameters.sourceIPAddress`. @default '127.0.0.1' */
  sourceIPAddress?: string;
  /** `s3.bucket.ownerIdentity.principalId`. @default 'SLUICELOCAL' */
  ownerPrincipalId?: string;
}

/** The one-off message S3 sends when a notification configuration is saved (S3-07). */
export interface S3TestEvent {
  Service: 'Amazon S3';
  Event: 's3:TestEvent';
  Time: string;
  Bucket: string;
  RequestId: string;
  HostId: string;
}

/** `eventVersion` of ObjectCreated/ObjectRemoved records as recorded against AWS in Jan 2025. */
export const S3_EVENT_VERSION = '2.1';

/** S3-08: the current documentation caps one notification at 64 KB. */
export const S3_MAX_NOTIFICATION_BYTES = 64 * 1024;

/** Width of generated sequencers: the 18 hex digits of the documented example `0055AED6DCD90281E5`. */
const SEQUENCER_DIGITS = 18;

/**
 * A sequencer for the `counter`-th event: upper-case hex, fixed width, so a later counter always
 * compares greater under the S3-06 rule (right-pad with zeros, then compare lexicographically).
 *
 * @param counter a non-negative safe integer that increases with every event.
 * @throws RangeError for a negative, fractional or unsafe counter.
 * @example
 * sequencerFor(1);   // '000000000000000001'
 * sequencerFor(255); // '0000000000000000FF'
 */
export function sequencerFor(counter: number): string {
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new InternalError(`sequencer counter must be a non-negative safe integer, got ${counter}`);
  }
  // Fixed width matters: consumers right-pad (S3-06), so a variable-width 'F' would pad to 'F0...'
  // and sort after '10'. Left-padding to a constant width keeps both padding rules correct.
  return counter.toString(16).toUpperCase().padStart(SEQUENCER_DIGITS, '0');
}

/**
 * Compare two sequencers of events on the SAME key, as S3-06 prescribes: right-pad the shorter
 * with `0`, then compare lexicographically (case-insensitively: hex). Negative if `a` is earlier,
 * positive if later, 0 if equal. Meaningless across different keys.
 *
 * @example
 * compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6'); // < 0
 * compareSequencers('0A', '0A00');                              // 0
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const x = a.toUpperCase().padEnd(width, '0');
  const y = b.toUpperCase().padEnd(width, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Records (S3-01..S3-08)
// ---------------------------------------------------------------------------------------------

/** FNV-1a 64-bit: a deterministic stand-in for ids that AWS generates randomly. */
function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of utf8.encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** The ARN partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The record's eventName for an ObjectCreated event: `s3:` removed (S3-02), concrete types only. */
function objectCreatedEventName(given: string | undefined): string {
  const name = (given ?? 'ObjectCreated:Put').replace(/^s3:/, '');
  if (!(OBJECT_CREATED_EVENT_NAMES as readonly string[]).includes(name)) {
    throw new InternalError(
      `eventName '${given}' is not an ObjectCreated event type; records carry one of ${OBJECT_CREATED_EVENT_NAMES.join(', ')} (the '*' form exists only in configurations)`,
    );
  }
  return name;
}

/**
 * One record of an S3 event notification for a created object, shaped exactly as AWS sends it
 * (S3-01..S3-05): `eventVersion` `'2.1'`, `eventName` without `s3:`, `eventTime` ISO-8601 with
 * milliseconds, key encoded, `size` a number, `eTag` unquoted, `versionId` omitted (not null) when
 * absent. Fields appear in AWS's order, so `JSON.stringify` matches a real message byte for byte
 * when the inputs do.
 *
 * @throws RangeError for a non-ObjectCreated eventName, a negative or fractional size, a non-hex
 *   sequencer or an invalid date.
 * @example
 * const record = objectCreatedRecord({
 *   bucket: 'raw', key: 'in/a b.csv', size: 12, eTag: '"0cc175b9c0f1b6a831c399e269772661"',
 *   sequencer: sequencerFor(1), eventTime: new Date(0), configurationId: 'toLoader',
 * });
 * // record.s3.object.key === 'in/a+b.csv', record.s3.object.eTag has no quotes
 */
export function objectCreatedRecord(input: ObjectCreatedInput): S3EventRecord & Record<string, unknown> {
  const eventName = objectCreatedEventName(input.eventName);
  if (!Number.isSafeInteger(input.size) || input.size < 0) {
    throw new InternalError(`size must be a non-negative integer number of bytes, got ${input.size}`);
  }
  if (!/^[0-9A-Fa-f]+$/.test(input.sequencer)) {
    throw new InternalError(`sequencer must be hex digits, got '${input.sequencer}'`);
  }
  const region = input.region ?? 'us-east-1';
  const requestId =
    input.requestId ??
    fnv1a64(`${input.bucket}\n${input.key}\n${input.sequencer}`).toString(16).toUpperCase().padStart(16, '0');
  // S3-04: eTag is the bare hex; the HTTP ETag header (what most callers have) is quoted.
  const eTag = input.eTag.replace(/^"(.*)"$/, '$1');
  const object: S3EventRecord['s3']['object'] = {
    key: encodeEventKey(input.key),
    size: input.size,
    eTag,
    // S3-05: unversioned buckets omit versionId entirely (AWS-validated), though the doc template
    // says null; a handler testing `'versionId' in object` must see the AWS answer.
    ...(input.versionId !== undefined ? { versionId: input.versionId } : {}),
    sequencer: input.sequencer,
  };
  return {
    eventVersion: S3_EVENT_VERSION,
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: input.eventTime.toISOString(),
    eventName,
    userIdentity: { principalId: input.principalId ?? 'AWS:SLUICELOCAL' },
    requestParameters: { sourceIPAddress: input.sourceIPAddress ?? '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': requestId,
      'x-amz-id-2': input.hostId ?? `sluice/local/${requestId}`,
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: input.configurationId,
      bucket: {
        name: input.bucket,
        ownerIdentity: { principalId: input.ownerPrincipalId ?? 'SLUICELOCAL' },
        arn: input.bucketArn ?? `arn:${partitionOf(region)}:s3:::${input.bucket}`,
      },
      object,
    },
  };
}

/**
 * The whole notification payload for one created object: `{ Records: [record] }` (S3-01). This is
 * the Lambda event, and the SQS/SNS message body as JSON (S3-09).
 *
 * @example
 * const body = JSON.stringify(objectCreatedEvent({
 *   bucket: 'raw', key: 'a.csv', size: 1, eTag: 'abc', sequencer: sequencerFor(7),
 *   eventTime: new Date(), configurationId: 'toQueue',
 * }));
 */
export function objectCreatedEvent(input: ObjectCreatedInput): { Records: Array<S3EventRecord & Record<string, unknown>> } {
  return { Records: [objectCreatedRecord(input)] };
}

/**
 * The one-off `s3:TestEvent` S3 sends to a destination when a notification configuration is saved
 * (S3-07). It has no `Records`, so handlers must tolerate it; see {@link isS3TestEvent}.
 *
 * @example
 * s3TestEvent({ bucket: 'raw', time: new Date(0), requestId: '5582815E1AEA5ADF' });
 * // { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '1970-01-01T00:00:00.000Z', Bucket: 'raw', ... }
 */
export function s3TestEvent(input: { bucket: string; time: Date; requestId?: string; hostId?: string }): S3TestEvent {
  const requestId =
    input.requestId ?? fnv1a64(`${input.bucket}\n${input.time.toISOString()}`).toString(16).toUpperCase().padStart(16, '0');
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: input.time.toISOString(),
    Bucket: input.bucket,
    RequestId: requestId,
    HostId: input.hostId ?? `sluice/local/${requestId}`,
  };
}

/**
 * Is a parsed notification payload the `s3:TestEvent` rather than a `{ Records }` event (S3-07)?
 *
 * @example
 * if (isS3TestEvent(JSON.parse(message.body))) return; // nothing to process
 */
export function isS3TestEvent(payload: unknown): payload is S3TestEvent {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    (payload as { Event?: unknown }).Event === 's3:TestEvent' &&
    !('Records' in payload)
  );
}
