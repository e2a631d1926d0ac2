/**
 * The deltas report for a terminal: per bucket its objects, then per table its rows, duplicates,
 * schema changes, and a column table with both sides' summaries side by side (`main → branch` where
 * they differ) and a few changed values. Keys and values are shown with the characters a terminal
 * would act on (escape sequences, newlines) escaped, as `sluice ls` shows keys.
 */
import { count, headline, keysLine, keyText, LIST_LIMIT, notSampledText, rowsLine, summaryCell, SUMMARY_FIELDS, valueText } from './render-text.js';
import type { BucketDelta, DeltasReport, TableDelta } from './types.js';

// C0 and C1 controls, DEL, line/paragraph separators and bidirectional overrides.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text with the characters a terminal would act on written as `\u001b` and the like. */
function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function grid(rows: string[][], indent: string): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows.map((r) => indent + r.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  ').trimEnd());
}

function list(marker: string, items: string[], indent: string): string[] {
  const lines = items.slice(0, LIST_LIMIT).map((item) => `${indent}${marker} ${printable(item)}`);
  if (items.length > LIST_LIMIT) lines.push(`${indent}  ... and ${count(items.length - LIST_LIMIT)} more`);
  return lines;
}

function objectLines(bucket: BucketDelta): string[] {
  const o = bucket.objects;
  const lines = [`  objects: ${count(o.added.length)} added, ${count(o.removed.length)} removed, ${count(o.changed.length)} changed, ${count(o.unchanged)} unchanged, ${count(o.unreadable.length)} unreadable`];
  if (bucket.notSampled) lines.push(`  ${notSampledText(bucket.notSampled)}`);
  lines.push(...list('+', o.added, '    '), ...list('-', o.removed, '    '), ...list('~', o.changed, '    '));
  lines.push(...list('!', o.unreadable.map((u) => `${u.key} (${u.side}, not ${u.format}): ${u.error}`), '    '));
  return lines;
}

function tableLines(table: TableDelta): string[] {
  const lines = [`  table ${printable(table.table)}: ${table.format}, ${count(table.objects.main)} → ${count(table.objects.branch)} objects, ${printable(keysLine(table))}`];
  lines.push(`    rows: ${rowsLine(table)}`);
  for (const side of ['main', 'branch'] as const) {
    const d = table.duplicates?.[side];
    if (d) lines.push(`    duplicate keys on ${side}: ${count(d.keys)} key value${d.keys === 1 ? '' : 's'} in ${count(d.rows)} rows, e.g. ${printable(d.examples.map((e) => `${keyText(e.key)} (${e.count}×)`).join('; '))}`);
  }
  const s = table.schema;
  if (s.added.length + s.removed.length + s.retyped.length > 0) {
    const changes = [...s.added.map((c) => `+${c.column} ${c.type}`), ...s.removed.map((c) => `-${c.column} ${c.type}`), ...s.retyped.map((c) => `${c.column} ${c.main} → ${c.branch}`)];
    lines.push(`    schema: ${printable(changes.join(', '))}`);
  }
  if (table.columns.length > 0) {
    const header = ['column', 'changed', ...SUMMARY_FIELDS.map((f) => f.label)];
    const rows = table.columns.map((c) => [printable(c.column), table.keys.length && table.rows.changed !== null && c.main && c.branch && !table.keys.includes(c.column) ? count(c.changed) : '', ...SUMMARY_FIELDS.map((f) => summaryCell(c.main, c.branch, f.of))]);
    lines.push(...grid([header, ...rows], '    '));
  }
  for (const c of table.columns) {
    for (const e of c.examples) lines.push(`    ~ ${printable(c.column)} at ${printable(keyText(e.key))}: ${printable(valueText(e.main))} → ${printable(valueText(e.branch))}`);
  }
  lines.push(...list('+ row', table.examples.added.map(keyText), '    '), ...list('- row', table.examples.removed.map(keyText), '    '));
  return lines;
}

/**
 * The report as text for a terminal (no colours: it reads the same in a CI log).
 * @example console.log(renderDeltasTable(report));
 */
export function renderDeltasTable(report: DeltasReport): string {
  const lines = [printable(headline(report))];
  if (report.buckets.length === 0) lines.push('no branched output buckets to compare');
  for (const bucket of report.buckets) {
    lines.push('', `bucket ${printable(bucket.bucket)}`, ...objectLines(bucket));
    for (const table of bucket.tables) lines.push(...tableLines(table));
  }
  return lines.join('\n');
}
