/**
 * The deltas report rendered: for a terminal (figures side by side, control characters escaped) and as
 * one self-contained HTML file (no script, no external asset, every key, value and name escaped, so a
 * value like `<img src=x onerror=alert(1)>` written by the branch shows as text).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketDeltas, renderDeltasHtml, renderDeltasTable, type DeltasReport } from '../../../src/branch/deltas/index.js';
import { csv, files } from './support.js';

const XSS = '<img src=x onerror=alert(1)>';

async function probeReport(dir: ReturnType<typeof files>): Promise<DeltasReport> {
  // GIVEN a branch that wrote the probe into a value, a column name, a key value and an object key
  const main = [dir.object('orders/day.csv', csv(['id', 'status', 'amount'], [[1, 'paid', 10], [2, 'paid', 20], [3, 'open', 30]])), dir.object(`${XSS}.txt`, 'a')];
  const branch = [
    dir.object('orders/day.csv', csv(['id', 'status', 'amount', `"${XSS}"`], [[1, XSS, 10, 'n'], [2, 'paid', 25, 'n'], [`"${XSS}"`, 'new', 1, 'n']])),
    dir.object(`${XSS}.txt`, 'b'), dir.object('esc\u001b[2Jape.txt', 'c'), dir.object(`broken/${XSS}.parquet`, 'not parquet'),
  ];
  const delta = await bucketDeltas({ bucket: 'silver', main, branch }, { keys: ['id'] });
  return { branch: `br-${XSS}`, stage: 'local', from: 'clean', sample: { percent: 10 }, generatedAt: '2026-12-03T10:00:00.000Z', buckets: [delta] };
}

test('the HTML report escapes every key, value, column, name and error, and loads nothing', async (t) => {
  const dir = files();
  t.after(dir.remove);
  const report = await probeReport(dir);
  // WHEN rendered as HTML
  const html = renderDeltasHtml(report);
  // THEN the probe never appears as markup, only escaped, wherever it came from
  assert.ok(!html.includes('<img'), 'no raw <img');
  assert.ok(!/<script/i.test(html), 'no script');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('br-&lt;img'), 'the branch name is escaped in the title and headline');
  assert.ok(html.includes('broken/&lt;img src=x onerror=alert(1)&gt;.parquet (branch, not parquet)'), 'the unreadable object is named, escaped');
  // AND the file is self-contained: no external reference, and a policy that forbids loading any
  assert.ok(!/\b(src|href)\s*=/i.test(html.replace(/&lt;img src=x/g, '')), 'no src= or href= attributes');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
  assert.ok(html.startsWith('<!doctype html>') && html.trimEnd().endsWith('</html>'));
  // AND a reviewer finds the figures: row counts, the changed value, side-by-side summaries, schema
  assert.match(html, /<td class="n added">1<\/td><td class="n removed">1<\/td><td class="n changed">2<\/td>/);
  assert.match(html, /id=2: <span class="removed">20<\/span> → <span class="added">25<\/span>/);
  assert.match(html, /<td class="n">3<\/td><td class="n">0<\/td>/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;<\/span> added \(VARCHAR\)/);
  // AND an overview names each table with its counts before the details
  assert.match(html, /<tr><td class="mono">silver<\/td><td class="mono">orders\/\*\.csv<\/td><td class="n">3 → 3<\/td><td class="n added">1<\/td><td class="n removed">1<\/td><td class="n changed">2<\/td><td class="n">2<\/td>/);
});

test('the terminal report shows objects, rows, schema, side-by-side summaries and changed values, with control characters escaped', async (t) => {
  const dir = files();
  t.after(dir.remove);
  const text = renderDeltasTable(await probeReport(dir));
  assert.ok(!text.includes('\u001b'), 'no raw escape character reaches the terminal');
  assert.match(text, /\+ esc\\u001b\[2Jape\.txt/);
  assert.match(text, /^deltas of branch 'br-<img src=x onerror=alert\(1\)>' \(from 'clean' on stage 'local', 10% sample\), 2026-12-03T10:00:00.000Z$/m);
  assert.match(text, /objects: 2 added, 0 removed, 2 changed, 0 unchanged, 1 unreadable/);
  assert.match(text, /table orders\/\*\.csv: csv, 1 → 1 objects, keys id \(--keys\)/);
  assert.match(text, /rows: main 3, branch 3 rows: 1 added, 1 removed, 2 changed, 0 unchanged \(66\.67% changed\)/);
  assert.match(text, /schema: \+<img src=x onerror=alert\(1\)> VARCHAR, id BIGINT → VARCHAR/);
  assert.match(text, /~ amount at id=2: 20 → 25/);
  assert.match(text, /\n {4}id +BIGINT → VARCHAR +3 +0 +3 +1 → - +3 → - +2 → -\n/);
  assert.match(text, /\n {4}amount +1 +BIGINT +3 +0 +3 +10 → 1 +30 → 25 +20 → 12\n/);
});

test('a report without buckets says so in both renderings', () => {
  const report: DeltasReport = { branch: 'b', stage: 'dev', from: 'clean', generatedAt: '2026-12-03T10:00:00.000Z', buckets: [] };
  assert.match(renderDeltasTable(report), /no branched output buckets to compare/);
  assert.match(renderDeltasHtml(report), /no branched output buckets to compare/);
  assert.match(renderDeltasTable(report), /all data/);
});
