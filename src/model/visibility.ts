/**
 * The visibility timeout a queue really gets. For a queue a function consumes, docs/security-rules.md SQS-6
 * requires at least 6 x the function's timeout plus its batching window (AWS's own recommendation;
 * below it a message is received again while its first invocation still runs). An undeclared
 * visibility resolves to that (or SQS's default of 30 s, if larger) everywhere: the local engine and
 * the synthesized template agree.
 */
import { durationSeconds } from './duration.js';
import { Fn } from './fn.js';
import { QUEUE_DEFAULTS, type Queue } from './queue.js';
import type { Pipeline } from './pipeline.js';

/** A queue's visibility timeout and what it must at least be. */
export interface QueueVisibility {
  /** The visibility timeout in use, in seconds. */
  seconds: number;
  /** The least SQS-6 allows, in seconds (0 when no function consumes the queue). */
  required: number;
  /** The consumer that sets `required`. */
  consumer?: Fn;
  /** Whether the user declared it. */
  declared: boolean;
}

/**
 * The visibility timeout of `queue` in `pipe`.
 * @example visibilityOf(pipe, work).seconds // 180 for a consumer with the default 30 s timeout
 */
export function visibilityOf(pipe: Pipeline, queue: Queue): QueueVisibility {
  let required = 0;
  let consumer: Fn | undefined;
  for (const edge of pipe.outgoing(queue)) {
    if (!(edge.to instanceof Fn)) continue;
    const window = edge.options.maxBatchingWindow === undefined ? 0 : durationSeconds(edge.options.maxBatchingWindow) ?? 0;
    const seconds = 6 * edge.to.resolved.timeoutSeconds + window;
    if (seconds <= required) continue;
    required = seconds;
    consumer = edge.to;
  }
  const declared = queue.props.visibilityTimeout !== undefined;
  const seconds = declared ? queue.resolved.visibilityTimeoutSeconds : Math.max(QUEUE_DEFAULTS.visibilityTimeoutSeconds, required);
  return { seconds, required, ...(consumer ? { consumer } : {}), declared };
}
