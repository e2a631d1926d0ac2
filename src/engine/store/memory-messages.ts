/**
 * Message channels in memory, with exactly the semantics of the SQLite channels (messages.ts):
 * visibility, receive count, redrive, delay, retention. A min-heap per channel finds visible
 * messages without scanning; every mutation is undoable for transactions.
 */
import { randomUUID } from 'node:crypto';
import type { NewMessage, ReceiveOptions, StoredMessage } from './messages.js';
import type { MessageStore } from './types.js';
import { MinHeap } from './min-heap.js';
import type { UndoLog } from './undo-log.js';

interface Channel {
  members: Set<number>;
  heap: MinHeap;
}

/** In-memory message channels. */
export class MemoryMessages implements MessageStore {
  private readonly bySeq = new Map<number, StoredMessage>();
  private readonly channels = new Map<string, Channel>();
  private nextSeq = 1;

  constructor(private readonly log: UndoLog) {}

  private channel(name: string): Channel {
    let c = this.channels.get(name);
    if (!c) this.channels.set(name, (c = { members: new Set(), heap: new MinHeap() }));
    return c;
  }

  /** Rebuild a channel's heap when stale entries (acknowledged or moved messages) outnumber live ones. */
  private compact(c: Channel): void {
    if (c.heap.size < 1024 || c.heap.size < 4 * c.members.size) return;
    c.heap = new MinHeap();
    for (const seq of c.members) c.heap.push(this.bySeq.get(seq)!.visibleAt, seq);
  }

  private insert(m: StoredMessage): void {
    this.bySeq.set(m.seq, m);
    const c = this.channel(m.channel);
    c.members.add(m.seq);
    c.heap.push(m.visibleAt, m.seq);
  }

  private delete(m: StoredMessage): void {
    this.bySeq.delete(m.seq);
    const c = this.channels.get(m.channel);
    c?.members.delete(m.seq);
    if (c) this.compact(c);
    this.log.record(() => this.insert(m));
  }

  /** Change a message's fields, keeping the heap and channel membership right, undoably. */
  private update(m: StoredMessage, changes: Partial<StoredMessage>): void {
    const before = { ...m };
    const moving = changes.channel !== undefined && changes.channel !== m.channel;
    if (moving) this.channels.get(m.channel)?.members.delete(m.seq);
    Object.assign(m, changes);
    if (moving) this.channel(m.channel).members.add(m.seq);
    if (moving || changes.visibleAt !== undefined) this.channel(m.channel).heap.push(m.visibleAt, m.seq);
    this.log.record(() => {
      if (moving) this.channels.get(m.channel)?.members.delete(m.seq);
      Object.assign(m, before);
      const c = this.channel(m.channel);
      c.members.add(m.seq);
      c.heap.push(m.visibleAt, m.seq);
    });
  }

  send(channel: string, message: NewMessage, now: number): number {
    const seq = this.nextSeq++;
    const sentAt = message.sentAt ?? now;
    const m: StoredMessage = {
      seq, channel, id: message.id ?? randomUUID(), body: message.body, attributes: message.attributes ?? null, sentAt,
      visibleAt: now + (message.delayMs ?? 0), receiveCount: 0, firstReceiveAt: null, receipt: null, expiresAt: sentAt + message.retentionMs, info: message.info ?? null,
      ...(message.payload !== undefined ? { payload: message.payload } : {}),
    };
    this.insert(m);
    this.log.record(() => {
      this.bySeq.delete(seq);
      this.channels.get(channel)?.members.delete(seq);
    });
    return seq;
  }

  receive(channel: string, options: ReceiveOptions, now: number): StoredMessage[] {
    const c = this.channels.get(channel);
    const out: StoredMessage[] = [];
    if (!c) return out;
    const token = randomUUID();
    const visibleAt = now + options.visibilityMs;
    while (out.length < options.max) {
      const time = c.heap.peekTime();
      if (time === undefined || time > now) break;
      const seq = c.heap.peekSeq()!;
      c.heap.pop();
      const m = this.bySeq.get(seq);
      // A stale entry: the message is gone, moved, or its visibility changed since this was pushed.
      if (!m || m.channel !== channel || m.visibleAt !== time) continue;
      if (m.expiresAt <= now) {
        this.delete(m);
        continue;
      }
      if (options.maxReceiveCount !== undefined && options.deadLetter && m.receiveCount >= options.maxReceiveCount) {
        const info = { ...(m.info ? JSON.parse(m.info) : {}), deadLetterQueueSourceArn: options.deadLetter.sourceArn, receiveCount: m.receiveCount };
        const moved = { ...m };
        this.update(m, { channel: options.deadLetter.channel, visibleAt: now, receiveCount: 0, receipt: null, firstReceiveAt: null, expiresAt: m.sentAt + options.deadLetter.retentionMs, info: JSON.stringify(info) });
        options.onDeadLettered?.(moved);
        continue;
      }
      this.update(m, { receiveCount: m.receiveCount + 1, visibleAt, receipt: `${token}:${seq}`, firstReceiveAt: m.firstReceiveAt ?? now });
      out.push({ ...m });
    }
    return out;
  }

  peekVisible(channel: string, now: number, max: number): { count: number; oldestVisibleAt: number | undefined } {
    let count = 0;
    let oldest: number | undefined;
    for (const seq of this.channels.get(channel)?.members ?? []) {
      const m = this.bySeq.get(seq)!;
      if (m.visibleAt > now || m.expiresAt <= now) continue;
      count++;
      if (oldest === undefined || m.visibleAt < oldest) oldest = m.visibleAt;
    }
    return { count: Math.min(count, max), oldestVisibleAt: oldest };
  }

  ack(seq: number, receipt: string): boolean {
    const m = this.bySeq.get(seq);
    if (!m || m.receipt !== receipt) return false;
    this.delete(m);
    return true;
  }

  setVisibleAt(seq: number, receipt: string, visibleAt: number): boolean {
    const m = this.bySeq.get(seq);
    if (!m || m.receipt !== receipt) return false;
    this.update(m, { visibleAt });
    return true;
  }

  retryAt(seq: number, receipt: string, visibleAt: number): boolean {
    const m = this.bySeq.get(seq);
    if (!m || m.receipt !== receipt) return false;
    this.update(m, { visibleAt, receipt: null });
    return true;
  }

  releaseInFlight(now: number): number {
    let released = 0;
    for (const m of [...this.bySeq.values()]) {
      if (m.receipt === null || m.visibleAt <= now) continue;
      this.update(m, { visibleAt: now, receipt: null });
      released++;
    }
    return released;
  }

  pending(channels: string[]): number {
    return channels.reduce((n, c) => n + (this.channels.get(c)?.members.size ?? 0), 0);
  }

  noteError(seq: number, receipt: string, error: object): void {
    const m = this.bySeq.get(seq);
    if (!m || m.receipt !== receipt) return;
    this.update(m, { info: JSON.stringify({ ...(m.info ? JSON.parse(m.info) : {}), lastError: error }) });
  }

  move(seq: number, channel: string, now: number, retentionMs: number, info?: string | null): void {
    const m = this.bySeq.get(seq);
    if (!m) return;
    this.update(m, { channel, visibleAt: now, receiveCount: 0, receipt: null, firstReceiveAt: null, expiresAt: now + retentionMs, info: info === undefined ? m.info : info });
  }

  remove(seq: number): void {
    const m = this.bySeq.get(seq);
    if (m) this.delete(m);
  }

  get(seq: number): StoredMessage | undefined {
    const m = this.bySeq.get(seq);
    return m ? { ...m } : undefined;
  }

  list(channel: string, limit = 1000, now?: number): StoredMessage[] {
    const seqs = [...(this.channels.get(channel)?.members ?? [])].sort((a, b) => a - b);
    const out: StoredMessage[] = [];
    for (const seq of seqs) {
      const m = this.bySeq.get(seq)!;
      if (now !== undefined && m.expiresAt <= now) continue;
      out.push({ ...m });
      if (out.length >= limit) break;
    }
    return out;
  }

  counts(channel: string, now: number): { visible: number; inFlight: number; delayed: number; total: number } {
    const r = { visible: 0, inFlight: 0, delayed: 0, total: 0 };
    for (const seq of this.channels.get(channel)?.members ?? []) {
      const m = this.bySeq.get(seq)!;
      r.total++;
      if (m.visibleAt <= now) r.visible++;
      else if (m.receipt !== null) r.inFlight++;
      else r.delayed++;
    }
    return r;
  }

  nextDueAfter(now: number, channels: string[]): number | undefined {
    let best: number | undefined;
    for (const name of channels) {
      for (const seq of this.channels.get(name)?.members ?? []) {
        const t = this.bySeq.get(seq)!.visibleAt;
        if (t > now && (best === undefined || t < best)) best = t;
      }
    }
    return best;
  }

  sentTotal(): number {
    return this.nextSeq - 1;
  }
}
