/**
 * The per-node summary `sluice run` prints: invocations, successes, failures, retries and what
 * landed in a dead-letter queue, plus the errors behind the failures. Built from the local Stage:
 * its counters and what its state holds.
 */
import pc from 'picocolors';
import type { NodeStats } from '../engine/index.js';
import type { LocalStage } from '../stage/local.js';
import { table } from './output.js';

/** One node's line of the summary. */
export interface NodeSummary extends NodeStats {
  node: string;
  kind: string;
  /** Messages in its dead-letter destination now (all runs). */
  deadLetterDepth?: number;
  /** Messages waiting in it now (queues). */
  waiting?: number;
  objects?: number;
}

/** Summaries for every node of the stage's pipeline. */
export async function summarize(stage: LocalStage): Promise<NodeSummary[]> {
  const stats = stage.stats();
  const { nodes } = await stage.status();
  return nodes.map((n) => ({
    node: n.node,
    kind: n.kind,
    ...stats[n.node]!,
    ...(n.deadLetters !== undefined ? { deadLetterDepth: n.deadLetters } : {}),
    ...(n.queue ? { waiting: n.queue.visible + n.queue.inFlight + n.queue.delayed } : {}),
    ...(n.objects !== undefined ? { objects: n.objects } : {}),
  }));
}

/** Dead letters added in this run, per node: each queue's redrives plus each function's failures. */
export function deadLetteredThisRun(before: Map<string, number>, summaries: NodeSummary[]): number {
  return summaries.reduce((n, s) => n + Math.max(0, (s.deadLetterDepth ?? 0) - (before.get(s.node) ?? 0)), 0);
}

/** The summary as a table for people. */
export function formatSummary(summaries: NodeSummary[], before: Map<string, number>): string {
  const rows = summaries.map((s) => {
    const dlq = s.deadLetterDepth === undefined ? '' : String(Math.max(0, s.deadLetterDepth - (before.get(s.node) ?? 0)));
    const detail = s.objects !== undefined ? `${s.objects} object(s)` : s.waiting !== undefined ? `${s.waiting} waiting` : '';
    const runs = s.kind === 'fn';
    return [s.node, s.kind, runs ? s.invocations : '', runs ? s.successes : '', runs || s.kind === 'topic' ? s.failures : '', runs || s.kind === 'queue' ? s.retries : '', dlq === '0' ? dlq : dlq ? pc.red(dlq) : '', detail];
  });
  const lines = [table(rows, ['node', 'kind', 'invocations', 'ok', 'failed', 'retries', "dlq'd", ''])];
  for (const s of summaries) {
    if (!s.lastError) continue;
    lines.push('', `${pc.red('✗')} ${s.kind} '${s.node}': ${s.lastError.errorType}: ${s.lastError.errorMessage}`);
    for (const frame of s.lastError.trace.slice(0, 4)) lines.push(pc.dim(`    ${frame}`));
  }
  return lines.join('\n');
}

/** Dead-letter depths per node, to compare after a run. */
export async function deadLetterDepths(stage: LocalStage): Promise<Map<string, number>> {
  return new Map((await summarize(stage)).filter((s) => s.deadLetterDepth !== undefined).map((s) => [s.node, s.deadLetterDepth!]));
}
