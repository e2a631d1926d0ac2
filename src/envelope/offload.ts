/**
 * The offload rule: an envelope whose message would not fit the smallest size limit on its path is
 * sent with its body in the pipeline's payload bucket (`payloadType: 's3'`) and fetched back by the
 * consumer. The path is the queue or topic it is sent to and, for a topic, every queue its
 * subscriptions deliver to; a subscription without raw delivery wraps the message in SNS's
 * notification JSON, which escapes it and adds its own fields, so the wrapped size is what counts.
 */

/** The smallest limit a message meets on its way, and whether SNS wraps it on the way. */
export interface MessagePath {
  /** Bytes: the smallest MaximumMessageSize of the target and of every queue it delivers to. */
  limit: number;
  /** Whether a topic subscription on the path wraps the message (no raw delivery): it then grows. */
  wrapped: boolean;
}

/**
 * Bytes the SNS notification adds around a wrapped message besides the message itself: Type,
 * MessageId, TopicArn, Timestamp, signature fields and URLs (about 600 bytes in practice), with room
 * for long topic names and subjects.
 */
export const SNS_WRAP_OVERHEAD = 1024;

/**
 * The bytes a message occupies against the limits on its path: body plus attributes (SQS-08, SNS-08)
 * or, wrapped, the notification around it (SNS-01) with the body escaped as a JSON string and the
 * attributes as `{ Type, Value }` JSON.
 */
export function sizeOnPath(text: string, attributesBytes: number, wrapped: boolean): number {
  const raw = Buffer.byteLength(text) + attributesBytes;
  if (!wrapped) return raw;
  return Buffer.byteLength(JSON.stringify(text)) + 2 * attributesBytes + SNS_WRAP_OVERHEAD;
}

/** Whether a message must go with its body offloaded; cheap for small messages (no escaping measured). */
export function mustOffload(text: string, attributesBytes: number, path: MessagePath): boolean {
  const raw = Buffer.byteLength(text) + attributesBytes;
  if (raw > path.limit) return true;
  if (!path.wrapped) return false;
  // Escaping at most sextuples a character (\u0000); below that bound there is no need to measure.
  if (raw * 6 + attributesBytes + SNS_WRAP_OVERHEAD <= path.limit) return false;
  return sizeOnPath(text, attributesBytes, true) > path.limit;
}

/** `s3://bucket/key` of an offloaded payload. */
export function s3Path(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Bucket and key of `s3://bucket/key`, or undefined when it is not such a path. */
export function parseS3Path(path: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(path);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

/**
 * The key of an offloaded payload: one folder per producing step and execution, so a payload is found
 * from the ingestion step that wrote it. `index` numbers the envelopes of one execution.
 */
export function payloadKey(node: string, ingestionId: string, index: number): string {
  return `payloads/${node}/${ingestionId}/${index}`;
}

/**
 * The name of the payload bucket: `<pipeline>-<stage>-sluice-payloads`, on AWS the bucket the stack
 * creates (with a lifecycle rule expiring payloads), locally a store of the engine's own.
 */
export function payloadBucketName(pipeline: string, stage: string): string {
  return `${pipeline}-${stage}-sluice-payloads`.toLowerCase();
}
