/**
 * `--fail-on` rules for CI gates: `METRIC>LIMIT` or `METRIC>=LIMIT`, the limit a count or, for the
 * rows-* and objects-added/removed/changed metrics, a percentage (`rows-changed>0.5%`). Each metric is
 * summed over every bucket and table of the report; a percentage is of main's rows (of the tables that
 * got a row diff) or main's objects.
 */
import { DeltasError } from './errors.js';
import type { DeltasReport } from './types.js';

/** What a rule measures. */
export const FAIL_ON_METRICS = [
  'rows-added', 'rows-removed', 'rows-changed',
  'objects-added', 'objects-removed', 'objects-changed', 'objects-unreadable',
  'duplicate-keys', 'schema-changes',
] as const;

/** A metric a `--fail-on` rule can name. */
export type FailOnMetric = (typeof FAIL_ON_METRICS)[number];

const PERCENT_METRICS: ReadonlySet<FailOnMetric> = new Set(['rows-added', 'rows-removed', 'rows-changed', 'objects-added', 'objects-removed', 'objects-changed']);

/** One parsed `--fail-on` rule. */
export interface FailOnRule {
  /** The rule as written, trimmed: `rows-changed>0.5%`. */
  spec: string;
  metric: FailOnMetric;
  op: '>' | '>=';
  limit: number;
  /** Whether the limit is a percentage of main's rows or objects. */
  percent: boolean;
}

const RULE = /^([a-z-]+)\s*(>=|>)\s*(\d+(?:\.\d+)?)\s*(%?)$/;

/**
 * Parses one `--fail-on` rule; throws `SLUICE_E_DELTAS_FAIL_ON` naming what is wrong.
 * @example parseFailOn('rows-changed>0.5%') // { metric: 'rows-changed', op: '>', limit: 0.5, percent: true, ... }
 */
export function parseFailOn(spec: string): FailOnRule {
  const trimmed = spec.trim();
  const bad = (why: string) =>
    new DeltasError('SLUICE_E_DELTAS_FAIL_ON', `--fail-on '${spec}': ${why}; write METRIC>LIMIT, e.g. rows-changed>0.5% or objects-removed>0 (metrics: ${FAIL_ON_METRICS.join(', ')})`, {
      field: 'fail-on', given: spec, expected: 'METRIC>LIMIT',
    });
  const match = RULE.exec(trimmed);
  if (!match) {
    const name = /^[a-z-]+/.exec(trimmed)?.[0];
    if (name && !(FAIL_ON_METRICS as readonly string[]).includes(name)) throw bad(`'${name}' is not a metric`);
    throw bad('it is not a metric, > or >=, and a number');
  }
  const [, metric, op, limit, percent] = match as unknown as [string, string, '>' | '>=', string, string];
  if (!(FAIL_ON_METRICS as readonly string[]).includes(metric)) throw bad(`'${metric}' is not a metric`);
  if (percent && !PERCENT_METRICS.has(metric as FailOnMetric)) throw bad(`${metric} is a count, not a share: give its limit without %`);
  return { spec: trimmed, metric: metric as FailOnMetric, op, limit: Number(limit), percent: percent === '%' };
}

/** A metric's count over the report and the total a percentage is of. */
function measure(report: DeltasReport, metric: FailOnMetric): { count: number; of: number } {
  let count = 0;
  let of = 0;
  for (const bucket of report.buckets) {
    const o = bucket.objects;
    const objects = { 'objects-added': o.added.length, 'objects-removed': o.removed.length, 'objects-changed': o.changed.length, 'objects-unreadable': o.unreadable.length } as Partial<Record<FailOnMetric, number>>;
    if (objects[metric] !== undefined) {
      count += objects[metric];
      of += o.removed.length + o.changed.length + o.unchanged;
    }
    for (const table of bucket.tables) {
      if (metric === 'duplicate-keys') count += (table.duplicates?.main?.keys ?? 0) + (table.duplicates?.branch?.keys ?? 0);
      if (metric === 'schema-changes') count += table.schema.added.length + table.schema.removed.length + table.schema.retyped.length;
      const rows = { 'rows-added': table.rows.added, 'rows-removed': table.rows.removed, 'rows-changed': table.rows.changed } as Partial<Record<FailOnMetric, number | null>>;
      const n = rows[metric];
      if (n !== undefined && n !== null) {
        count += n;
        of += table.rows.main;
      }
    }
  }
  return { count, of };
}

/**
 * The rules the report breaks, each with its actual value (a percentage for a percentage rule; 100
 * when main had nothing and the branch has some).
 * @example failedRules(report, [parseFailOn('rows-changed>0.5%')]) // [{ rule: 'rows-changed>0.5%', actual: 1.2 }]
 */
export function failedRules(report: DeltasReport, rules: FailOnRule[]): Array<{ rule: string; actual: number }> {
  const failed: Array<{ rule: string; actual: number }> = [];
  for (const rule of rules) {
    const { count, of } = measure(report, rule.metric);
    const actual = rule.percent ? (of === 0 ? (count > 0 ? 100 : 0) : (count / of) * 100) : count;
    if (rule.op === '>' ? actual > rule.limit : actual >= rule.limit) failed.push({ rule: rule.spec, actual });
  }
  return failed;
}
