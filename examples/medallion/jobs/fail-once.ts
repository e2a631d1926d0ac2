/**
 * A way to watch a retry happen: trigger the flow with `{ "failOnce": { "job": "extract", "marker":
 * "/tmp/medallion-fail-once" } }` as its input and that job's first attempt fails on purpose; it
 * writes the marker file first, so its retry (and every later run) finds it and goes on. The marker
 * is a local file because a failed attempt's writes to the stages are discarded: nothing else
 * survives from one attempt to the next. For local runs and tests; on Lambda the file lives in one
 * container's /tmp.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { JobCtx } from 'sluice/runtime';

/** Fail this attempt if the execution's input asks for it and its marker file does not exist yet. */
export function failOnceIfAsked(ctx: JobCtx): void {
  const ask = (ctx.input as { failOnce?: { job?: unknown; marker?: unknown } } | null)?.failOnce;
  if (!ask || ask.job !== ctx.job || typeof ask.marker !== 'string' || existsSync(ask.marker)) return;
  writeFileSync(ask.marker, `${ctx.execution}\n`);
  throw new Error(`job '${ctx.job}' fails its first attempt on purpose (input.failOnce); its marker ${ask.marker} is written, so the next attempt runs`);
}
