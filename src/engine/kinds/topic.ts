/**
 * `topic` on the local engine: a publish goes to every subscription whose filter policy matches
 * (FP-*), each delivered by its target's kind (SNS-01..04); one subscription that cannot take the
 * message fails alone (SNS-10). Buckets publish S3 events with SNS's own subject.
 */
import { randomUUID } from 'node:crypto';
import { InputError } from '../../model/errors.js';
import type { FilterPolicyScope } from '../../model/filter-policy.js';
import { matchesFilterPolicy } from '../../model/filter-policy.js';
import type { Topic } from '../../model/topic.js';
import { attributeProblem, messageSize, toSnsAttributes } from '../../runtime/attributes.js';
import type { DeliveryContext, KindEngine, RuntimeBase } from '../kind.js';
import type { MessageSend } from '../delivery.js';
import { unexpectedNotice } from './unexpected.js';

/** A topic subscription. */
export interface Subscription {
  target: string;
  filterPolicy?: Record<string, unknown>;
  scope: FilterPolicyScope;
  raw: boolean;
}

/** A topic as the engine runs it. */
export interface TopicRuntime extends RuntimeBase<Topic> {
  readonly maxMessageSize: number;
  readonly subscriptions: Subscription[];
}

export const topicEngine: KindEngine<Topic, TopicRuntime> = {
  runtime: (node) => ({ node, maxMessageSize: node.maxMessageSize, subscriptions: [] }),

  connect(from, edge) {
    const o = edge.options;
    from.subscriptions.push({ target: edge.to.name, filterPolicy: o.filterPolicy, scope: o.filterPolicyScope ?? 'MessageAttributes', raw: o.rawMessageDelivery ?? false });
  },

  receive(rt, notice, ctx) {
    if (notice.type === 'message') publish(rt, notice.message, ctx, notice.id);
    else if (notice.type === 's3') publish(rt, { body: JSON.stringify(notice.event), attributes: {}, subject: 'Amazon S3 Notification' }, ctx);
    else throw unexpectedNotice(rt, notice);
    return undefined;
  },

  tick: null,
  nextDue: null,
  dispatch: null,
  deadLetters: null,
  watch: null,
  counts: null,
};

/** Publish to a topic: each subscription whose filter policy matches gets it. */
function publish(rt: TopicRuntime, m: MessageSend, { delivery, now }: DeliveryContext, id: string = randomUUID()): void {
  const topic = rt.node.name;
  const size = messageSize(m.body, m.attributes);
  if (size > rt.maxMessageSize) throw new InputError('SLUICE_E_MESSAGE_TOO_LARGE', `topic '${topic}': a message of ${size} bytes exceeds its ${rt.maxMessageSize}-byte limit (SNS-08)`, { node: topic, given: size, expected: `at most ${rt.maxMessageSize} bytes` });
  for (const [name, value] of Object.entries(m.attributes)) {
    const problem = attributeProblem(name, value);
    if (problem) throw new InputError('SLUICE_E_MESSAGE_ATTRIBUTES', `topic '${topic}': ${problem} (SQS-09)`, { node: topic, field: name });
  }
  const message = { id, body: m.body, attributes: m.attributes, subject: m.subject, timestamp: now };
  const snsAttributes = toSnsAttributes(m.attributes);
  for (const s of rt.subscriptions) {
    if (s.filterPolicy && !matchesFilterPolicy(s.filterPolicy, { body: m.body, attributes: snsAttributes }, s.scope)) {
      delivery.counters.filtered.set(topic, (delivery.counters.filtered.get(topic) ?? 0) + 1);
      continue;
    }
    try {
      delivery.deliver(s.target, { type: 'sns', topic, message, raw: s.raw }, now);
    } catch (error) {
      // SNS-10: a subscription that cannot take the message (too large for the queue, too many
      // attributes) fails on its own; the publish and the other subscriptions are unaffected.
      if (!(error instanceof InputError)) throw error;
      delivery.onDeliveryFailure?.(topic, s.target, error);
    }
  }
}
