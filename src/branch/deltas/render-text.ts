/**
 * Text pieces shared by the terminal and HTML renderings: how numbers, key values, summaries and
 * percentages read, and the lists trimmed to a few items. Both renderings say the same thing.
 */
import type { ColumnSummary, DeltasReport, RowValues, TableDelta } from './types.js';

/** Items of a list shown before "and N more". */
export const LIST_LIMIT = 10;

/** A count as people read it: `1,234,567`. */
export function count(n: number): string {
  return n.toLocaleString('en');
}

/** A summary figure: whole numbers as they are, others to 4 significant digits; `-` for none. */
export function figure(n: number | null): string {
  if (n === null) return '-';
  if (Number.isInteger(n)) return count(n);
  return Number(n.toPrecision(4)).toLocaleString('en', { maximumFractionDigits: 20 });
}

/** A share of a whole, as a percentage with 2 decimals (`0.60%`); empty when the whole is 0. */
export function share(part: number, whole: number): string {
  return whole === 0 ? '' : `${((part / whole) * 100).toFixed(2)}%`;
}

/** Key values as `id=2, day=d1`; NULL as `null`. */
export function keyText(values: RowValues): string {
  return Object.entries(values).map(([k, v]) => `${k}=${v ?? 'null'}`).join(', ');
}

/** One value of an example: text as it is, NULL as `null`. */
export function valueText(value: string | null): string {
  return value ?? 'null';
}

/** Two sides' values of one figure: once when equal, else `main → branch`. */
export function sideBySide(main: string, branch: string): string {
  return main === branch ? main : `${main} → ${branch}`;
}

/** The figures of a column summary shown side by side, in order. */
export const SUMMARY_FIELDS: Array<{ label: string; of: (s: ColumnSummary) => string }> = [
  { label: 'type', of: (s) => s.type },
  { label: 'count', of: (s) => count(s.count) },
  { label: 'nulls', of: (s) => count(s.nulls) },
  { label: 'distinct', of: (s) => count(s.distinct) },
  { label: 'min', of: (s) => figure(s.min) },
  { label: 'max', of: (s) => figure(s.max) },
  { label: 'mean', of: (s) => figure(s.mean) },
];

/** A summary figure of both sides: `-` for a side without the column. */
export function summaryCell(main: ColumnSummary | null, branch: ColumnSummary | null, of: (s: ColumnSummary) => string): string {
  return sideBySide(main ? of(main) : '-', branch ? of(branch) : '-');
}

/**
 * The flag on a bucket whose main side was not sampled for want of lineage, or '' when there is none.
 * @example notSampledText(3) // 'not sampled: no lineage (3 of main's objects compared whole)'
 */
export function notSampledText(n: number | undefined): string {
  return n ? `not sampled: no lineage (${count(n)} of main's object${n === 1 ? '' : 's'} compared whole)` : '';
}

/** The report's headline: branch, from node, stage, sample and time. */
export function headline(report: DeltasReport): string {
  const sample = report.sample
    ? [report.sample.percent !== undefined ? `${report.sample.percent}% sample` : '', report.sample.keys ? `keys under '${report.sample.keys}'` : '', report.sample.since ? `since ${report.sample.since}` : ''].filter(Boolean).join(', ')
    : 'all data';
  return `deltas of branch '${report.branch}' (from '${report.from}' on stage '${report.stage}', ${sample}), ${report.generatedAt}`;
}

/** The row counts of a table in one line. */
export function rowsLine(table: TableDelta): string {
  const r = table.rows;
  const sides = `main ${count(r.main)}, branch ${count(r.branch)} rows`;
  if (r.added === null) return `${sides}; no row diff: keys not unique`;
  const changed = table.keys.length ? `, ${count(r.changed ?? 0)} changed` : '';
  const pct = table.keys.length && r.main ? ` (${share(r.changed ?? 0, r.main)} changed)` : '';
  return `${sides}: ${count(r.added)} added, ${count(r.removed ?? 0)} removed${changed}, ${count(r.unchanged ?? 0)} unchanged${pct}`;
}

/** How the table's rows were matched. */
export function keysLine(table: TableDelta): string {
  if (table.keys.length === 0) return 'no keys: whole rows compared';
  return `keys ${table.keys.join(', ')} (${table.keysFrom === 'option' ? '--keys' : "the bucket's keys"})`;
}
