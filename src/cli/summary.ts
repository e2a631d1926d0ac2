/**
 * The per-node summary `sluice run` prints: invocations, successes, failures, retries and what
 * landed in a dead-letter queue, plus the errors behind the failures.
 */
import pc from 'picocolors';
import type { Engine, NodeStats } from '../engine/index.js';
import { channel } from '../engine/topology.js';
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

/** Summaries for every node of the engine's pipeline. */
export function summarize(engine: Engine): NodeSummary[] {
  const now = engine.clock.now();
  const out: NodeSummary[] = [];
  for (const [name, node] of engine.pipeline.nodes) {
    const stats = engine.stats.get(name)!;
    const s: NodeSummary = { node: name, kind: node.kind, ...stats };
    if (node.kind === 'fn' || node.kind === 'queue') s.deadLetterDepth = engine.store.messages.counts(node.kind === 'fn' ? channel.failures(name) : channel.dlq(name), now).total;
    if (node.kind === 'queue') s.waiting = engine.store.messages.counts(channel.queue(name), now).total;
    if (node.kind === 'bucket') s.objects = engine.store.objects.count(name);
    out.push(s);
  }
  return out;
}

/** Dead letters added in this run, per node: each queue's redrives plus each function's failures. */
export function deadLetteredThisRun(before: Map<string, number>, summaries: NodeSummary[]): number {
  return summaries.reduce((n, s) => n + Math.max(0, (s.deadLetterDepth ?? 0) - (before.get(s.node) ?? 0)), 0);
}

/** The summary as a table for people. */
export function formatSummary(summaries: NodeSummary[], before: Map<string, number>): string {
  const rows = summaries.map((s) => {
    const dlq = s.deadLetterDepth === undefined ? '' : String(Math.max(0, s.deadLetterDepth - (before.get(s.node) ?? 0)));
    const detail = s.kind === 'bucket' ? `${s.objects} object(s)` : s.kind === 'queue' ? `${s.waiting} waiting` : '';
    return [s.node, s.kind, s.kind === 'fn' ? s.invocations : '', s.kind === 'fn' ? s.successes : '', s.kind === 'fn' || s.kind === 'topic' ? s.failures : '', s.kind === 'fn' || s.kind === 'queue' ? s.retries : '', dlq === '0' ? dlq : dlq ? pc.red(dlq) : '', detail];
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
export function deadLetterDepths(engine: Engine): Map<string, number> {
  return new Map(summarize(engine).filter((s) => s.deadLetterDepth !== undefined).map((s) => [s.node, s.deadLetterDepth!]));
}
