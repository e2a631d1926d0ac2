/**
 * The deltas report as one self-contained HTML file a reviewer opens or attaches to a pull request:
 * inline CSS, no script, no external asset, and a Content-Security-Policy that forbids loading
 * anything. Every key, value, column and message is escaped (they come from data the branch wrote).
 */
import { count, headline, keysLine, keyText, LIST_LIMIT, notSampledText, rowsLine, share, summaryCell, SUMMARY_FIELDS, valueText } from './render-text.js';
import type { BucketDelta, DeltasReport, TableDelta } from './types.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const e = escapeHtml;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.3rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}h3{font-size:1rem;margin-bottom:.3rem}
table{border-collapse:collapse;margin:.4rem 0}th,td{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}code,.mono{font-family:ui-monospace,Menlo,monospace;font-size:.9em}
.added{color:#1a7f37}.removed{color:#cf222e}.changed{color:#9a6700}.muted{color:#656d76}.warn{background:#fff8c5;padding:.3rem .5rem}
ul{margin:.2rem 0;padding-left:1.3rem}details{margin:.3rem 0}summary{cursor:pointer}
`;

function items(list: string[], cls: string): string {
  if (list.length === 0) return '';
  const shown = list.slice(0, LIST_LIMIT).map((item) => `<li class="mono ${cls}">${e(item)}</li>`).join('');
  const more = list.length > LIST_LIMIT ? `<li class="muted">… and ${count(list.length - LIST_LIMIT)} more</li>` : '';
  return `<ul>${shown}${more}</ul>`;
}

function objectsSection(bucket: BucketDelta): string {
  const o = bucket.objects;
  const summary = `${count(o.added.length)} added, ${count(o.removed.length)} removed, ${count(o.changed.length)} changed, ${count(o.unchanged)} unchanged, ${count(o.unreadable.length)} unreadable`;
  const lists = [
    o.added.length ? `<h3 class="added">added</h3>${items(o.added, 'added')}` : '',
    o.removed.length ? `<h3 class="removed">removed</h3>${items(o.removed, 'removed')}` : '',
    o.changed.length ? `<h3 class="changed">changed</h3>${items(o.changed, 'changed')}` : '',
    o.unreadable.length ? `<h3 class="removed">unreadable</h3>${items(o.unreadable.map((u) => `${u.key} (${u.side}, not ${u.format}): ${u.error}`), 'removed')}` : '',
  ].join('');
  const flag = bucket.notSampled ? `<p class="changed"><b>${e(notSampledText(bucket.notSampled))}</b></p>` : '';
  return `${flag}<p><b>objects:</b> ${summary}</p>${lists ? `<details${o.unreadable.length ? ' open' : ''}><summary>object keys</summary>${lists}</details>` : ''}`;
}

function rowsTable(table: TableDelta): string {
  const r = table.rows;
  const cell = (n: number | null, cls = '') => `<td class="n ${cls}">${n === null ? '-' : count(n)}</td>`;
  return `<table><tr><th>rows main</th><th>rows branch</th><th>added</th><th>removed</th><th>changed</th><th>unchanged</th><th>changed share</th></tr>` +
    `<tr>${cell(r.main)}${cell(r.branch)}${cell(r.added, 'added')}${cell(r.removed, 'removed')}${cell(r.changed, 'changed')}${cell(r.unchanged)}<td class="n">${r.changed === null ? '-' : e(share(r.changed, r.main))}</td></tr></table>`;
}

function columnsTable(table: TableDelta): string {
  if (table.columns.length === 0) return '';
  const head = `<tr><th>column</th><th>changed</th>${SUMMARY_FIELDS.map((f) => `<th>${e(f.label)}</th>`).join('')}<th>changed values (main → branch)</th></tr>`;
  const rows = table.columns.map((c) => {
    const compared = table.keys.length > 0 && table.rows.changed !== null && c.main && c.branch && !table.keys.includes(c.column);
    const examples = c.examples.map((x) => `<div class="mono">${e(keyText(x.key))}: <span class="removed">${e(valueText(x.main))}</span> → <span class="added">${e(valueText(x.branch))}</span></div>`).join('');
    return `<tr><td class="mono">${e(c.column)}</td><td class="n changed">${compared ? count(c.changed) : ''}</td>${SUMMARY_FIELDS.map((f) => `<td class="n">${e(summaryCell(c.main, c.branch, f.of))}</td>`).join('')}<td>${examples}</td></tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function tableSection(table: TableDelta): string {
  const parts = [`<h3><span class="mono">${e(table.table)}</span> <span class="muted">${e(table.format)}, ${count(table.objects.main)} → ${count(table.objects.branch)} objects, ${e(keysLine(table))}</span></h3>`];
  parts.push(`<p>${e(rowsLine(table))}</p>`, rowsTable(table));
  for (const side of ['main', 'branch'] as const) {
    const d = table.duplicates?.[side];
    if (d) parts.push(`<p class="warn">duplicate keys on ${side}: ${count(d.keys)} key value${d.keys === 1 ? '' : 's'} in ${count(d.rows)} rows, so no row diff was made; e.g. ${d.examples.map((x) => `<span class="mono">${e(keyText(x.key))}</span> (${x.count}×)`).join(', ')}</p>`);
  }
  const s = table.schema;
  if (s.added.length + s.removed.length + s.retyped.length > 0) {
    const changes = [
      ...s.added.map((c) => `<li class="added"><span class="mono">${e(c.column)}</span> added (${e(c.type)})</li>`),
      ...s.removed.map((c) => `<li class="removed"><span class="mono">${e(c.column)}</span> removed (${e(c.type)})</li>`),
      ...s.retyped.map((c) => `<li class="changed"><span class="mono">${e(c.column)}</span> ${e(c.main)} → ${e(c.branch)}</li>`),
    ];
    parts.push(`<p><b>schema changes</b></p><ul>${changes.join('')}</ul>`);
  }
  parts.push(columnsTable(table));
  const rowList = (label: string, rows: TableDelta['examples']['added'], cls: string) => (rows.length ? `<p><b>${label}:</b> ${rows.map((x) => `<span class="mono ${cls}">${e(keyText(x))}</span>`).join('; ')}</p>` : '');
  parts.push(rowList('added rows, e.g.', table.examples.added, 'added'), rowList('removed rows, e.g.', table.examples.removed, 'removed'));
  return parts.join('\n');
}

/** One line per table of every bucket: where the changes are, before the details. */
function overview(report: DeltasReport): string {
  const rows = report.buckets.flatMap((b) => b.tables.map((t) => {
    const r = t.rows;
    const n = (v: number | null, cls: string) => `<td class="n ${cls}">${v === null ? '-' : count(v)}</td>`;
    const schema = t.schema.added.length + t.schema.removed.length + t.schema.retyped.length;
    const duplicates = (t.duplicates?.main?.keys ?? 0) + (t.duplicates?.branch?.keys ?? 0);
    return `<tr><td class="mono">${e(b.bucket)}</td><td class="mono">${e(t.table)}</td><td class="n">${count(r.main)} → ${count(r.branch)}</td>${n(r.added, 'added')}${n(r.removed, 'removed')}${n(r.changed, 'changed')}<td class="n">${schema || ''}</td><td class="n removed">${duplicates || ''}</td></tr>`;
  }));
  if (rows.length === 0) return '';
  return `<table><tr><th>bucket</th><th>table</th><th>rows</th><th>added</th><th>removed</th><th>changed</th><th>schema changes</th><th>duplicate keys</th></tr>${rows.join('')}</table>`;
}

/**
 * The report as one self-contained HTML page (no script, no external asset, everything escaped).
 * @example writeFileSync('.sluice/local/branches/dedupe/deltas.html', renderDeltasHtml(report));
 */
export function renderDeltasHtml(report: DeltasReport): string {
  const body = report.buckets.length === 0
    ? '<p>no branched output buckets to compare</p>'
    : report.buckets.map((b) => `<h2>bucket <span class="mono">${e(b.bucket)}</span></h2>\n${objectsSection(b)}\n${b.tables.map(tableSection).join('\n')}`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`deltas: ${report.branch}`)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${e(headline(report))}</h1>
${overview(report)}
${body}
</body></html>
`;
}
