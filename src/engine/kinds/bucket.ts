/**
 * `bucket` on the local engine: storing an object and sending S3's ObjectCreated event to every
 * notification whose prefix and suffix filters match (S3-11), in the same transaction.
 */
import { carriesEvents } from '../../model/edges.js';
import type { Bucket } from '../../model/bucket.js';
import { matchesKeyFilter } from '../../model/s3-notification.js';
import { objectCreatedEvent, sequencerFor } from '../../model/s3-event.js';
import { LOCAL_REGION } from '../aws-events.js';
import type { KindEngine, RuntimeBase } from '../kind.js';
import { unexpectedNotice } from './unexpected.js';

/** Where a bucket's ObjectCreated events go. */
export interface Notification {
  target: string;
  prefix?: string;
  suffix?: string;
  /** The notification configuration's id, as S3 puts it in the event (`configurationId`). */
  configurationId: string;
}

/** A bucket as the engine runs it. */
export interface BucketRuntime extends RuntimeBase<Bucket> {
  readonly notifications: Notification[];
}

export const bucketEngine: KindEngine<Bucket, BucketRuntime> = {
  runtime: (node) => ({ node, notifications: [] }),

  connect(from, edge) {
    if (!carriesEvents(edge)) return;
    const o = edge.options;
    from.notifications.push({ target: edge.to.name, prefix: o.prefix, suffix: o.suffix, configurationId: `${from.node.name}-to-${edge.to.name}` });
  },

  receive(rt, notice, { store, delivery, now }) {
    if (notice.type !== 'object') throw unexpectedNotice(rt, notice);
    const o = notice.object;
    const { replacedBlob, sequencer } = store.objects.put({ ...o, lastModified: now });
    for (const n of rt.notifications) {
      if ((n.prefix !== undefined || n.suffix !== undefined) && !matchesKeyFilter({ prefix: n.prefix, suffix: n.suffix }, o.key)) continue;
      const seqHex = sequencerFor(sequencer);
      const event = objectCreatedEvent({ bucket: o.bucket, key: o.key, size: o.size, eTag: o.eTag, sequencer: seqHex, requestId: seqHex.slice(-16), eventTime: new Date(now), configurationId: n.configurationId, region: LOCAL_REGION });
      delivery.deliver(n.target, { type: 's3', event }, now);
    }
    return replacedBlob;
  },

  tick: null,
  nextDue: null,
  dispatch: null,
  deadLetters: null,
  watch: null,
  counts: (rt, store) => ({ objects: store.objects.count(rt.node.name) }),
};
