/**
 * The lines every Lambda-backed step is billed on (functions and flow jobs): requests, duration in
 * GB-seconds at the Arm price (synth deploys arm64), CloudWatch Logs ingestion and storage for its log
 * group's retention, X-Ray traces when tracing is on, and its lineage records in DynamoDB.
 */
import type { AnyNode } from '../model/node.js';
import { HOURS_PER_MONTH } from '../model/expected.js';
import { GB, type CostContext, type CostLine } from './kind.js';

/** Bytes Lambda itself logs per invocation: the START, END and REPORT lines (with the X-Ray segment). */
export const PLATFORM_LOG_BYTES = 400;

/** Seconds in a month of 730 hours. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/**
 * X-Ray's default sampling rule records the first request each second and 5% of the rest: with
 * traffic spread evenly over the month, the traces recorded for `requests` invocations.
 */
export function sampledTraces(requests: number): number {
  return Math.min(requests, SECONDS_PER_MONTH) + 0.05 * Math.max(0, requests - SECONDS_PER_MONTH);
}

/**
 * A Lambda step's lines: `invocations` requests running `inputs` inputs of the step's expected duration.
 * @example lambdaLines(copy, 1_000_000, 1_000_000, ctx)
 */
export function lambdaLines(node: AnyNode, invocations: number, inputs: number, ctx: CostContext): CostLine[] {
  const facts = ctx.facts.lambdas.get(node.name);
  const step = ctx.step(node);
  const memoryMb = facts?.memoryMb ?? 128;
  if (facts && facts.architecture !== 'arm64') ctx.assume(`${node} runs on ${facts.architecture}: priced at the Arm rate, which is lower`);
  const seconds = (inputs * step.durationMs) / 1000;
  const lines = [
    ctx.line('lambda.requests', invocations, `${fmt(invocations)} invocations`),
    ctx.line('lambda.arm64.duration', seconds * (memoryMb / 1024), `${fmt(inputs)} inputs x ${step.durationMs} ms (${step.durationFrom}) x ${memoryMb} MB`),
  ];
  const logBytes = invocations * PLATFORM_LOG_BYTES + inputs * step.logBytes;
  const logGb = logBytes / GB;
  const retentionDays = facts?.logRetentionDays ?? 30;
  lines.push(ctx.line('logs.ingestion', logGb, `${PLATFORM_LOG_BYTES} B per invocation + ${step.logBytes} B per input`));
  // What the log group holds once it is full: a month's logs times the months its retention keeps.
  lines.push(ctx.line('logs.storage', logGb * (retentionDays / (HOURS_PER_MONTH / 24)), `${retentionDays} days' retention (from synth), uncompressed: an upper bound`));
  if (facts?.tracing) lines.push(ctx.line('xray.traces', sampledTraces(invocations), 'active tracing, default sampling (1 a second + 5%)'));
  if (facts?.lineage) {
    lines.push(ctx.line('dynamodb.writes', inputs, 'lineage: one record (up to 1 KB) per input'));
    // Lineage records are kept: the table grows by a month's records every month.
    lines.push(ctx.line('dynamodb.storage', (inputs * 1024) / GB, "lineage records written in a month (1 KB each; grows monthly)"));
    if (ctx.facts.pitr.has('LineageTable')) lines.push(ctx.line('dynamodb.pitr', (inputs * 1024) / GB, 'point-in-time backups of those records'));
  }
  return lines;
}

/** A count for people: 1,000,000. */
export function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
