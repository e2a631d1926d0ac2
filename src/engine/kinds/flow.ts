/**
 * `flow` on the local engine: a request to start an execution (a schedule firing, `sluice trigger`)
 * waits durably in the flow's channel; the engine's flow runner (engine/flows.ts) starts it when the
 * flow's overlap rule allows, and runs it from the state machine definition synth deploys.
 */
import { randomUUID } from 'node:crypto';
import type { Flow } from '../../model/flow.js';
import type { KindEngine, RuntimeBase } from '../kind.js';
import { DLQ_RETENTION_MS } from './queue.js';
import { unexpectedNotice } from './unexpected.js';

/** A flow's channel of execution requests (persisted in the state: never renamed). */
export const flowChannel = (flow: string) => `flow:${flow}`;

/** A request to start an execution, as kept in the flow's channel. */
export interface ExecutionRequest {
  /** Who asked: `schedule:<name>` or `trigger`. */
  source: string;
  /** The execution's input. */
  input: unknown;
  /** The execution's name, when the caller chose it (to follow it). */
  name?: string;
}

/** A flow as the engine runs it. */
export interface FlowRuntime extends RuntimeBase<Flow> {
  readonly channel: string;
  /** The topics its outcome is published to. */
  readonly topics: string[];
}

export const flowEngine: KindEngine<Flow, FlowRuntime> = {
  runtime: (node) => ({ node, channel: flowChannel(node.name), topics: [] }),

  connect(from, edge) {
    from.topics.push(edge.to.name);
  },

  receive(rt, notice, { store, now }) {
    if (notice.type !== 'scheduled') throw unexpectedNotice(rt, notice);
    // EventBridge starts the state machine with the scheduled event as the execution's input.
    const request: ExecutionRequest = { source: `schedule:${String((notice.event.resources as string[] | undefined)?.[0] ?? '').split('/').pop()}`, input: notice.event, name: randomUUID() };
    store.messages.send(rt.channel, { body: JSON.stringify(request), retentionMs: DLQ_RETENTION_MS }, now);
    return undefined;
  },

  tick: null,
  nextDue: null,
  dispatch: null,
  deadLetters: null,
  watch: null,
  counts: (rt, store, now) => ({ queue: store.messages.counts(rt.channel, now) }),
};
