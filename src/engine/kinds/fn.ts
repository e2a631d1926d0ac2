/**
 * `fn` on the local engine: a function's invocations, at most `concurrency` at once, fed by its event
 * sources: its async-invoke queue (buckets, topics and schedules invoke asynchronously, LA-10, with
 * two retries a minute and two apart, LA-02, then the on-failure destination, LA-06/LA-07) and the
 * event source mappings of the queues it consumes (kinds/queue.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Fn, ResolvedFnProps } from '../../model/fn.js';
import { invokedAsync } from '../../model/edges.js';
import { invocationRecord, snsEvent, type ErrorInfo } from '../aws-events.js';
import { settleRecords, writeOutputs, type Completion, type CompletionContext, type NodeStats } from '../completion.js';
import type { DeliveryContext, DispatchRuntime, EventSource, Invocation, KindEngine, ReceiveContext } from '../kind.js';
import type { StoredMessage } from '../store/messages.js';
import type { EngineStore } from '../store/types.js';
import { DLQ_RETENTION_MS } from './queue.js';
import { unexpectedNotice } from './unexpected.js';

/** A function's channels (persisted in the state: never renamed). */
export const fnChannels = {
  async: (fn: string) => `async:${fn}`,
  failures: (fn: string) => `failures:${fn}`,
};

// LA-02: about one minute before the first retry, two before the second.
const ASYNC_BACKOFF_MS = [60_000, 120_000];

// An async event's receive outlives its timeout by this much, so a crashed invocation's event comes
// back rather than staying in flight forever.
const ASYNC_VISIBILITY_SLACK_MS = 60_000;

/** A function as the engine runs it. */
export interface FnRuntime extends DispatchRuntime {
  readonly node: Fn;
  readonly props: ResolvedFnProps;
  /** Set when buckets, topics or schedules invoke it asynchronously. */
  readonly asyncChannel: string | undefined;
  readonly failuresChannel: string;
}

export const fnEngine: KindEngine<Fn, FnRuntime> = {
  runtime(node, pipe, options) {
    const props = node.resolved;
    const rt: FnRuntime = {
      node,
      props,
      concurrency: props.concurrency ?? options.defaultConcurrency,
      inFlight: 0,
      timeoutMs: props.timeoutSeconds * 1000,
      sources: [],
      asyncChannel: invokedAsync(pipe, node) ? fnChannels.async(node.name) : undefined,
      failuresChannel: fnChannels.failures(node.name),
    };
    if (rt.asyncChannel) rt.sources.push(asyncSource(rt, rt.asyncChannel));
    return rt;
  },

  // A function's outputs go where its step routes them (src/runtime/outputs.ts), not by wiring here.
  connect: null,

  receive(rt, notice, ctx) {
    if (notice.type === 's3' || notice.type === 'scheduled') enqueueAsync(rt, notice.event, ctx);
    else if (notice.type === 'sns') enqueueAsync(rt, snsEvent(notice.topic, rt.node.name, notice.message), ctx);
    else throw unexpectedNotice(rt, notice);
    return undefined;
  },

  tick: null,
  nextDue: null,

  dispatch(rt, ctx) {
    // Take work from each source in turn while slots are free and some source still has some.
    let progress = true;
    while (progress && rt.inFlight < rt.concurrency) {
      progress = false;
      for (const source of rt.sources) {
        const slots = rt.concurrency - rt.inFlight;
        if (slots <= 0) break;
        const { invocations, received } = source.receive(slots, ctx);
        if (received > 0) progress = true;
        for (const invocation of invocations) ctx.begin(rt, source, invocation);
      }
    }
  },

  deadLetters: {
    channel: (rt) => rt.failuresChannel,
    // Lambda's failure record holds the original event: it goes back to the async queue, with fresh retries.
    redrive(rt, letter, ctx) {
      const record = JSON.parse(letter.body) as { requestPayload: unknown };
      ctx.store.messages.remove(letter.seq);
      enqueueAsync(rt, record.requestPayload, ctx);
    },
  },

  watch: null,

  counts: (rt, store, now) => ({ deadLetters: store.messages.counts(rt.failuresChannel, now).total }),
};

/** Queue an async invocation (S3, SNS and EventBridge invoke asynchronously, LA-10). */
function enqueueAsync(rt: FnRuntime, event: unknown, { store, delivery, now }: DeliveryContext): void {
  // Kept past its max age so dispatch can record it as EventAgeExceeded instead of dropping it
  // silently (LA-03). The in-memory store keeps the event as a value, unserialized.
  store.messages.send(rt.asyncChannel!, { body: store.keepsPayloads ? '' : JSON.stringify(event), payload: event, retentionMs: rt.props.maxEventAgeSeconds * 1000 + 86_400_000 }, now);
  delivery.enqueued++;
}

/** A function's async-invoke queue as an event source: one event per invocation. */
function asyncSource(rt: FnRuntime, channel: string): EventSource {
  return {
    channel,
    receive(slots: number, ctx: ReceiveContext) {
      // As many events as there are free slots, in one query.
      const events = ctx.store.messages.receive(channel, { max: slots, visibilityMs: rt.timeoutMs + ASYNC_VISIBILITY_SLACK_MS }, ctx.now);
      const invocations: Invocation[] = [];
      for (const m of events) {
        // The in-memory store keeps the event as a value; the invoker copies it for handlers that could change it.
        const event = m.payload !== undefined ? m.payload : JSON.parse(m.body);
        if (ctx.now - m.sentAt > rt.props.maxEventAgeSeconds * 1000) {
          // This receive is not an invocation: the record's approximateInvokeCount (LA-07) counts
          // only the attempts actually made.
          moveToFailures(rt, { ...m, receiveCount: m.receiveCount - 1 }, event, randomUUID(), ctx.store, ctx.stats(rt.node.name), ctx.now, 'EventAgeExceeded');
        } else if (m.receiveCount > rt.props.retryAttempts + 1) {
          // Every attempt it was given began (its receive committed, counting it) and none finished:
          // the step took down the process running it, each time. The budget is spent (LA-02), so it
          // goes to the failure destination instead of crashing every restart again.
          const attempts = m.receiveCount - 1;
          const error: ErrorInfo = { errorType: 'Runtime.ExitError', errorMessage: `function '${rt.node.name}': the process running the step ended during each of its ${attempts} attempt(s) (a crash, process.abort() or a kill), so no attempt finished`, trace: [] };
          moveToFailures(rt, { ...m, receiveCount: attempts }, event, randomUUID(), ctx.store, ctx.stats(rt.node.name), ctx.now, 'RetriesExhausted', error);
        } else {
          invocations.push({ messages: [m], event, ...(m.payload === undefined ? { eventJson: m.body } : {}) });
        }
      }
      return { invocations, received: events.length };
    },
    complete(c: Completion, ctx: CompletionContext) {
      const m = c.messages[0]!;
      const { result } = c;
      const { store, stats, now } = ctx;
      if (result.ok) {
        stats.successes++;
        store.messages.ack(m.seq, m.receipt!);
        writeOutputs(c, result.outputs, ctx);
        settleRecords(c, () => true, ctx);
        return;
      }
      stats.failures++;
      stats.lastError = result.error;
      if (m.receiveCount <= rt.props.retryAttempts) {
        stats.retries++;
        store.messages.retryAt(m.seq, m.receipt!, now + ASYNC_BACKOFF_MS[Math.min(m.receiveCount - 1, 1)]!);
      } else {
        moveToFailures(rt, m, c.event, c.requestId, store, stats, now, 'RetriesExhausted', result.error);
      }
    },
    nextDueAfter: () => undefined,
  };
}

/** Send an async event that ran out of retries or age to the function's failure destination (LA-06, LA-07). */
function moveToFailures(rt: FnRuntime, m: StoredMessage, event: unknown, requestId: string, store: EngineStore, stats: NodeStats, now: number, condition: 'RetriesExhausted' | 'EventAgeExceeded', error?: ErrorInfo): void {
  const record = invocationRecord({ fn: rt.node.name, requestId, condition, attempts: m.receiveCount, event, error, time: now });
  store.messages.remove(m.seq);
  store.messages.send(rt.failuresChannel, { body: JSON.stringify(record), retentionMs: DLQ_RETENTION_MS }, now);
  stats.deadLettered++;
}
