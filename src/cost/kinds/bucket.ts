/**
 * A bucket's cost: storage of the objects landing in it, a PUT for each (from outside or written by a
 * step), a GET for each object a function it triggers reads, and its lifecycle rules (synth's rules
 * only expire or abort uploads, which S3 does not bill). S3 event notifications are free.
 */
import type { Bucket } from '../../model/bucket.js';
import { ratePerMonth, sizeBytes, type Rate, type Size } from '../../model/expected.js';
import { GB, type KindCost, type Volume } from '../kind.js';
import { fmt } from '../lambda.js';

/** Objects of a bucket without a declared size. */
export const DEFAULT_OBJECT_BYTES = 1024;

/** What a source node declares it receives a month (objects or messages, of `size` each), as a volume. */
export function declaredVolume(rate: Rate | undefined, size: Size | undefined): Volume {
  return { count: rate !== undefined ? ratePerMonth(rate) ?? 0 : 0, bytes: size !== undefined ? sizeBytes(size) ?? DEFAULT_OBJECT_BYTES : DEFAULT_OBJECT_BYTES };
}

export const bucketCost: KindCost<Bucket> = {
  unit: 'objects',
  sourceLabel: 'declared',
  source(node) {
    const e = node.props.expected;
    if (!e) return undefined;
    return declaredVolume(e.objects, e.size);
  },
  // Each object that lands notifies every function, queue and topic it is wired to (filters are assumed to match).
  passes: (_node, inflow) => ({ count: inflow.count, bytes: inflow.bytes }),
  lines(node, inflow, ctx) {
    const reads = ctx.pipeline.outgoing(node).filter((e) => e.to.kind === 'fn');
    const gets = reads.length * inflow.count;
    const lines = [
      ctx.line('s3.put', inflow.count, `${fmt(inflow.count)} objects put`),
      // Objects are kept: storage grows by this much every month (no expiry rule).
      ctx.line('s3.storage', (inflow.count * inflow.bytes) / GB, `a month's objects (${fmt(inflow.count)} x ${fmt(inflow.bytes)} B; grows monthly)`),
    ];
    if (gets) lines.push(ctx.line('s3.get', gets, `each object read once by ${reads.map((e) => `'${e.to.name}'`).join(', ')}`));
    const rules = ctx.facts.lifecycle.get(node.name) ?? [];
    lines.push(ctx.line('s3.lifecycle.transition', 0, `lifecycle rules ${rules.length ? rules.join(', ') : 'none'}: no transitions (expiring and aborting are free)`));
    return lines;
  },
};
