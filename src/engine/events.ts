/**
 * What the engine reports as it runs: invocations, Pylon's heartbeats and timings, schedule fires and
 * failed deliveries, for `sluice dev` and `sluice run --json`.
 */
import type { LogLine } from '../runtime/context.js';
import type { ErrorInfo } from './aws-events.js';
import type { Completion } from './completion.js';
import type { InvokeResult } from './invoker.js';

/**
 * Something that happened, for progress output (`sluice dev`, `sluice run --json`). Heartbeats and
 * timings follow Pylon's log lines: `heartbeat start` when a step starts (its first invocation, with
 * how it runs), `heartbeat core_process` per input processed, and `timed_execution` with the step
 * function alone (`core_process`) and with the framework's I/O (`total`), in milliseconds.
 */
export type EngineEvent =
  | { type: 'invocation'; fn: string; requestId: string; ok: boolean; durationMs: number; records: number; error?: InvokeResult['error']; failedRecords: number; logs: LogLine[]; executions: number; duplicates: number; coreMs: number; totalMs: number }
  | { type: 'heartbeat'; fn: string; name: 'start'; execution: string; at: string }
  | { type: 'heartbeat'; fn: string; name: 'core_process'; requestId: string; ingestionId: string; at: string }
  | { type: 'timed_execution'; fn: string; requestId: string; ingestionId: string; core_process: number; total: number; at: string }
  | { type: 'schedule'; schedule: string; time: string }
  | { type: 'delivery-failed'; topic: string; target: string; error: ErrorInfo }
  /** A flow execution started or ended (`status` FAILED, TIMED_OUT or ABORTED when `failed`). */
  | { type: 'flow'; flow: string; execution: string; event: 'started' | 'succeeded' | 'failed'; at: string; status?: string; failedJob?: string; error?: string; cause?: string }
  /** A job of a flow execution started, is retried, succeeded or failed. */
  | { type: 'job'; flow: string; execution: string; job: string; event: 'started' | 'retry' | 'succeeded' | 'failed'; at: string; durationMs?: number; error?: string; cause?: string; attempt?: number };

/** The events of one committed invocation: a start heartbeat (a step's first), the invocation, then per input a core_process heartbeat and its timings. */
export function invocationEvents(c: Completion, execution: string, now: number): EngineEvent[] {
  const { result } = c;
  const fn = c.rt.node.name;
  const events: EngineEvent[] = [];
  if (result.started) events.push({ type: 'heartbeat', fn, name: 'start', execution, at: new Date(now).toISOString() });
  const executions = result.executions ?? [];
  let coreMs = 0;
  let totalMs = 0;
  for (const e of executions) {
    coreMs += e.coreMs;
    totalMs += e.totalMs;
  }
  events.push({ type: 'invocation', fn, requestId: c.requestId, ok: result.ok && result.failedRecords.length === 0, durationMs: result.durationMs, records: c.messages.length, error: result.error ?? result.failedRecords[0]?.error, failedRecords: result.failedRecords.length, logs: result.logs, executions: executions.length, duplicates: result.duplicates ?? 0, coreMs, totalMs });
  for (const e of executions) {
    events.push({ type: 'heartbeat', fn, name: 'core_process', requestId: c.requestId, ingestionId: e.ingestionId, at: e.finishedAt });
    events.push({ type: 'timed_execution', fn, requestId: c.requestId, ingestionId: e.ingestionId, core_process: round(e.coreMs), total: round(e.totalMs), at: e.finishedAt });
  }
  return events;
}

/** Milliseconds to the microsecond, for timing lines. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
