/**
 * `queue` on the local engine: a durable channel with SQS's limits on what it takes (SQS-06..08,
 * SQS-30), its dead-letter channel, and the event source mapping that feeds a function batches of
 * its messages (LSQS-*): batching windows, visibility timeout, receive count, redrive to the DLQ
 * after `maxReceiveCount`, partial batch failure.
 */
import { randomUUID } from 'node:crypto';
import { durationMs } from '../../model/duration.js';
import type { Edge } from '../../model/node.js';
import { InputError } from '../../model/errors.js';
import type { Queue, ResolvedQueueProps } from '../../model/queue.js';
import { visibilityOf } from '../../model/visibility.js';
import { messageSize, attributeProblem, refusedCharacter } from '../../runtime/attributes.js';
import { localArn, snsNotification, sqsRecord, type ErrorInfo } from '../aws-events.js';
import { settleRecords, writeOutputs, type Completion, type CompletionContext } from '../completion.js';
import type { MessageSend } from '../delivery.js';
import type { DeliveryContext, DispatchRuntime, EventSource, Invocation, KindEngine, ReceiveContext, RuntimeBase } from '../kind.js';
import type { MessageStore } from '../store/types.js';
import { unexpectedNotice } from './unexpected.js';

/** How long DLQs and failure destinations keep messages: SQS's maximum, 14 days. */
export const DLQ_RETENTION_MS = 1_209_600_000;

// SNS-04: raw delivery to SQS supports at most 10 attributes; more is a client-side error and the
// message is discarded.
const RAW_DELIVERY_MAX_ATTRIBUTES = 10;

/** A queue's channels (persisted in the state: never renamed). */
export const queueChannels = {
  messages: (queue: string) => `queue:${queue}`,
  deadLetters: (queue: string) => `dlq:${queue}`,
};

/** A queue as the engine runs it. */
export interface QueueRuntime extends RuntimeBase<Queue> {
  /** Its props, the visibility timeout the one in use (SQS-6's 6 x timeout + window unless declared, visibility.ts). */
  readonly props: ResolvedQueueProps;
  readonly channel: string;
  readonly dlqChannel: string;
  readonly arn: string;
}

export const queueEngine: KindEngine<Queue, QueueRuntime> = {
  runtime: (node, pipe) => ({
    node,
    props: { ...node.resolved, visibilityTimeoutSeconds: visibilityOf(pipe, node).seconds },
    channel: queueChannels.messages(node.name),
    dlqChannel: queueChannels.deadLetters(node.name),
    arn: localArn('queue', node.name),
  }),

  connect(from, edge, to) {
    (to as DispatchRuntime).sources.push(mappingSource(from, edge));
  },

  receive(rt, notice, ctx) {
    if (notice.type === 'message') sendToQueue(rt, notice.message, ctx, notice.id);
    else if (notice.type === 's3') sendToQueue(rt, { body: JSON.stringify(notice.event), attributes: {} }, ctx);
    else if (notice.type === 'sns' && notice.raw) {
      const count = Object.keys(notice.message.attributes).length;
      if (count > RAW_DELIVERY_MAX_ATTRIBUTES) {
        throw new InputError('SLUICE_E_MESSAGE_ATTRIBUTES', `topic '${notice.topic}' -> queue '${rt.node.name}': raw delivery carries at most ${RAW_DELIVERY_MAX_ATTRIBUTES} attributes (given ${count}); SNS discards the message for this subscription (SNS-04)`, { node: notice.topic, field: 'attributes', given: count, expected: `at most ${RAW_DELIVERY_MAX_ATTRIBUTES}` });
      }
      sendToQueue(rt, { body: notice.message.body, attributes: notice.message.attributes }, ctx, notice.message.id);
    } else if (notice.type === 'sns') {
      // SNS-01: without raw delivery the queue gets SNS's notification JSON, attributes inside it.
      sendToQueue(rt, { body: JSON.stringify(snsNotification(notice.topic, notice.message)), attributes: {} }, ctx);
    } else throw unexpectedNotice(rt, notice);
    return undefined;
  },

  tick: null,
  nextDue: null,
  dispatch: null,

  deadLetters: {
    channel: (rt) => rt.dlqChannel,
    // SQS's redrive back to the source queue: a fresh receive count, the original retention.
    redrive: (rt, letter, { store, now }) => store.messages.move(letter.seq, rt.channel, now, rt.props.retentionSeconds * 1000, null),
  },

  watch: null,

  counts(rt, store, now) {
    const { visible, inFlight, delayed } = store.messages.counts(rt.channel, now);
    return { queue: { visible, inFlight, delayed }, deadLetters: store.messages.counts(rt.dlqChannel, now).total };
  },
};

/** Send a message to a queue, checking its limits (SQS-06..08) and applying delays (SQS-30). */
function sendToQueue(rt: QueueRuntime, m: MessageSend, { store, delivery, now }: DeliveryContext, id: string = randomUUID()): void {
  const queue = rt.node.name;
  const props = rt.props;
  const size = messageSize(m.body, m.attributes);
  if (size > props.maxMessageSize) throw new InputError('SLUICE_E_MESSAGE_TOO_LARGE', `queue '${queue}': a message of ${size} bytes exceeds its ${props.maxMessageSize}-byte limit (SQS-08)`, { node: queue, given: size, expected: `at most ${props.maxMessageSize} bytes` });
  if (m.body.length === 0) throw new InputError('SLUICE_E_MESSAGE_BODY', `queue '${queue}': a message body must have at least one character (SQS-07)`, { node: queue, field: 'body', given: '', expected: 'at least one character' });
  const bad = refusedCharacter(m.body);
  if (bad) throw new InputError('SLUICE_E_MESSAGE_BODY', `queue '${queue}': a message body may not hold ${bad} (SQS-07 allows tab, line feed, carriage return and the characters from U+0020 on, except surrogates, U+FFFE and U+FFFF); encode binary data, e.g. as base64`, { node: queue, field: 'body', given: bad, expected: 'characters SQS allows' });
  for (const [name, value] of Object.entries(m.attributes)) {
    const problem = attributeProblem(name, value);
    if (problem) throw new InputError('SLUICE_E_MESSAGE_ATTRIBUTES', `queue '${queue}': ${problem} (SQS-09)`, { node: queue, field: name });
  }
  const count = Object.keys(m.attributes).length;
  if (count > 10) throw new InputError('SLUICE_E_MESSAGE_ATTRIBUTES', `queue '${queue}': a message can carry at most 10 attributes (given ${count}, SQS-06)`, { node: queue, field: 'attributes', given: count, expected: 'at most 10' });
  const delaySeconds = m.delaySeconds ?? props.delaySeconds;
  if (delaySeconds < 0 || delaySeconds > 900) throw new InputError('SLUICE_E_MESSAGE_DELAY', `queue '${queue}': delaySeconds must be between 0 and 900 (given ${delaySeconds}, SQS-30)`, { node: queue, field: 'delaySeconds', given: delaySeconds, expected: '0..900' });
  const attributes = count ? JSON.stringify(m.attributes) : null;
  store.messages.send(rt.channel, { id, body: m.body, attributes, delayMs: delaySeconds * 1000, retentionMs: props.retentionSeconds * 1000 }, now);
  delivery.enqueued++;
}

/**
 * Which records of an SQS batch failed, from the handler's response (LSQS-07..09): a set of message
 * ids, or 'all' when the response is invalid and the whole batch counts as failed.
 */
export function failedBatchItems(response: unknown, batchIds: Set<string>): Set<string> | 'all' {
  if (response === null || response === undefined || typeof response !== 'object') return new Set();
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === null || list === undefined) return new Set();
  if (!Array.isArray(list)) return 'all';
  const failed = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

/**
 * The event source mapping of a queue onto the function it feeds: batches of at most `batchSize`,
 * held for the batching window (LSQS-04), received with the queue's visibility timeout and moved to
 * its DLQ on the receive after `maxReceiveCount` (SQS-21).
 */
function mappingSource(queue: QueueRuntime, edge: Edge): EventSource {
  const batchSize = edge.options.batchSize ?? 10;
  const windowMs = edge.options.maxBatchingWindow === undefined ? 0 : durationMs(edge.options.maxBatchingWindow) ?? 0;
  const window = new BatchingWindow(queue.channel, batchSize, windowMs);
  const { props } = queue;
  return {
    channel: queue.channel,
    receive(slots: number, ctx: ReceiveContext) {
      if (windowMs > 0 && window.waiting(ctx.store.messages, ctx.now)) return { invocations: [], received: 0 };
      // One query for every batch the free slots can take; each batch is one invocation.
      const received = ctx.store.messages.receive(queue.channel, {
        max: batchSize * slots,
        visibilityMs: props.visibilityTimeoutSeconds * 1000,
        maxReceiveCount: props.maxReceiveCount,
        deadLetter: { channel: queue.dlqChannel, retentionMs: DLQ_RETENTION_MS, sourceArn: queue.arn },
        // SQS-21 moves the message on the receive after its last failure: counted here, where it moves.
        onDeadLettered: () => ctx.stats(queue.node.name).deadLettered++,
      }, ctx.now);
      const redelivered = received.filter((m) => m.receiveCount > 1).length;
      if (redelivered) ctx.stats(queue.node.name).retries += redelivered;
      const invocations: Invocation[] = [];
      for (let i = 0; i < received.length; i += batchSize) {
        const batch = received.slice(i, i + batchSize);
        invocations.push({ messages: batch, event: { Records: batch.map((m) => sqsRecord(queue.arn, m)) } });
      }
      return { invocations, received: received.length };
    },
    complete: completeBatch,
    nextDueAfter: (now) => window.closingAfter(now),
  };
}

/**
 * Apply a finished batch (LSQS-06..09): the records that succeeded are deleted and their outputs
 * written; the failed ones keep their error and come back when their visibility timeout expires.
 */
function completeBatch(c: Completion, ctx: CompletionContext): void {
  const { result } = c;
  const { store, stats } = ctx;
  const ids = new Set(c.messages.map((m) => m.id));
  const failed = result.ok ? failedBatchItems(result.response, ids) : 'all';
  if (failed === 'all') {
    // LSQS-06: the whole batch returns to the queue when its visibility timeout expires.
    stats.failures++;
    stats.lastError = result.error ?? { errorType: 'InvalidBatchResponse', errorMessage: `function '${c.rt.node.name}' returned an invalid batchItemFailures response (LSQS-09): ${JSON.stringify(result.response)?.slice(0, 200)}`, trace: [] };
    for (const m of c.messages) store.messages.noteError(m.seq, m.receipt!, stats.lastError);
    return;
  }
  if (failed.size > 0) {
    stats.failures++;
    stats.lastError = result.failedRecords[0]?.error ?? { errorType: 'BatchItemFailure', errorMessage: `${failed.size} message(s) reported failed`, trace: [] };
  } else stats.successes++;
  for (const m of c.messages) {
    if (!failed.has(m.id)) {
      store.messages.ack(m.seq, m.receipt!);
      continue;
    }
    const error: ErrorInfo = result.failedRecords.find((f) => f.recordId === m.id)?.error
      ?? { errorType: 'BatchItemFailure', errorMessage: `function '${c.rt.node.name}' reported message ${m.id} in batchItemFailures`, trace: [] };
    store.messages.noteError(m.seq, m.receipt!, error);
  }
  writeOutputs(c, result.outputs, ctx);
  settleRecords(c, (recordId) => recordId === undefined || !failed.has(recordId), ctx);
}

/**
 * A batching window (LSQS-04): a batch goes out when it is full or when the window has passed since
 * its oldest message became visible. Remembers when an open window closes, so the clock can wake for it.
 */
class BatchingWindow {
  private closes: number | undefined;
  constructor(private readonly channel: string, private readonly batchSize: number, private readonly windowMs: number) {}

  /** True while the batch should keep waiting for more messages. */
  waiting(messages: MessageStore, now: number): boolean {
    const { count, oldestVisibleAt } = messages.peekVisible(this.channel, now, this.batchSize);
    this.closes = undefined;
    if (count === 0 || count >= this.batchSize || oldestVisibleAt === undefined) return false;
    const closes = oldestVisibleAt + this.windowMs;
    if (closes <= now) return false;
    this.closes = closes;
    return true;
  }

  /** When the open window closes, if after `now`. */
  closingAfter(now: number): number | undefined {
    return this.closes !== undefined && this.closes > now ? this.closes : undefined;
  }
}
