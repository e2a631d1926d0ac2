/**
 * How a flow execution's progress reads for people, one line per event: `sluice trigger`, `sluice
 * dev` and `sluice run` print the same lines.
 */
import pc from 'picocolors';
import type { EngineEvent } from '../engine/events.js';

type FlowEvent = Extract<EngineEvent, { type: 'flow' | 'job' }>;

/** Seconds with one decimal, or milliseconds under a second. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The error of a failed job, from its cause when that is Lambda's JSON error. */
export function jobError(error: string | undefined, cause: string | undefined): string {
  if (cause) {
    // Lambda's error as JSON, alone or after the state machine's `<ErrorType>: ` (a failed flow's cause).
    const json = cause.startsWith('{') ? cause : cause.slice(cause.indexOf(': {') + 2);
    try {
      const parsed = JSON.parse(json) as { errorType?: string; errorMessage?: string; ErrorMessage?: string };
      if (parsed.errorMessage) return `${parsed.errorType ?? error}: ${parsed.errorMessage}`;
      if (parsed.ErrorMessage) return parsed.ErrorMessage;
    } catch {
      // Not JSON: the cause is the message.
    }
    return `${error ? `${error}: ` : ''}${cause}`;
  }
  return error ?? '';
}

/** One progress line. */
export function flowLine(e: FlowEvent): string {
  if (e.type === 'flow') {
    if (e.event === 'started') return `${pc.cyan('▶')} flow '${e.flow}' started (execution ${e.execution})`;
    if (e.event === 'succeeded') return `${pc.green('✓')} flow '${e.flow}' succeeded (execution ${e.execution})`;
    return `${pc.red('✗')} flow '${e.flow}' ${(e.status ?? 'FAILED').toLowerCase().replace('_', ' ')}${e.failedJob ? ` at job '${e.failedJob}'` : ''}: ${pc.red(jobError(e.error, e.cause))}`;
  }
  if (e.event === 'started') return `  ${pc.cyan('·')} ${e.job} started`;
  if (e.event === 'succeeded') return `  ${pc.green('✓')} ${e.job} ${pc.dim(duration(e.durationMs))}`;
  if (e.event === 'retry') return `  ${pc.yellow('↻')} ${e.job} failed, retrying (attempt ${e.attempt ?? '?'}): ${jobError(e.error, e.cause)}`;
  return `  ${pc.red('✗')} ${e.job} failed after ${duration(e.durationMs)}: ${pc.red(jobError(e.error, e.cause))}`;
}
