/**
 * Recording what a commit ran into the store's activity (src/engine/store/activity.ts): each
 * committed invocation with its logs and timings, and what it added to each node's counters.
 */
import type { Completion, NodeStats } from './completion.js';
import type { ActivityCounters, InvocationRecord } from './store/activity.js';
import type { EngineStore } from './store/types.js';

const MAX_LOGS = 50;

/** Record the committed invocations and the counter increments between two snapshots. */
export function recordActivity(store: EngineStore, committed: readonly Completion[], before: ReadonlyMap<string, NodeStats>, after: ReadonlyMap<string, NodeStats>, now: number): void {
  const invocations: InvocationRecord[] = committed.map((c) => {
    const { result } = c;
    const executions = result.executions ?? [];
    const error = result.error ?? result.failedRecords[0]?.error;
    return {
      node: c.rt.node.name,
      requestId: c.requestId,
      at: now,
      ok: result.ok && result.failedRecords.length === 0,
      durationMs: result.durationMs,
      records: c.messages.length || 1,
      failedRecords: result.failedRecords.length,
      ...(error ? { error: { errorType: error.errorType, errorMessage: error.errorMessage, ...(error.code ? { code: error.code } : {}) } } : {}),
      logs: result.logs.slice(0, MAX_LOGS).map((l) => ({ at: l.at, message: l.message, ...(l.data ? { data: l.data } : {}) })),
      started: result.started === true,
      executions: executions.length,
      coreMs: executions.reduce((sum, e) => sum + e.coreMs, 0),
      totalMs: executions.reduce((sum, e) => sum + e.totalMs, 0),
    };
  });
  const increments = new Map<string, ActivityCounters>();
  for (const [node, now] of after) {
    const was = before.get(node) ?? { invocations: 0, failures: 0, retries: 0, deadLettered: 0 };
    const inc = { invocations: now.invocations - was.invocations, failures: now.failures - was.failures, retries: now.retries - was.retries, deadLettered: now.deadLettered - was.deadLettered };
    if (inc.invocations || inc.failures || inc.retries || inc.deadLettered) increments.set(node, inc);
  }
  store.activity.record(invocations, increments);
}
