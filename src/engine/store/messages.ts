/**
 * Durable message channels with SQS semantics: visibility timeout, receive count, redrive to a
 * dead-letter channel after maxReceiveCount, delay, retention (docs/aws-semantics.md SQS-*). Queues, each
 * function's async-invoke queue and each DLQ are channels.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { MessageStore } from './types.js';

/** A stored message. */
export interface StoredMessage {
  seq: number;
  channel: string;
  id: string;
  body: string;
  attributes: string | null;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt: number | null;
  receipt: string | null;
  expiresAt: number;
  info: string | null;
  /**
   * The body as a value, when the store kept it unserialized (the in-memory store does, for async
   * invocation events: no JSON text to build, keep and parse per event). Treat as read-only.
   */
  payload?: unknown;
}

/** A new message. */
export interface NewMessage {
  id?: string;
  /** The body as text. */
  body: string;
  /** The body as a value; a store may keep this instead of `body` until the text is needed. */
  payload?: unknown;
  attributes?: string | null;
  delayMs?: number;
  retentionMs: number;
  info?: string | null;
  /** Keep the original send time (SQS-25: a standard DLQ keeps the enqueue timestamp). */
  sentAt?: number;
}

/** How to receive from a channel. */
export interface ReceiveOptions {
  max: number;
  visibilityMs: number;
  /** Move a message to `deadLetter` instead of returning it once it has been received this often. */
  maxReceiveCount?: number;
  deadLetter?: { channel: string; retentionMs: number; sourceArn: string };
  /** Called for each message the receive moved to `deadLetter` (the engine counts them per queue). */
  onDeadLettered?: (m: StoredMessage) => void;
}

/** A row of the messages table, as SQLite returns it. */
interface MessageRow {
  seq: number; channel: string; id: string; body: string; attributes: string | null; sent_at: number; visible_at: number;
  receive_count: number; first_receive_at: number | null; receipt: string | null; expires_at: number; info: string | null;
}

const row = (r: MessageRow): StoredMessage => ({
  seq: r.seq, channel: r.channel, id: r.id, body: r.body, attributes: r.attributes, sentAt: r.sent_at, visibleAt: r.visible_at,
  receiveCount: r.receive_count, firstReceiveAt: r.first_receive_at, receipt: r.receipt, expiresAt: r.expires_at, info: r.info,
});

/** Message channels over one SQLite database. */
export class Messages implements MessageStore {
  private readonly s;
  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO messages (channel, id, body, attributes, sent_at, visible_at, expires_at, info) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      peek: db.prepare('SELECT count(*) AS count, min(visible_at) AS oldest FROM (SELECT visible_at FROM messages WHERE channel = ? AND visible_at <= ? AND expires_at > ? LIMIT ?)'),
      due: db.prepare('SELECT * FROM messages WHERE channel = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?'),
      // One statement for a whole batch; each message's receipt is the receive's token plus its seq.
      receive: db.prepare("UPDATE messages SET receive_count = receive_count + 1, visible_at = ?, receipt = ? || ':' || seq, first_receive_at = coalesce(first_receive_at, ?) WHERE seq IN (SELECT value FROM json_each(?))"),
      remove: db.prepare('DELETE FROM messages WHERE seq = ?'),
      ack: db.prepare('DELETE FROM messages WHERE seq = ? AND receipt = ?'),
      setVisible: db.prepare('UPDATE messages SET visible_at = ? WHERE seq = ? AND receipt = ?'),
      retryAt: db.prepare('UPDATE messages SET visible_at = ?, receipt = NULL WHERE seq = ? AND receipt = ?'),
      releaseInFlight: db.prepare('UPDATE messages SET visible_at = ?, receipt = NULL WHERE receipt IS NOT NULL AND visible_at > ?'),
      pending: db.prepare('SELECT count(*) FROM messages WHERE channel IN (SELECT value FROM json_each(?))').pluck(),
      noteError: db.prepare("UPDATE messages SET info = json_set(coalesce(info, '{}'), '$.lastError', json(?)) WHERE seq = ? AND receipt = ?"),
      move: db.prepare('UPDATE messages SET channel = ?, visible_at = ?, receive_count = 0, receipt = NULL, first_receive_at = NULL, expires_at = ?, info = ? WHERE seq = ?'),
      counts: db.prepare('SELECT sum(visible_at <= ? AND receipt IS NULL) AS waiting, sum(visible_at <= ? AND receipt IS NOT NULL) AS returned, sum(visible_at > ? AND receipt IS NOT NULL) AS in_flight, sum(visible_at > ? AND receipt IS NULL) AS delayed, count(*) AS total FROM messages WHERE channel = ?'),
      nextDue: db.prepare('SELECT min(visible_at) FROM messages WHERE visible_at > ? AND channel IN (SELECT value FROM json_each(?))').pluck(),
      list: db.prepare('SELECT * FROM messages WHERE channel = ? ORDER BY seq LIMIT ?'),
      listLive: db.prepare('SELECT * FROM messages WHERE channel = ? AND expires_at > ? ORDER BY seq LIMIT ?'),
      bySeq: db.prepare('SELECT * FROM messages WHERE seq = ?'),
      channelOf: db.prepare('SELECT DISTINCT channel FROM messages').pluck(),
      sentTotal: db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").pluck(),
    };
  }

  /** Add a message; returns its sequence number. */
  send(channel: string, message: NewMessage, now: number): number {
    const sentAt = message.sentAt ?? now;
    const info = this.s.insert.run(channel, message.id ?? randomUUID(), message.body, message.attributes ?? null, sentAt, now + (message.delayMs ?? 0), sentAt + message.retentionMs, message.info ?? null);
    return Number(info.lastInsertRowid);
  }

  /**
   * Receive up to `max` visible messages: each becomes invisible for the visibility timeout, its
   * receive count grows and it gets a new receipt (SQS-03, SQS-11, SQS-20). A message received
   * `maxReceiveCount` times already moves to the dead-letter channel instead (SQS-21); an expired one
   * is dropped (SQS-33).
   */
  receive(channel: string, options: ReceiveOptions, now: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    const token = randomUUID();
    const visibleAt = now + options.visibilityMs;
    // One query per round; messages that expire or move to the DLQ are replaced by another round.
    for (let round = 0; out.length < options.max && round < 100; round++) {
      const rows = this.s.due.all(channel, now, options.max - out.length) as MessageRow[];
      if (rows.length === 0) break;
      const taken: number[] = [];
      for (const r of rows) {
        const m = row(r);
        if (m.expiresAt <= now) {
          this.s.remove.run(m.seq);
          continue;
        }
        if (options.maxReceiveCount !== undefined && options.deadLetter && m.receiveCount >= options.maxReceiveCount) {
          this.moveToDeadLetter(m, options.deadLetter, now);
          options.onDeadLettered?.(m);
          continue;
        }
        taken.push(m.seq);
        out.push({ ...m, receiveCount: m.receiveCount + 1, visibleAt, receipt: `${token}:${m.seq}`, firstReceiveAt: m.firstReceiveAt ?? now });
      }
      if (taken.length) this.s.receive.run(visibleAt, token, now, JSON.stringify(taken));
    }
    return out;
  }

  private moveToDeadLetter(m: StoredMessage, dlq: NonNullable<ReceiveOptions['deadLetter']>, now: number): void {
    const info = { ...(m.info ? JSON.parse(m.info) : {}), deadLetterQueueSourceArn: dlq.sourceArn, receiveCount: m.receiveCount };
    // SQS-25: a standard queue's DLQ keeps the original enqueue time, so retention counts from it.
    this.s.move.run(dlq.channel, now, m.sentAt + dlq.retentionMs, JSON.stringify(info), m.seq);
  }

  peekVisible(channel: string, now: number, max: number): { count: number; oldestVisibleAt: number | undefined } {
    const r = this.s.peek.get(channel, now, now, max) as { count: number; oldest: number | null };
    return { count: r.count, oldestVisibleAt: r.oldest ?? undefined };
  }

  /** Delete a received message; false when the receipt is stale (SQS-03). */
  ack(seq: number, receipt: string): boolean {
    return this.s.ack.run(seq, receipt).changes > 0;
  }

  /** Change a received message's visibility: visible again at `visibleAt` (SQS-12). */
  setVisibleAt(seq: number, receipt: string, visibleAt: number): boolean {
    return this.s.setVisible.run(visibleAt, seq, receipt).changes > 0;
  }

  /**
   * Remember why the consumer failed a received message. SQS keeps no such thing, but a message that
   * reaches the DLQ carries it locally (in `info.lastError`), so `dlq()` can say why it got there.
   */
  noteError(seq: number, receipt: string, error: object): void {
    this.s.noteError.run(JSON.stringify(error), seq, receipt);
  }

  retryAt(seq: number, receipt: string, visibleAt: number): boolean {
    return this.s.retryAt.run(visibleAt, seq, receipt).changes > 0;
  }

  releaseInFlight(now: number): number {
    return this.s.releaseInFlight.run(now, now).changes;
  }

  pending(channels: string[]): number {
    return Number(this.s.pending.get(JSON.stringify(channels)));
  }

  /** Move a message to another channel, as new there (redrive, failure destinations). */
  move(seq: number, channel: string, now: number, retentionMs: number, info?: string | null): void {
    const m = this.get(seq);
    if (!m) return;
    this.s.move.run(channel, now, now + retentionMs, info === undefined ? m.info : info, seq);
  }

  /** Remove a message outright. */
  remove(seq: number): void {
    this.s.remove.run(seq);
  }

  get(seq: number): StoredMessage | undefined {
    const r = this.s.bySeq.get(seq) as MessageRow | undefined;
    return r ? row(r) : undefined;
  }

  /**
   * Messages of a channel, oldest first. Given `now`, messages past their retention are left out
   * (SQS-33, SQS-25): expiry is otherwise applied only on receive, and nothing receives from a DLQ
   * or from a queue no function consumes.
   */
  list(channel: string, limit = 1000, now?: number): StoredMessage[] {
    return ((now === undefined ? this.s.list.all(channel, limit) : this.s.listLive.all(channel, now, limit)) as MessageRow[]).map(row);
  }

  /** How many messages a channel holds: visible now, in flight, delayed. */
  counts(channel: string, now: number): { visible: number; inFlight: number; delayed: number; total: number } {
    const r = this.s.counts.get(now, now, now, now, channel) as { waiting: number | null; returned: number | null; in_flight: number | null; delayed: number | null; total: number | null };
    return { visible: (r.waiting ?? 0) + (r.returned ?? 0), inFlight: r.in_flight ?? 0, delayed: r.delayed ?? 0, total: r.total ?? 0 };
  }

  /** The earliest time after `now` at which a message of these channels becomes visible. */
  nextDueAfter(now: number, channels: string[]): number | undefined {
    const v = this.s.nextDue.get(now, JSON.stringify(channels)) as number | null;
    return v ?? undefined;
  }

  sentTotal(): number {
    return Number(this.s.sentTotal.get() ?? 0);
  }

  /** Every channel that holds a message. */
  channels(): string[] {
    return this.s.channelOf.all() as string[];
  }
}
