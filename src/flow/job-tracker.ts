/**
 * Turns the Step Functions interpreter's event log (aws-local-stepfunctions) into what runFlow
 * reports about a flow's jobs: events as they start, retry, succeed and fail, and each job's result.
 */
import type { FlowEvent, FlowJobResult } from './local-run.js';

/** The interpreter's event log entries runFlow reads. */
export interface LibraryEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string };
  Error?: string;
  Cause?: unknown;
  retry?: { attempt: number };
}

/** Turns the interpreter's state events for job Task states into job events and per-job results. */
export class JobTracker {
  private readonly started = new Map<string, number>();
  private readonly ended = new Map<string, { status: 'SUCCEEDED' | 'FAILED'; at: number; error?: string; cause?: string }>();
  private readonly lastError = new Map<string, { error: string; cause: string }>();
  private readonly caught = new Set<string>();
  private readonly retries = new Map<string, number>();

  constructor(private readonly jobStates: Set<string>, private readonly onEvent?: (event: FlowEvent) => void) {}

  observe(event: LibraryEvent): void {
    const job = event.state?.name;
    if (!job || event.state?.type !== 'Task' || !this.jobStates.has(job)) return;
    const at = event.timestamp;
    const since = () => at - (this.started.get(job) ?? at);
    switch (event.type) {
      case 'StateEntered':
        this.started.set(job, at);
        this.emit({ type: 'job-started', job, at: new Date(at) });
        break;
      case 'StateFailed':
        this.lastError.set(job, { error: event.Error ?? 'Error', cause: typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause ?? null) });
        break;
      case 'StateRetried': {
        const retries = (this.retries.get(job) ?? 0) + 1;
        this.retries.set(job, retries);
        this.emit({ type: 'job-retry', job, at: new Date(at), attempt: retries + 1, ...this.lastError.get(job) });
        break;
      }
      case 'StateCaught': {
        this.caught.add(job);
        const failure = this.lastError.get(job);
        this.ended.set(job, { status: 'FAILED', at, ...failure });
        this.emit({ type: 'job-failed', job, at: new Date(at), durationMs: since(), ...failure });
        break;
      }
      case 'StateExited':
        if (this.caught.has(job)) break;
        this.ended.set(job, { status: 'SUCCEEDED', at });
        this.emit({ type: 'job-succeeded', job, at: new Date(at), durationMs: since() });
        break;
    }
  }

  jobs(stoppedAt: Date, attempts: Map<string, number>): Record<string, FlowJobResult> {
    const out: Record<string, FlowJobResult> = {};
    for (const [job, startMs] of this.started) {
      const end = this.ended.get(job);
      out[job] = {
        status: end?.status ?? 'ABORTED',
        startedAt: new Date(startMs),
        durationMs: (end?.at ?? stoppedAt.getTime()) - startMs,
        attempts: attempts.get(job) ?? 0,
        ...(end?.error !== undefined ? { error: end.error } : {}),
        ...(end?.cause !== undefined ? { cause: end.cause } : {}),
      };
    }
    return out;
  }

  private emit(event: FlowEvent): void {
    this.onEvent?.(event);
  }
}
