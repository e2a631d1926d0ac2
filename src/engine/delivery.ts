/**
 * Delivery: what happens when an object lands, a message is sent or published. Everything here runs
 * inside the caller's transaction, so writing an object and enqueueing every delivery it causes
 * commit together or not at all.
 */
import { randomUUID } from 'node:crypto';
import { md5Hex } from './md5.js';
import { InputError } from '../model/errors.js';
import { matchesKeyFilter } from '../model/s3-notification.js';
import { objectCreatedEvent, sequencerFor } from '../model/s3-event.js';
import { matchesFilterPolicy } from '../model/filter-policy.js';
import { messageSize, toSnsAttributes } from '../runtime/attributes.js';
import type { Attributes } from '../runtime/types.js';
import { LOCAL_REGION, snsEvent, snsNotification } from './aws-events.js';
import { channel, type Topology } from './topology.js';
import type { EngineStore as Store } from './store/types.js';
import type { ObjectRecord } from './store/objects.js';

/** An object to store whose bytes are already in the blob store. */
export type ObjectWrite = Omit<ObjectRecord, 'lastModified' | 'sequencer'>;

/** A message to send or publish. */
export interface MessageSend {
  body: string;
  attributes: Attributes;
  subject?: string;
  delaySeconds?: number;
}

/** Counters delivery keeps for the run summary. */
export interface DeliveryCounters {
  /** Messages a subscription's filter policy dropped, by topic. */
  filtered: Map<string, number>;
}

// SNS-04: raw delivery to SQS supports at most 10 attributes; more is a client-side error and the
// message is discarded.
const RAW_DELIVERY_MAX_ATTRIBUTES = 10;

/** Performs deliveries against a store. */
export class Delivery {
  readonly counters: DeliveryCounters = { filtered: new Map() };
  /** Messages enqueued so far (queue sends and async invocations): a publish's deliveries are the difference. */
  enqueued = 0;
  constructor(
    private readonly store: Store,
    private readonly topology: Topology,
    /** Called when one subscription of a topic could not take a message. */
    private readonly onDeliveryFailure?: (topic: string, target: string, error: InputError) => void,
  ) {}

  /** Store an object and enqueue its notifications; returns the blob it replaced, if any. */
  putObject(o: ObjectWrite, now: number): string | undefined {
    const notifications = this.topology.buckets.get(o.bucket);
    if (!notifications) throw unknown('bucket', o.bucket, [...this.topology.buckets.keys()]);
    const { replacedBlob, sequencer } = this.store.objects.put({ ...o, lastModified: now });
    for (const n of notifications) {
      if ((n.prefix !== undefined || n.suffix !== undefined) && !matchesKeyFilter({ prefix: n.prefix, suffix: n.suffix }, o.key)) continue;
      const seqHex = sequencerFor(sequencer);
      const event = objectCreatedEvent({ bucket: o.bucket, key: o.key, size: o.size, eTag: o.eTag, sequencer: seqHex, requestId: seqHex.slice(-16), eventTime: new Date(now), configurationId: n.configurationId, region: LOCAL_REGION });
      if (n.kind === 'fn') this.invokeAsync(n.target, event, now);
      else if (n.kind === 'queue') this.sendToQueue(n.target, { body: JSON.stringify(event), attributes: {} }, now);
      else this.publish(n.target, { body: JSON.stringify(event), attributes: {}, subject: 'Amazon S3 Notification' }, now);
    }
    return replacedBlob;
  }

  /** Queue an async invocation of a function (S3, SNS and schedules invoke asynchronously, LA-10). */
  invokeAsync(fn: string, event: unknown, now: number): void {
    const f = this.topology.fns.get(fn)!;
    // Keep the event past its max age so dispatch can record it as EventAgeExceeded instead of
    // dropping it silently (LA-03).
    this.store.messages.send(channel.async(fn), { body: this.store.keepsPayloads ? '' : JSON.stringify(event), payload: event, retentionMs: f.props.maxEventAgeSeconds * 1000 + 86_400_000 }, now);
    this.enqueued++;
  }

  /** Send a message to a queue, checking its size limit (SQS-08) and applying delays (SQS-30). */
  sendToQueue(queue: string, m: MessageSend, now: number, id: string = randomUUID()): void {
    const props = this.topology.queues.get(queue);
    if (!props) throw unknown('queue', queue, [...this.topology.queues.keys()]);
    const size = messageSize(m.body, m.attributes);
    if (size > props.maxMessageSize) throw new InputError('SLUICE_E_MESSAGE_TOO_LARGE', `queue '${queue}': a message of ${size} bytes exceeds its ${props.maxMessageSize}-byte limit (SQS-08)`);
    if (m.body.length === 0) throw new InputError('SLUICE_E_MESSAGE_BODY', `queue '${queue}': a message body must have at least one character (SQS-07)`);
    if (Object.keys(m.attributes).length > 10) throw new InputError('SLUICE_E_MESSAGE_ATTRIBUTES', `queue '${queue}': a message can carry at most 10 attributes (given ${Object.keys(m.attributes).length}, SQS-06)`);
    const delaySeconds = m.delaySeconds ?? props.delaySeconds;
    if (delaySeconds < 0 || delaySeconds > 900) throw new InputError('SLUICE_E_MESSAGE_DELAY', `queue '${queue}': delaySeconds must be between 0 and 900 (given ${delaySeconds}, SQS-30)`);
    const attributes = Object.keys(m.attributes).length ? JSON.stringify(m.attributes) : null;
    this.store.messages.send(channel.queue(queue), { id, body: m.body, attributes, delayMs: delaySeconds * 1000, retentionMs: props.retentionSeconds * 1000 }, now);
    this.enqueued++;
  }

  /** Publish to a topic: each subscription whose filter policy matches gets it (FP-*, SNS-01..04). */
  publish(topic: string, m: MessageSend, now: number): string {
    const t = this.topology.topics.get(topic);
    if (!t) throw unknown('topic', topic, [...this.topology.topics.keys()]);
    const size = messageSize(m.body, m.attributes);
    if (size > t.maxMessageSize) throw new InputError('SLUICE_E_MESSAGE_TOO_LARGE', `topic '${topic}': a message of ${size} bytes exceeds its ${t.maxMessageSize}-byte limit (SNS-08)`);
    const id = randomUUID();
    const published = { id, body: m.body, attributes: m.attributes, subject: m.subject, timestamp: now };
    const snsAttributes = toSnsAttributes(m.attributes);
    for (const s of t.subscriptions) {
      if (s.filterPolicy && !matchesFilterPolicy(s.filterPolicy, { body: m.body, attributes: snsAttributes }, s.scope)) {
        this.counters.filtered.set(topic, (this.counters.filtered.get(topic) ?? 0) + 1);
        continue;
      }
      try {
        if (s.kind === 'fn') {
          this.invokeAsync(s.target, snsEvent(topic, s.target, published), now);
        } else if (s.raw) {
          if (Object.keys(m.attributes).length > RAW_DELIVERY_MAX_ATTRIBUTES) {
            throw new InputError('SLUICE_E_MESSAGE_ATTRIBUTES', `topic '${topic}' -> queue '${s.target}': raw delivery carries at most ${RAW_DELIVERY_MAX_ATTRIBUTES} attributes (given ${Object.keys(m.attributes).length}); SNS discards the message for this subscription (SNS-04)`);
          }
          this.sendToQueue(s.target, { body: m.body, attributes: m.attributes }, now, id);
        } else {
          this.sendToQueue(s.target, { body: JSON.stringify(snsNotification(topic, published)), attributes: {} }, now);
        }
      } catch (error) {
        // SNS-10: a subscription that cannot take the message (too large for the queue, too many
        // attributes) fails on its own; the publish and the other subscriptions are unaffected.
        if (!(error instanceof InputError)) throw error;
        this.onDeliveryFailure?.(topic, s.target, error);
      }
    }
    return id;
  }
}

/** S3's ETag of a single-part upload: the MD5 of the bytes, in hex. */
export function eTagOf(data: Uint8Array): string {
  return md5Hex(data);
}


function unknown(kind: string, name: string, known: string[]): InputError {
  return new InputError('SLUICE_E_UNKNOWN_NODE', `${kind} '${name}' is not in the pipeline${known.length ? ` (its ${kind}s: ${known.join(', ')})` : ` (it has no ${kind})`}; check the name`);
}
