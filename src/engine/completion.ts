/**
 * What the engine does with a finished invocation, per source: acknowledge, retry with back-off, or
 * move to the dead-letter destination, and write the step's outputs. With the outputs of each record
 * that succeeded go, in the same transaction: its ingestion steps (lineage), its offloaded envelope
 * bodies (with one reference per message delivered), the release of the bodies it consumed, and its
 * completed idempotency keys. Runs inside the group commit's transaction.
 */
import type { RoutedOutput } from '../runtime/types.js';
import type { StoredMessage } from './store/messages.js';
import type { InvokeResult } from './invoker.js';
import { invocationRecord, type ErrorInfo } from './aws-events.js';
import { channel, DLQ_RETENTION_MS, type FnRuntime, type QueueSource } from './topology.js';
import type { Delivery } from './delivery.js';
import type { EngineStore as Store } from './store/types.js';
import { parseS3Path } from '../envelope/offload.js';

/** A finished invocation waiting for the group commit. */
export interface Completion {
  f: FnRuntime;
  /** undefined for the async channel. */
  source?: QueueSource;
  messages: StoredMessage[];
  event: unknown;
  requestId: string;
  result: InvokeResult;
  /** Blob ids of object outputs, written before the transaction, in output order. */
  blobs: Array<{ blob: string; eTag: string } | undefined>;
  /** Blob ids of offloaded envelope bodies written by this commit (removed if it rolls back). */
  payloadBlobs?: string[];
}

/** Per-node counters for the run summary. */
export interface NodeStats {
  invocations: number;
  successes: number;
  failures: number;
  retries: number;
  deadLettered: number;
  lastError?: ErrorInfo;
}

export const emptyStats = (): NodeStats => ({ invocations: 0, successes: 0, failures: 0, retries: 0, deadLettered: 0 });

// LA-02: about one minute before the first retry, two before the second.
const ASYNC_BACKOFF_MS = [60_000, 120_000];

/**
 * Which records of an SQS batch failed, from the handler's response (LSQS-07..09): a set of message
 * ids, or 'all' when the response is invalid and the whole batch counts as failed.
 */
export function failedBatchItems(response: unknown, batchIds: Set<string>): Set<string> | 'all' {
  if (response === null || response === undefined || typeof response !== 'object') return new Set();
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === null || list === undefined) return new Set();
  if (!Array.isArray(list)) return 'all';
  const failed = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

/** Apply one completion; returns the blobs to remove once it commits (replaced objects, consumed payloads). */
export function applyCompletion(c: Completion, store: Store, delivery: Delivery, stats: NodeStats, now: number, payloadBucket?: string): string[] {
  const replaced: string[] = [];
  const writeOutputs = (outputs: RoutedOutput[]) => {
    const payloads = new Map<string, { payload: NonNullable<Extract<RoutedOutput, { type: 'message' }>['payload']>; refs: number }>();
    outputs.forEach((out, i) => {
      if (out.type === 'object') {
        const b = c.blobs[i]!;
        const r = delivery.putObject({ bucket: out.bucket, key: out.key, blob: b.blob, size: out.body.byteLength, eTag: b.eTag, contentType: out.contentType, metadata: out.metadata }, now);
        if (r) replaced.push(r);
        return;
      }
      const before = delivery.enqueued;
      if (out.targetKind === 'queue') delivery.sendToQueue(out.to, out, now);
      else delivery.publish(out.to, out, now);
      if (out.payload) {
        const entry = payloads.get(out.payload.key) ?? { payload: out.payload, refs: 0 };
        entry.refs += delivery.enqueued - before;
        payloads.set(out.payload.key, entry);
      }
    });
    // An offloaded body is kept once, counting the messages that point at it (a topic's fan-out makes several).
    for (const { payload, refs } of payloads.values()) {
      if (refs === 0) continue;
      const blob = store.blobs.write(payload.body);
      (c.payloadBlobs ??= []).push(blob);
      store.payloads.put({ key: payload.key, blob, size: payload.body.byteLength, contentType: payload.contentType, ingestionId: payload.ingestionId, refs, createdAt: now });
    }
  };
  /** What an acknowledged record leaves besides its outputs: lineage, consumed payloads, idempotency. */
  const settleRecords = (acked: (recordId: string | undefined) => boolean) => {
    const r = c.result;
    for (const e of r.executions ?? []) {
      if (!e.lineage || !acked(e.recordId)) continue;
      if ('requestId' in e) {
        const { recordId: _record, lineage: _lineage, ...step } = e;
        store.lineage.record(step);
      } else if (e.stepJson) store.lineage.recordJson(e.ingestionId, e.artifactName, e.startedAt, e.stepJson);
    }
    for (const p of r.consumedPayloads ?? []) {
      if (!acked(p.recordId)) continue;
      // Only bodies in the payload bucket are released; a Pylon producer may point at a pipeline bucket's object.
      const where = parseS3Path(p.path);
      const blob = where && where.bucket === payloadBucket ? store.payloads.release(where.key) : undefined;
      if (blob) replaced.push(blob);
    }
    for (const k of r.completedKeys ?? []) {
      if (acked(k.recordId)) store.idempotency.complete(c.f.fn.name, k.key, k.ingestionId, now + k.ttlMs);
    }
  };
  const { result } = c;
  stats.invocations++;
  if (!c.source) {
    const m = c.messages[0]!;
    if (result.ok) {
      stats.successes++;
      store.messages.ack(m.seq, m.receipt!);
      writeOutputs(result.outputs);
      settleRecords(() => true);
      return replaced;
    }
    stats.failures++;
    stats.lastError = result.error;
    if (m.receiveCount <= c.f.props.retryAttempts) {
      stats.retries++;
      store.messages.retryAt(m.seq, m.receipt!, now + ASYNC_BACKOFF_MS[Math.min(m.receiveCount - 1, 1)]!);
    } else {
      moveToFailures(c, store, stats, now, 'RetriesExhausted', result.error);
    }
    return replaced;
  }
  // An SQS batch.
  const ids = new Set(c.messages.map((m) => m.id));
  const failed = result.ok ? failedBatchItems(result.response, ids) : 'all';
  if (failed === 'all') {
    // LSQS-06: the whole batch returns to the queue when its visibility timeout expires.
    stats.failures++;
    stats.lastError = result.error ?? { errorType: 'InvalidBatchResponse', errorMessage: `function '${c.f.fn.name}' returned an invalid batchItemFailures response (LSQS-09): ${JSON.stringify(result.response)?.slice(0, 200)}`, trace: [] };
    for (const m of c.messages) store.messages.noteError(m.seq, m.receipt!, stats.lastError);
    return replaced;
  }
  if (failed.size > 0) {
    stats.failures++;
    stats.lastError = result.failedRecords[0]?.error ?? { errorType: 'BatchItemFailure', errorMessage: `${failed.size} message(s) reported failed`, trace: [] };
  } else stats.successes++;
  for (const m of c.messages) {
    if (!failed.has(m.id)) {
      store.messages.ack(m.seq, m.receipt!);
      continue;
    }
    const error = result.failedRecords.find((f) => f.recordId === m.id)?.error
      ?? { errorType: 'BatchItemFailure', errorMessage: `function '${c.f.fn.name}' reported message ${m.id} in batchItemFailures`, trace: [] };
    store.messages.noteError(m.seq, m.receipt!, error);
  }
  writeOutputs(result.outputs);
  settleRecords((recordId) => recordId === undefined || !failed.has(recordId));
  return replaced;
}



/** Send an async event that ran out of retries or age to the function's failure destination (LA-06, LA-07). */
export function moveToFailures(c: Pick<Completion, 'f' | 'messages' | 'event' | 'requestId'>, store: Store, stats: NodeStats, now: number, condition: 'RetriesExhausted' | 'EventAgeExceeded', error?: ErrorInfo): void {
  const m = c.messages[0]!;
  const record = invocationRecord({ fn: c.f.fn.name, requestId: c.requestId, condition, attempts: m.receiveCount, event: c.event, error, time: now });
  store.messages.remove(m.seq);
  store.messages.send(channel.failures(c.f.fn.name), { body: JSON.stringify(record), retentionMs: DLQ_RETENTION_MS }, now);
  stats.deadLettered++;
}
