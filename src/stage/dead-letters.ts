/**
 * Dead letters as every stage reports them. A queue's DLQ holds the messages themselves; a
 * function's on-failure queue holds Lambda's invocation record (LA-07), which carries the original
 * event, the attempts and the last error. Both adapters read what they hold through here, so
 * `sluice dlq list` shows the same fields for the local engine and AWS.
 */
import type { DeadLetterDefinition } from '../model/kind.js';
import type { DeadLetter, FailureError } from './stage.js';

/** A message as a dead-letter queue holds it, before it is read as a dead letter. */
export interface RawDeadLetter {
  id: string;
  body: string;
  /** ISO-8601. */
  sentAt: string;
  receiveCount?: number;
  /** The consumer's last error (kept by the local engine; SQS records none). */
  lastError?: FailureError;
  attributes?: Record<string, string>;
}

/** Lambda's invocation record, as far as a dead letter reads it. */
interface InvocationRecord {
  timestamp?: string;
  requestContext?: { requestId?: string; condition?: string; approximateInvokeCount?: number };
  requestPayload?: unknown;
  responsePayload?: FailureError | null;
}

/**
 * A dead letter from the message that holds it, read as its node's kind keeps them.
 * @example deadLetterOf('message', { id: 'm1', body: 'poison', sentAt, receiveCount: 3 }).attempts // 3
 */
export function deadLetterOf(record: DeadLetterDefinition['record'], raw: RawDeadLetter): DeadLetter {
  if (record === 'invocation') {
    const r = parseRecord(raw.body);
    // A message someone else put in the on-failure queue is shown as it is.
    if (r?.requestContext) {
      return {
        id: r.requestContext.requestId ?? raw.id,
        body: JSON.stringify(r.requestPayload ?? null),
        sentAt: raw.sentAt,
        attempts: r.requestContext.approximateInvokeCount ?? 0,
        ...(r.requestContext.condition ? { condition: r.requestContext.condition } : {}),
        ...(r.timestamp ? { failedAt: r.timestamp } : {}),
        error: r.responsePayload ?? null,
        event: r.requestPayload,
      };
    }
  }
  return {
    id: raw.id,
    body: raw.body,
    sentAt: raw.sentAt,
    attempts: raw.receiveCount ?? 0,
    ...(raw.lastError ? { error: raw.lastError } : {}),
    ...(raw.attributes && Object.keys(raw.attributes).length ? { attributes: raw.attributes } : {}),
  };
}

function parseRecord(body: string): InvocationRecord | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as InvocationRecord) : undefined;
  } catch {
    return undefined;
  }
}
