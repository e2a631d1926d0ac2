/**
 * Dead letters: what landed in a queue's DLQ (messages received too often) or a function's failure
 * destination (async events that ran out of retries or age), and redriving them back.
 */
import { InputError } from '../model/errors.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Delivery } from './delivery.js';
import type { StoredMessage } from './store/messages.js';
import type { EngineStore } from './store/types.js';
import { channel, type Topology } from './topology.js';

/** The dead letters of a queue or function, oldest first. */
export function listDeadLetters(pipe: Pipeline, topology: Topology, store: EngineStore, node: string, now: number): StoredMessage[] {
  const n = pipe.node(node);
  if (!n || (n.kind !== 'queue' && n.kind !== 'fn')) {
    throw new InputError('SLUICE_E_NO_DLQ', `'${node}' has no dead-letter queue: only queues and functions do (queues: ${[...topology.queues.keys()].join(', ') || 'none'}; functions: ${[...topology.fns.keys()].join(', ')})`);
  }
  return store.messages.list(n.kind === 'queue' ? channel.dlq(node) : channel.failures(node), 1000, now);
}

/**
 * Send a node's dead letters back: a queue's to the queue, with fresh receive counts; a function's
 * original events to its async invoke queue, with fresh retries. Returns how many.
 */
export function redriveDeadLetters(pipe: Pipeline, topology: Topology, store: EngineStore, delivery: Delivery, node: string, now: number): number {
  const letters = listDeadLetters(pipe, topology, store, node, now);
  store.transaction(() => {
    for (const m of letters) {
      const queue = topology.queues.get(node);
      if (queue) {
        store.messages.move(m.seq, channel.queue(node), now, queue.retentionSeconds * 1000, null);
      } else {
        const record = JSON.parse(m.body);
        store.messages.remove(m.seq);
        delivery.invokeAsync(node, record.requestPayload, now);
      }
    }
  });
  return letters.length;
}
