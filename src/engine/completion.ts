/**
 * What every finished invocation leaves, whatever fed it: the step's outputs written and delivered,
 * and, for each record that succeeded, its ingestion steps (lineage), its offloaded envelope bodies
 * (with one reference per message delivered), the release of the bodies it consumed, and its
 * completed idempotency keys. Each event source (kinds/fn.ts for async invokes, kinds/queue.ts for
 * event source mappings) decides which records succeeded and what happens to the rest. Runs inside
 * the group commit's transaction.
 */
import type { RoutedOutput } from '../runtime/types.js';
import type { StoredMessage } from './store/messages.js';
import type { InvokeResult } from './invoker.js';
import type { ErrorInfo } from './aws-events.js';
import type { Delivery } from './delivery.js';
import type { EngineStore as Store } from './store/types.js';
import type { DispatchRuntime, EventSource } from './kind.js';
import { parseS3Path } from '../envelope/offload.js';

/** A finished invocation waiting for the group commit. */
export interface Completion {
  /** The node that ran it. */
  rt: DispatchRuntime;
  /** The source that fed it, which applies its outcome. */
  source: EventSource;
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

/** What applying a completion may use. */
export interface CompletionContext {
  readonly store: Store;
  readonly delivery: Delivery;
  readonly now: number;
  /** The counters of the node that ran the invocation. */
  readonly stats: NodeStats;
  /** The bucket offloaded envelope bodies go to: only bodies there are released once consumed. */
  readonly payloadBucket: string | undefined;
  /** Blobs to remove once the transaction commits (replaced objects, consumed payloads). */
  readonly replaced: string[];
  /** The counters of another node (a queue's retries). */
  statsOf(node: string): NodeStats;
}

/** Apply one finished invocation through its source; counts it first. */
export function applyCompletion(c: Completion, ctx: CompletionContext): void {
  ctx.stats.invocations++;
  c.source.complete(c, ctx);
}

/** Write and deliver the step's outputs; offloaded bodies are kept once, with a reference per delivery. */
export function writeOutputs(c: Pick<Completion, 'rt' | 'blobs' | 'payloadBlobs'>, outputs: RoutedOutput[], ctx: CompletionContext): void {
  const { store, delivery, now } = ctx;
  const payloads = new Map<string, { payload: NonNullable<Extract<RoutedOutput, { type: 'message' }>['payload']>; refs: number }>();
  outputs.forEach((out, i) => {
    if (out.type === 'object') {
      const written = c.blobs[i]!;
      const replaced = delivery.putObject({ bucket: out.bucket, key: out.key, blob: written.blob, size: out.body.byteLength, eTag: written.eTag, contentType: out.contentType, metadata: out.metadata }, now);
      if (replaced) ctx.replaced.push(replaced);
      return;
    }
    const before = delivery.enqueued;
    // An email names the step that sent it (the outbox shows it); other messages carry no sender.
    delivery.send(out.to, out.targetKind === 'notify' ? { ...out, from: c.rt.node.name } : out, now);
    if (out.payload) {
      const entry = payloads.get(out.payload.key) ?? { payload: out.payload, refs: 0 };
      entry.refs += delivery.enqueued - before;
      payloads.set(out.payload.key, entry);
    }
  });
  // A topic's fan-out makes several messages point at one body: it is kept once, counting them.
  for (const { payload, refs } of payloads.values()) {
    if (refs === 0) continue;
    const blob = store.blobs.write(payload.body);
    (c.payloadBlobs ??= []).push(blob);
    store.payloads.put({ key: payload.key, blob, size: payload.body.byteLength, contentType: payload.contentType, ingestionId: payload.ingestionId, refs, createdAt: now });
  }
}

/**
 * What the records that were acknowledged leave besides their outputs: their ingestion steps, the
 * release of the offloaded bodies they consumed, and their completed idempotency keys.
 */
export function settleRecords(c: Pick<Completion, 'result' | 'rt'>, acknowledged: (recordId: string | undefined) => boolean, ctx: CompletionContext): void {
  const { store, now } = ctx;
  const r = c.result;
  for (const e of r.executions ?? []) {
    if (!e.lineage || !acknowledged(e.recordId)) continue;
    if ('requestId' in e) {
      const { recordId: _record, lineage: _lineage, ...step } = e;
      store.lineage.record(step);
    } else if (e.stepJson) store.lineage.recordJson(e.ingestionId, e.artifactName, e.startedAt, e.stepJson);
  }
  for (const p of r.consumedPayloads ?? []) {
    if (!acknowledged(p.recordId)) continue;
    // Only bodies in the payload bucket are released; a Pylon producer may point at a pipeline bucket's object.
    const where = parseS3Path(p.path);
    const blob = where && where.bucket === ctx.payloadBucket ? store.payloads.release(where.key) : undefined;
    if (blob) ctx.replaced.push(blob);
  }
  for (const k of r.completedKeys ?? []) {
    if (acknowledged(k.recordId)) store.idempotency.complete(c.rt.node.name, k.key, k.ingestionId, now + k.ttlMs);
  }
}
