/**
 * The console's page: one HTML shell, one stylesheet and one script, all served by the console
 * itself (its Content-Security-Policy allows no other source and no inline script). The script draws
 * the graph from the server's layout, keeps its counts live from server-sent events, and renders
 * every name, key and body with `textContent` (never as markup), so whatever a pipeline's objects
 * hold shows as text.
 */
import { escapeXml } from './style.js';

/** The HTML shell; `token` is hex, the names are escaped. */
export function pageHtml(token: string, pipeline: string, stage: string): string {
  const t = encodeURIComponent(token);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(`sluice console · ${pipeline} · ${stage}`)}</title>
<link rel="stylesheet" href="/app.css?token=${t}">
</head><body>
<header><a href="#/" id="home">sluice</a> <span id="title">${escapeXml(`${pipeline} · stage ${stage}`)}</span> <nav><a href="#/">graph</a> <a href="#/branches">branches</a> <a href="#/cost">cost</a></nav> <span id="live" title="live updates">○</span></header>
<main id="main"></main>
<script src="/app.js?token=${t}"></script>
</body></html>
`;
}

export const PAGE_STYLE = `
body { font-family: system-ui, 'DejaVu Sans', sans-serif; margin: 0; color: #212121; background: #fafafa; }
header { background: #263238; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: center; }
header a { color: #fff; text-decoration: none; } #home { font-weight: bold; } nav a { margin-right: 12px; color: #b0bec5; }
#live.on { color: #66bb6a; } main { padding: 16px; }
h2 { margin: 4px 0 12px; font-size: 20px; } h3 { margin: 20px 0 8px; font-size: 15px; }
table { border-collapse: collapse; font-size: 13px; background: #fff; } th, td { border: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eceff1; } pre, .json { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; background: #fff; border: 1px solid #e0e0e0; padding: 8px; overflow: auto; max-height: 70vh; white-space: pre-wrap; }
.graph { background: #fff; border: 1px solid #e0e0e0; overflow: auto; max-height: 85vh; } .graph svg { display: block; }
.node { cursor: pointer; } .node text { pointer-events: none; } .counts { font-size: 10px; fill: #455a64; }
.ok { color: #2e7d32; } .bad { color: #c62828; } .muted { color: #757575; } button { cursor: pointer; padding: 4px 10px; }
.fold { cursor: pointer; user-select: none; color: #1565c0; } .key { color: #6a1b9a; } .str { color: #2e7d32; } .num { color: #d84315; }
.chain { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; } .step { background: #fff; border: 1px solid #90a4ae; border-radius: 6px; padding: 6px 10px; }
iframe { width: 100%; height: 75vh; border: 1px solid #e0e0e0; background: #fff; }
`;

/** The page's script (plain ES2020, no build step, no template literals so it sits in this string as is). */
export const PAGE_SCRIPT = String.raw`
'use strict';
const TOKEN = new URLSearchParams(location.search).get('token') || '';
const SVG = 'http://www.w3.org/2000/svg';
const main = document.getElementById('main');
let graph = null;
let status = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') e.addEventListener('click', v); else if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function q(params) { return Object.entries(params).map(function (p) { return encodeURIComponent(p[0]) + '=' + encodeURIComponent(p[1]); }).join('&'); }
async function api(path, params, method) {
  const res = await fetch(path + '?' + q(params || {}), { method: method || 'GET', headers: { 'X-Sluice-Token': TOKEN } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || ('HTTP ' + res.status));
  return body;
}
function link(text, hash) { return el('a', { href: hash }, text); }
function hashFor(parts) { return '#/' + parts.map(encodeURIComponent).join('/'); }
function errorBox(e) { return el('p', { class: 'bad' }, String(e && e.message || e)); }
function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, ...headers.map(function (h) { return el('th', {}, h); }))), el('tbody', {}, ...rows.map(function (r) { return el('tr', {}, ...r.map(function (c) { return el('td', {}, c); })); })));
}

const KIND_COLOURS = { bucket: '#2f7d32', queue: '#b26a00', topic: '#8e24aa', table: '#1565c0', fn: '#d84315', schedule: '#6d4c41', job: '#00838f', glueJob: '#00695c', flow: '#37474f' };
function kindColour(kind) {
  if (KIND_COLOURS[kind]) return KIND_COLOURS[kind];
  let h = 0; for (const c of kind) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 'hsl(' + (h % 360) + ', 55%, 38%)';
}
const EDGE_COLOURS = { trigger: '#333333', write: '#1565c0', subscription: '#8e24aa', schedule: '#6d4c41', stage: '#00838f', uses: '#9e9e9e', edge: '#555555', replay: '#c62828' };
const EDGE_DASH = { subscription: '6 3', schedule: '2 3', uses: '4 4', replay: '6 4' };

/** The counts line of a node and its health: red with failures or dead letters, amber with retries or a backlog. */
function countsOf(s) {
  if (!s) return { text: '', health: 'idle' };
  const parts = [];
  const a = s.activity;
  if (a) { parts.push(a.invocations + ' inv'); if (a.failures) parts.push(a.failures + ' failed'); if (a.retries) parts.push(a.retries + ' retried'); }
  if (s.objects !== undefined) parts.push(s.objects + ' objects');
  if (s.queue) parts.push(s.queue.visible + s.queue.delayed + ' waiting');
  if (s.deadLetters) parts.push(s.deadLetters + ' dead');
  if (s.emails !== undefined) parts.push(s.emails + ' emails');
  const pending = s.subscriptions ? s.subscriptions.filter(function (x) { return x.state === 'pending'; }).length : 0;
  const missing = s.subscriptions ? s.subscriptions.filter(function (x) { return x.state === 'missing'; }).length : 0;
  if (s.subscriptions) parts.push((s.subscriptions.length - missing) + ' subscribed' + (pending ? ', ' + pending + ' pending' : '') + (missing ? ', ' + missing + ' missing' : ''));
  // An address still to be confirmed, or gone, gets no email from SNS: worth an amber node, as a backlog is.
  const unheard = s.subscriptions && (s.subscriptions.length === 0 || missing > 0);
  const health = (s.deadLetters || (a && a.failures)) ? 'failing' : ((a && a.retries) || (s.queue && s.queue.visible > 100) || pending || unheard) ? 'warning' : 'healthy';
  return { text: parts.join(' · '), health: health };
}
const HEALTH = { failing: '#ffebee', warning: '#fff8e1', healthy: '#ffffff', idle: '#ffffff' };

function drawGraph() {
  const L = graph.layout;
  const root = svg('svg', { width: L.width + 40, height: L.height + 40, viewBox: '-20 -20 ' + (L.width + 40) + ' ' + (L.height + 40), id: 'graph-svg' });
  const defs = svg('defs');
  for (const role of Object.keys(EDGE_COLOURS)) {
    const m = svg('marker', { id: 'a-' + role, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    m.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: EDGE_COLOURS[role] }));
    defs.append(m);
  }
  root.append(defs);
  for (const g of L.graph.groups) {
    const b = L.groups[g.id]; if (!b) continue;
    root.append(svg('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 8, fill: '#eceff1', stroke: '#90a4ae', 'stroke-dasharray': '5 3' }));
    root.append(svg('text', { x: b.x + 10, y: b.y + 17, 'font-size': 12, fill: '#37474f' }, 'flow ' + g.id));
  }
  for (const e of L.graph.edges) {
    const pts = L.edges[e.id]; if (!pts || !pts.length) continue;
    const line = svg('polyline', { points: pts.map(function (p) { return p.x + ',' + p.y; }).join(' '), fill: 'none', stroke: EDGE_COLOURS[e.role], 'stroke-width': 1.5, 'marker-end': 'url(#a-' + e.role + ')' });
    if (EDGE_DASH[e.role]) line.setAttribute('stroke-dasharray', EDGE_DASH[e.role]);
    line.append(svg('title', {}, e.from + ' -> ' + e.to + ': ' + e.meaning));
    root.append(line);
    const lb = L.labels[e.id];
    if (e.label && lb) root.append(svg('text', { x: lb.x + 3, y: lb.y + 11, 'font-size': 10, fill: EDGE_COLOURS[e.role] }, e.label));
  }
  for (const n of L.graph.nodes) {
    const b = L.nodes[n.id]; if (!b) continue;
    const g = svg('g', { class: 'node', 'data-node': n.id, 'data-kind': n.kind });
    const colour = kindColour(n.kind);
    g.append(svg('rect', { class: 'box', x: b.x, y: b.y, width: b.width, height: b.height + 14, rx: 6, fill: '#ffffff', stroke: colour, 'stroke-width': 2 }));
    g.append(svg('rect', { x: b.x, y: b.y, width: 6, height: b.height + 14, rx: 3, fill: colour }));
    g.append(svg('text', { x: b.x + 14, y: b.y + 19, 'font-size': 13, 'font-weight': 'bold', class: 'name' }, n.id));
    g.append(svg('text', { x: b.x + 14, y: b.y + 35, 'font-size': 10, fill: colour }, n.noun + (n.detail ? ' · ' + n.detail : '')));
    g.append(svg('text', { x: b.x + 14, y: b.y + 52, class: 'counts', 'data-counts': n.id }, ''));
    g.addEventListener('click', function () { location.hash = n.kind === 'bucket' ? hashFor(['bucket', n.id]) : hashFor(['node', n.id]); });
    root.append(g);
  }
  return root;
}

function paintCounts() {
  if (!status) return;
  const byNode = {};
  for (const s of status.nodes) byNode[s.node] = s;
  for (const t of document.querySelectorAll('[data-counts]')) {
    const name = t.getAttribute('data-counts');
    const c = countsOf(byNode[name]);
    t.textContent = c.text;
    const g = t.parentNode;
    g.setAttribute('data-health', c.health);
    g.querySelector('.box').setAttribute('fill', HEALTH[c.health]);
  }
}

async function showGraph() {
  if (!graph) graph = await api('/api/graph');
  status = status || graph.status;
  main.replaceChildren(el('h2', {}, 'pipeline ' + graph.pipeline + ' · stage ' + graph.stage), el('div', { class: 'graph' }, drawGraph()));
  paintCounts();
  document.body.setAttribute('data-drawn', '1');
}

function jsonTree(value, depth) {
  if (value === null || typeof value !== 'object') {
    const cls = typeof value === 'string' ? 'str' : typeof value === 'number' ? 'num' : '';
    return el('span', { class: cls }, JSON.stringify(value));
  }
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map(function (v, i) { return [i, v]; }) : Object.entries(value);
  const open = isArray ? '[' : '{', close = isArray ? ']' : '}';
  if (!entries.length) return el('span', {}, open + close);
  const body = el('div', { style: 'padding-left: 1.5em' });
  entries.forEach(function (kv, i) {
    const row = el('div', {});
    if (!isArray) row.append(el('span', { class: 'key' }, JSON.stringify(String(kv[0]))), ': ');
    row.append(jsonTree(kv[1], depth + 1), i < entries.length - 1 ? ',' : '');
    body.append(row);
  });
  const toggle = el('span', { class: 'fold', title: 'fold' }, open);
  const summary = el('span', { class: 'muted', hidden: '' }, ' ' + entries.length + (isArray ? ' items ' : ' keys ') + close);
  toggle.addEventListener('click', function () { body.hidden = !body.hidden; summary.hidden = !body.hidden; });
  const wrap = el('span', {}, toggle, summary, body, el('span', {}, close));
  if (depth > 3) { body.hidden = true; summary.hidden = false; }
  return wrap;
}

async function showBucket(name, prefix) {
  const listing = await api('/api/objects', { bucket: name, prefix: prefix || '' });
  main.replaceChildren(el('h2', {}, 'bucket ' + name), el('p', {}, listing.total + ' object(s) ', link('node page', hashFor(['node', name]))),
    table(['key', 'size', 'last modified'], listing.objects.map(function (o) { return [link(o.key, hashFor(['object', name, o.key])), String(o.size), o.lastModified]; })));
}

async function showObject(bucket, key, page) {
  const o = await api('/api/preview', { bucket: bucket, key: key, page: page || 0 });
  const download = el('a', { href: '/api/download?' + q({ bucket: bucket, key: key, token: TOKEN }), download: key.split('/').pop() }, 'download');
  const parts = [el('h2', {}, key), el('p', {}, 'in ', link(bucket, hashFor(['bucket', bucket])), ' · ' + o.size + ' bytes · ' + (o.contentType || '') + ' · ', download)];
  const p = o.preview;
  if (p.type === 'json') {
    let parsed; try { parsed = JSON.parse(p.text); } catch (e) { parsed = undefined; }
    parts.push(parsed === undefined ? el('pre', { class: 'preview' }, p.text) : el('div', { class: 'json preview' }, jsonTree(parsed, 0)));
  } else if (p.type === 'table') {
    parts.push(el('p', {}, p.total + ' rows · page ' + (p.page + 1) + ' of ' + p.pages + ' ',
      p.page > 0 ? link('previous', hashFor(['object', bucket, key, String(p.page - 1)])) : '', ' ',
      p.page + 1 < p.pages ? link('next', hashFor(['object', bucket, key, String(p.page + 1)])) : ''));
    parts.push(table(p.columns, p.rows.map(function (r) { return r.map(function (c) { return c === null ? '' : String(c); }); })));
  } else if (p.type === 'text') parts.push(el('pre', { class: 'preview' }, p.text));
  else if (p.type === 'image') parts.push(el('img', { src: '/api/download?' + q({ bucket: bucket, key: key, inline: 1, token: TOKEN }), alt: key, style: 'max-width: 100%' }));
  else parts.push(el('p', { class: 'muted' }, 'no preview for this type; download it'));
  parts.push(el('h3', {}, 'lineage'));
  const chain = el('div', { class: 'chain' }, 'reading...');
  parts.push(chain);
  main.replaceChildren(...parts);
  try {
    const lineage = await api('/api/lineage', { bucket: bucket, key: key });
    chain.replaceChildren(el('span', { class: 'step' }, link(bucket + '/' + key, hashFor(['object', bucket, key]))));
    for (const s of lineage.steps) {
      chain.append(' ← ', el('span', { class: 'step' }, link(s.artifactName, hashFor(['node', s.artifactName])), el('br'), el('small', { class: 'muted' }, s.startedAt)));
    }
    for (const r of lineage.root) {
      const b = r.bucket || r.source || '', k = r.key || r.objectKey || '';
      chain.append(' ← ', el('span', { class: 'step' }, b && k ? link(b + '/' + k, hashFor(['object', b, k])) : JSON.stringify(r), el('br'), el('small', { class: 'muted' }, 'root input')));
    }
    if (!lineage.steps.length && !lineage.root.length) chain.append(el('span', { class: 'muted' }, ' (a root input: no step wrote it)'));
  } catch (e) { chain.replaceChildren(el('span', { class: 'muted' }, String(e.message || e))); }
}

async function showNode(name) {
  const n = await api('/api/node', { name: name });
  const parts = [el('h2', {}, n.noun + ' ' + n.name)];
  if (n.kind === 'bucket') parts.push(el('p', {}, link('browse its objects', hashFor(['bucket', n.name]))));
  if (n.status) {
    const c = countsOf(n.status);
    parts.push(el('p', { 'data-health': c.health }, c.text || 'nothing yet'));
    const active = n.status.subscriptions ? n.status.subscriptions.filter(function (x) { return x.state !== 'missing'; }) : [];
    if (n.status.subscriptions && !active.length) parts.push(el('h3', {}, 'email subscriptions'), el('p', { class: 'bad' }, 'none: nobody gets its emails (SNS deletes a subscription left unconfirmed for 48 hours, and a recipient can unsubscribe); sluice status --stage ' + (graph ? graph.stage : 'NAME') + ' prints the command that subscribes an address again'));
    else if (n.status.subscriptions) {
      parts.push(el('h3', {}, 'email subscriptions'), table(['address', 'state'], n.status.subscriptions.map(function (x) {
        return [x.email, x.state === 'confirmed' ? el('span', { class: 'ok' }, 'confirmed')
          : x.state === 'missing' ? el('span', { class: 'bad' }, 'not subscribed: SNS deleted the subscription (unconfirmed for 48 hours) or its recipient unsubscribed; sluice status --stage ' + (graph ? graph.stage : 'NAME') + ' prints the command that subscribes it again')
          : el('span', { class: 'bad' }, 'pending confirmation: SNS sends it nothing until its recipient clicks "Confirm subscription" in the email from AWS Notifications')];
      })));
    }
    if (n.status.emails !== undefined) parts.push(el('p', { class: 'muted' }, n.status.emails + ' email(s) in the outbox; read them with: sluice outbox ' + n.name));
  }
  parts.push(el('h3', {}, 'declaration'), el('pre', { class: 'declaration' }, JSON.stringify(n.props, null, 2)));
  parts.push(el('h3', {}, 'edges'), table(['direction', 'node', 'meaning', 'options'],
    n.incoming.map(function (e) { return ['from', link(e.node, hashFor(['node', e.node])), e.meaning, JSON.stringify(e.options)]; })
      .concat(n.outgoing.map(function (e) { return ['to', link(e.node, hashFor(['node', e.node])), e.meaning, JSON.stringify(e.options)]; }))));
  if (n.grants.length) parts.push(el('h3', {}, 'grants'), table(['use', 'on', 'actions', 'why'], n.grants.map(function (g) { return [g.use, g.node, g.actions.join(', '), g.reason]; })));
  if (n.activity) {
    const t = n.activity.timings;
    parts.push(el('h3', {}, 'recent invocations'), el('p', { class: 'timings' }, t.count ? ('p50 ' + t.p50.toFixed(1) + ' ms · p95 ' + t.p95.toFixed(1) + ' ms over ' + t.count) : 'none yet'));
    parts.push(table(['when', 'result', 'ms', 'heartbeats', 'timings (core / total ms)', 'logs'], n.activity.invocations.map(function (i) {
      return [i.at, i.ok ? el('span', { class: 'ok' }, 'ok') : el('span', { class: 'bad' }, 'failed' + (i.error ? ': ' + i.error.errorType + ': ' + i.error.errorMessage : '')), i.durationMs.toFixed(1),
        i.heartbeats ? ((i.heartbeats.start ? 'start, ' : '') + i.heartbeats.coreProcess + ' core_process') : '',
        i.timings ? i.timings.coreProcess.toFixed(2) + ' / ' + i.timings.total.toFixed(2) : '',
        el('pre', {}, i.logs.map(function (l) { return l.message + (l.data ? ' ' + JSON.stringify(l.data) : ''); }).join('\n'))];
    })));
  }
  if (n.deadLetters) {
    const button = el('button', { id: 'redrive', disabled: n.deadLetters.length ? null : '' }, 'redrive ' + n.deadLetters.length + ' dead letter(s)');
    button.addEventListener('click', async function () {
      if (!confirm('Send ' + n.deadLetters.length + ' dead letter(s) of ' + n.name + ' back to be processed again' + (graph && graph.stage !== 'local' ? ' on stage ' + graph.stage : '') + '?')) return;
      try { const r = await api('/api/redrive', { node: n.name }, 'POST'); alert(r.redriven + ' redriven'); route(); } catch (e) { alert(e.message); }
    });
    parts.push(el('h3', {}, 'dead letters'), button, table(['id', 'sent', 'attempts', 'last error', 'body'], n.deadLetters.map(function (d) {
      return [d.id, d.sentAt, String(d.attempts), d.error ? d.error.errorType + ': ' + d.error.errorMessage : (d.condition || ''), el('pre', {}, d.body.length > 2000 ? d.body.slice(0, 2000) + '...' : d.body)];
    })));
  }
  if (n.executions) {
    parts.push(el('h3', {}, 'executions'), table(['name', 'status', 'started', 'ms', 'failed job', 'cause'], n.executions.map(function (x) {
      return [link(x.name, hashFor(['execution', n.name, x.id])), x.status, x.startedAt, x.durationMs === undefined ? '' : String(x.durationMs), x.failedJob || '', x.cause || ''];
    })));
  }
  main.replaceChildren(...parts);
}

async function showExecution(flow, id) {
  const x = await api('/api/execution', { flow: flow, id: id });
  main.replaceChildren(el('h2', {}, 'execution ' + x.name + ' of ', link(flow, hashFor(['node', flow]))), el('p', {}, x.status + (x.cause ? ': ' + x.cause : '')),
    table(['job', 'status', 'started', 'ms', 'attempts', 'error'], x.jobs.map(function (j) { return [link(j.job, hashFor(['node', j.job])), j.status, j.startedAt || '', j.durationMs === undefined ? '' : String(j.durationMs), j.attempts === undefined ? '' : String(j.attempts), (j.error || '') + (j.cause ? ': ' + j.cause : '')]; })));
}

async function showBranches(name) {
  const { branches } = await api('/api/branches');
  if (name) {
    main.replaceChildren(el('h2', {}, 'deltas of branch ' + name), el('iframe', { src: '/branches/' + encodeURIComponent(name) + '/deltas.html?' + q({ token: TOKEN }), sandbox: 'allow-scripts' }));
    return;
  }
  main.replaceChildren(el('h2', {}, 'branches'), branches.length ? table(['branch', 'from', 'state', 'deltas'], branches.map(function (b) {
    return [b.name, String(b.record && b.record.from || ''), String(b.record && b.record.state || ''), b.deltas ? link('deltas report', hashFor(['branches', b.name])) : el('span', { class: 'muted' }, 'none yet')];
  })) : el('p', { class: 'muted' }, 'no branches on this stage (sluice branch create ...)'));
}

async function showCost() {
  try {
    const c = await api('/api/cost');
    const usd = function (n) { return '$' + n.toFixed(2); };
    main.replaceChildren(el('h2', {}, 'cost a month (' + c.region + ', prices of ' + c.prices.date + ')'),
      table(['node', 'kind', 'volume', 'USD a month'], c.nodes.map(function (n) { return [n.node, n.kind, n.volume.count.toLocaleString('en-US') + ' ' + n.volume.unit, usd(n.usd)]; })),
      el('p', {}, 'total at list price ' + usd(c.total.usd) + '; the free tier could cover ' + usd(c.total.freeTierUsd) + '; after it ' + usd(c.total.afterFreeTierUsd)),
      el('h3', {}, 'assumptions'), el('ul', {}, ...c.assumptions.map(function (a) { return el('li', {}, a); })),
      el('h3', {}, 'not counted'), el('ul', {}, ...c.notCounted.map(function (a) { return el('li', {}, a); })));
  }
  catch (e) { main.replaceChildren(el('h2', {}, 'cost'), el('p', { class: 'muted' }, e.message)); }
}

async function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(function (p) { return p !== ''; }).map(decodeURIComponent);
  document.body.removeAttribute('data-drawn');
  try {
    if (parts[0] === 'node') await showNode(parts[1]);
    else if (parts[0] === 'bucket') await showBucket(parts[1]);
    else if (parts[0] === 'object') await showObject(parts[1], parts[2], Number(parts[3] || 0));
    else if (parts[0] === 'execution') await showExecution(parts[1], parts[2]);
    else if (parts[0] === 'branches') await showBranches(parts[1]);
    else if (parts[0] === 'cost') await showCost();
    else await showGraph();
  } catch (e) { main.replaceChildren(errorBox(e)); }
  document.body.setAttribute('data-page', parts[0] || 'graph');
}

const events = new EventSource('/api/events?' + q({ token: TOKEN }));
events.addEventListener('open', function () { document.getElementById('live').className = 'on'; });
events.addEventListener('status', function (m) { status = JSON.parse(m.data); paintCounts(); });
window.addEventListener('hashchange', route);
route();
`;
