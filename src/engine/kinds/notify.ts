/**
 * `notify` on the local engine: an outbox in the state. A step's `ctx.notify()` or a flow's outcome
 * delivered to it is rendered as one email, as SNS sends one per publish to each subscribed address.
 * At each engine turn it also looks at the dead-letter
 * queues it watches; one going from empty to holding messages is a transition into ALARM, which renders
 * one email into the outbox (as a CloudWatch alarm notifies once per transition, not per message); the
 * queue emptied again (redriven, purged) is back to OK, and the next dead letter alarms again.
 */
import type { Notify } from '../../model/notify.js';
import type { AnyNode } from '../../model/node.js';
import type { Pipeline } from '../../model/pipeline.js';
import { hasDeadLetters } from '../../model/notify-watches.js';
import type { EngineStore } from '../store/types.js';
import type { KeySchema } from '../store/items.js';
import type { KindEngine, RuntimeBase } from '../kind.js';
import { queueChannels } from './queue.js';
import { fnChannels } from './fn.js';
import { unexpectedNotice } from './unexpected.js';

/** One email in the outbox: what would have been sent, and why. */
export interface OutboxEmail {
  /** Unique and in sending order. */
  id: string;
  /** The notify node that sent it. */
  notify: string;
  /** When, ISO 8601 (the engine clock). */
  at: string;
  to: string[];
  subject: string;
  text: string;
  /**
   * What caused it: a watched dead-letter queue going into ALARM, or a message a step or a flow sent
   * (`node` names it; absent when something else published, such as `sluice send`).
   */
  cause: { type: 'alarm'; node: string; kind: string; deadLetters: number } | { type: 'message'; node?: string };
}

/**
 * The subject SNS gives an email published without one (docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html:
 * "AWS Notification Message" unless the publisher sets Subject).
 */
export const DEFAULT_EMAIL_SUBJECT = 'AWS Notification Message';

/** How many emails of one notify node the outbox reads at most (it is a test's and a person's record, not a mail store). */
const OUTBOX_LIMIT = 100_000;

/** One watched dead-letter queue as the engine runs it. */
interface Watch {
  node: AnyNode;
  channel: string;
}

/** A notify node as the engine runs it. */
export interface NotifyRuntime extends RuntimeBase<Notify> {
  readonly pipeline: string;
  readonly watches: Watch[];
}

/** The outbox and alarm states of notify nodes, kept as items in reserved tables (node names hold no ':'). */
export const notifyTables = {
  outbox: (name: string): KeySchema => ({ table: `outbox:${name}`, partitionKey: { name: 'id', type: 'S' } }),
  alarms: (name: string): KeySchema => ({ table: `alarm:${name}`, partitionKey: { name: 'node', type: 'S' } }),
  /** How many emails the outbox holds, kept as it grows (item `{ id: 'emails', count }`). */
  sent: (name: string): KeySchema => ({ table: `sent:${name}`, partitionKey: { name: 'id', type: 'S' } }),
};

/**
 * How many emails a notify node's outbox holds: the kept count, read in one get (status asks at every
 * console refresh); a state written before the count was kept is counted once from the outbox.
 */
function emailCount(store: EngineStore, name: string): number {
  const kept = store.items.get(notifyTables.sent(name), { id: 'emails' })?.count;
  return typeof kept === 'number' ? kept : store.items.scan(notifyTables.outbox(name), OUTBOX_LIMIT).length;
}

/** The emails a notify node would have sent, oldest first (all of them when `name` is undefined). */
export function readOutbox(store: EngineStore, pipe: Pipeline, name?: string, limit = 10_000): OutboxEmail[] {
  const nodes = pipe.nodesOf('notify').filter((n) => name === undefined || n.name === name);
  const emails = nodes.flatMap((n) => store.items.scan(notifyTables.outbox(n.name), limit) as unknown as OutboxEmail[]);
  return emails.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The channel holding a watched node's dead letters. */
function deadLetterChannel(node: AnyNode): string {
  return node.kind === 'queue' ? queueChannels.deadLetters(node.name) : fnChannels.failures(node.name);
}

export const notifyEngine: KindEngine<Notify, NotifyRuntime> = {
  runtime: (node, pipe) => ({
    node,
    pipeline: pipe.name,
    watches: node.watches.filter((w) => pipe.nodes.get(w.name) === w && hasDeadLetters(pipe, w)).map((w) => ({ node: w, channel: deadLetterChannel(w) })),
  }),
  connect: null,
  receive(rt, notice, { store, now }) {
    if (notice.type !== 'message') throw unexpectedNotice(rt, notice);
    const m = notice.message;
    addEmail(rt, store, now, { subject: m.subject ?? DEFAULT_EMAIL_SUBJECT, text: m.body, cause: { type: 'message', ...(m.from ? { node: m.from } : {}) } });
    return undefined;
  },

  tick: null,
  nextDue: null,
  dispatch: null,
  deadLetters: null,

  watch(rt, { store, now }) {
    const alarms = notifyTables.alarms(rt.node.name);
    for (const w of rt.watches) {
      const visible = store.messages.counts(w.channel, now).visible;
      const state = (store.items.get(alarms, { node: w.node.name })?.state as string | undefined) ?? 'OK';
      const next = visible > 0 ? 'ALARM' : 'OK';
      if (next === state) continue;
      store.items.put(alarms, { node: w.node.name, state: next, since: now });
      if (next === 'ALARM') sendAlarm(rt, store, now, w.node, visible);
    }
  },

  // The outbox's size, so `sluice status` shows that emails wait to be read with `sluice outbox`.
  counts: (rt, store) => ({ emails: emailCount(store, rt.node.name) }),
};

/** Put one email into a notify node's outbox, addressed to its recipients, stamped with the engine clock. */
function addEmail(rt: NotifyRuntime, store: EngineStore, now: number, email: Pick<OutboxEmail, 'subject' | 'text' | 'cause'>): void {
  const held = emailCount(store, rt.node.name);
  // Sortable: the clock, then how many the outbox held (two emails in one millisecond keep their order).
  const id = `${String(now).padStart(15, '0')}-${String(held).padStart(6, '0')}`;
  const full: OutboxEmail = { id, notify: rt.node.name, at: new Date(now).toISOString(), to: [...rt.node.emails], ...email };
  store.items.put(notifyTables.outbox(rt.node.name), full as unknown as Record<string, unknown>);
  store.items.put(notifyTables.sent(rt.node.name), { id: 'emails', count: held + 1 });
}

/** Render the alarm's email into the outbox. */
function sendAlarm(rt: NotifyRuntime, store: EngineStore, now: number, node: AnyNode, visible: number): void {
  const at = new Date(now).toISOString();
  const what = node.kind === 'queue' ? `queue '${node.name}'` : `function '${node.name}' (its on-failure queue)`;
  addEmail(rt, store, now, {
    subject: `ALARM: dead letters in ${what} of pipeline ${rt.pipeline}`,
    text: [
      `The dead-letter queue of ${what} in pipeline ${rt.pipeline} holds ${visible} message${visible === 1 ? '' : 's'} (${at}).`,
      'It went from empty to holding messages: this is sent once per transition into ALARM, not once per dead letter.',
      `Read them with: sluice dlq list ${node.name}`,
      `Send them back once fixed with: sluice dlq redrive ${node.name}`,
    ].join('\n'),
    cause: { type: 'alarm', node: node.name, kind: node.kind, deadLetters: visible },
  });
}
