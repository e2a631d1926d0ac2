/**
 * Batching windows of queue consumers (LSQS-04): a batch goes out when it is full or when the window
 * has passed since its oldest message became visible. Remembers when each open window closes, so the
 * engine's clock can wake for it.
 */
import type { MessageStore } from './store/types.js';
import type { QueueSource } from './topology.js';

export class BatchWindows {
  private readonly closes = new Map<string, number>();

  /** True while the source's batch should keep waiting for more messages. */
  waiting(messages: MessageStore, source: QueueSource, now: number): boolean {
    const { count, oldestVisibleAt } = messages.peekVisible(source.channel, now, source.batchSize);
    this.closes.delete(source.channel);
    if (count === 0 || count >= source.batchSize || oldestVisibleAt === undefined) return false;
    const closes = oldestVisibleAt + source.windowMs;
    if (closes <= now) return false;
    this.closes.set(source.channel, closes);
    return true;
  }

  /** When open windows close, after `now`. */
  closingAfter(now: number): number[] {
    return [...this.closes.values()].filter((t) => t > now);
  }
}
