/**
 * `sluice plot` as a user runs it on the examples: a PNG of real size with drawn pixels, an SVG
 * naming every node, DOT and Mermaid in the shapes their tools read, a wrong format refused, and
 * branches drawn beside main when asked.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { ROOT, sluice, tempDir } from '../helpers/cli.js';

const MEDALLION = join(ROOT, 'examples/medallion/pipeline.ts');
const MEDALLION_NODES = ['landing', 'extract', 'bronze', 'clean', 'silver', 'aggregate', 'gold', 'enrich', 'quarantine', 'at-2am', 'nightly', 'outcomes', 'outcome-log'];

/** Width, height and the share of non-white pixels of an 8-bit RGBA PNG (what resvg writes). */
function pngFacts(png: Buffer): { width: number; height: number; inked: number } {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.equal(png[24], 8, 'bit depth 8');
  assert.equal(png[25], 6, 'RGBA');
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.subarray(at + 4, at + 8).toString('latin1') === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const prev = Buffer.alloc(stride);
  const row = Buffer.alloc(stride);
  let inked = 0;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? row[x - 4]! : 0;
      const b = prev[x]!;
      const c = x >= 4 ? prev[x - 4]! : 0;
      const p = a + b - c;
      const pred = [0, a, b, (a + b) >> 1, Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][filter]!;
      row[x] = (v + pred) & 0xff;
    }
    for (let x = 0; x < stride; x += 4) if (row[x]! < 200 || row[x + 1]! < 200 || row[x + 2]! < 200) inked++;
    row.copy(prev);
  }
  return { width, height, inked: inked / (width * height) };
}

describe('sluice plot', () => {
  test('draws a PNG of the medallion example with ink on it', () => {
    // WHEN the medallion example is plotted to a PNG file
    const out = join(tempDir(), 'medallion.png');
    const r = sluice(['plot', MEDALLION, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    // THEN the image is wide enough for 13 nodes and a share of its pixels is drawn, not blank
    const { width, height, inked } = pngFacts(readFileSync(out));
    assert.ok(width > 1500 && height > 300, `${width}x${height}`);
    assert.ok(inked > 0.02 && inked < 0.6, `inked share ${inked}`);
  });

  test("names every node in the SVG, with its kind, and groups the flow's jobs", () => {
    const r = sluice(['plot', MEDALLION, '--format', 'svg']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const name of MEDALLION_NODES) assert.match(r.stdout, new RegExp(`<g class="node" data-node="${name}" data-kind="\\w+">.*>${name}</text>`), name);
    assert.match(r.stdout, /data-flow="nightly"/);
    assert.match(r.stdout, /cron\(0 2 \* \* \? \*\)/);
  });

  test('writes DOT and Mermaid with every node and edge', () => {
    const dot = sluice(['plot', MEDALLION, '--format', 'dot']).stdout;
    assert.match(dot, /^digraph "medallion" \{\n  rankdir=LR;/);
    assert.match(dot, /subgraph "cluster_0" \{\n    label="flow nightly";/);
    assert.match(dot, /"at-2am" -> "nightly" \[color="#6d4c41", style=dashed/);
    assert.ok(dot.trimEnd().endsWith('}'));
    assert.equal((dot.match(/ -> /g) ?? []).length, 13);
    const mermaid = sluice(['plot', MEDALLION, '--format', 'mermaid']).stdout;
    assert.match(mermaid, /^flowchart LR\n  subgraph g0\["flow nightly"\]/);
    for (const name of MEDALLION_NODES) assert.match(mermaid, new RegExp(`n\\d+\\["${name}<br/>`), name);
    assert.equal((mermaid.match(/^ {2}n\d+ (-->|-\.->|-- ".*" -->|-\. ".*" \.->) n\d+$/gm) ?? []).length, 13);
  });

  test('refuses a format it does not draw, naming the ones it does', () => {
    const r = sluice(['plot', MEDALLION, '--format', 'gif', '--json']);
    assert.equal(r.status, 2);
    const error = JSON.parse(r.stdout);
    assert.equal(error.code, 'SLUICE_E_PLOT_FORMAT');
    assert.match(error.message, /svg, png, dot or mermaid/);
  });
});

/** A copy of an example (without its state) in a scratch folder, as a user's own project. */
function exampleCopy(example: string): string {
  const dir = join(tempDir(), example);
  cpSync(join(ROOT, 'examples', example), dir, { recursive: true, filter: (src) => !/\/(\.sluice|node_modules)(\/|$)/.test(src) });
  return dir;
}

describe('sluice plot --branch', () => {
  test("draws a branch's copies beside main in a box, with a dashed replay edge from what it reads, in SVG, DOT, Mermaid and PNG", () => {
    // GIVEN a copy of the three-node example with a branch 'try' made from copy
    const cwd = exampleCopy('three-node-copy');
    const created = sluice(['branch', 'create', 'copy', 'try'], { cwd });
    assert.equal(created.status, 0, created.stderr);
    // WHEN it is plotted with --branch try as SVG
    const svg = sluice(['plot', '--branch', 'try', '--format', 'svg'], { cwd });
    assert.equal(svg.status, 0, svg.stderr);
    // THEN the branch's box is labelled with its name and node, its copies carry the nodes' names, and main's nodes are still drawn
    assert.match(svg.stdout, /<g class="group" data-branch="try">.*>branch try \(from copy\)<\/text><\/g>/);
    for (const name of ['copy', 'curated']) {
      assert.match(svg.stdout, new RegExp(`<g class="node" data-node="branch:try/${name}" data-kind="\\w+" data-branch="try">.*>${name}</text>`), name);
      assert.match(svg.stdout, new RegExp(`<g class="node" data-node="${name}" data-kind="\\w+">`), `main's ${name}`);
    }
    assert.doesNotMatch(svg.stdout, /data-node="branch:try\/raw"/, 'raw is read from main, not copied');
    // AND main's raw feeds the copy of copy by a dashed replay edge, and the copies are joined as main's are
    assert.match(svg.stdout, /<g class="edge" data-edge="raw-&gt;branch:try\/copy"><title>[^<]*replays[^<]*<\/title><polyline [^>]*stroke="#c62828"[^>]*stroke-dasharray="6 4"/);
    assert.match(svg.stdout, /data-edge="branch:try\/copy-&gt;branch:try\/curated"/);
    // WHEN drawn as DOT and Mermaid THEN the branch is a cluster / subgraph holding its copies, with the dashed replay edge
    const dot = sluice(['plot', '--branch', 'try', '--format', 'dot'], { cwd }).stdout;
    assert.match(dot, /subgraph "cluster_0" \{\n {4}label="branch try \(from copy\)";\n {4}style=dashed;\n {4}color="#c62828";\n {4}"branch:try\/copy" \[label="copy\\n/);
    assert.match(dot, /"raw" -> "branch:try\/copy" \[color="#c62828", style=dashed, label="replay"/);
    const mermaid = sluice(['plot', '--branch', 'try', '--format', 'mermaid'], { cwd }).stdout;
    assert.match(mermaid, /^flowchart LR\n {2}subgraph g0\["branch try \(from copy\)"\]\n {4}(n\d+)\["copy<br\/>/);
    const copyId = /subgraph g0\["branch try \(from copy\)"\]\n {4}(n\d+)/.exec(mermaid)![1];
    const rawId = /^ {2}(n\d+)\["raw<br\/>/m.exec(mermaid)![1];
    assert.match(mermaid, new RegExp(`^ {2}${rawId} -\\. "replay" \\.-> ${copyId}$`, 'm'));
    // WHEN drawn as PNG THEN it is wider than main alone and inked
    const alone = pngFacts(Buffer.from(sluice(['plot', '--format', 'png', '--out', 'main.png'], { cwd }).status === 0 ? readFileSync(join(cwd, 'main.png')) : Buffer.alloc(0)));
    assert.equal(sluice(['plot', '--branch', 'try', '--out', 'branch.png'], { cwd }).status, 0);
    const both = pngFacts(readFileSync(join(cwd, 'branch.png')));
    assert.ok(both.width > alone.width && both.inked > 0.02, `${both.width} vs ${alone.width}, inked ${both.inked}`);
  });

  test('--branches draws every recorded branch of the stage, each id its own; an unknown --branch is refused naming the known ones', () => {
    // GIVEN the medallion example with two branches, from clean and from aggregate (both copy gold and the flow)
    const cwd = exampleCopy('medallion');
    for (const [from, name] of [['clean', 'dedup'], ['aggregate', 'sums']]) assert.equal(sluice(['branch', 'create', from!, name!], { cwd }).status, 0);
    // WHEN plotted with --branches THEN both boxes are drawn, and no node id is drawn twice
    const r = sluice(['plot', '--branches', '--format', 'svg'], { cwd });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, />branch dedup \(from clean\)</);
    assert.match(r.stdout, />branch sums \(from aggregate\)</);
    const ids = [...r.stdout.matchAll(/<g class="node" data-node="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ['gold', 'branch:dedup/gold', 'branch:sums/gold', 'branch:dedup/nightly', 'branch:sums/nightly']) assert.ok(ids.includes(id), id);
    // AND the branched flow says how many of its jobs are branched
    assert.match(r.stdout, /data-node="branch:sums\/nightly".*flow · 1 job\(s\) branched/);
    const summary = JSON.parse(sluice(['plot', '--branches', '--format', 'dot', '--out', 'all.dot', '--json'], { cwd }).stdout);
    assert.deepEqual(summary.branches, ['dedup', 'sums']);
    // WHEN a branch the stage has not recorded is asked for THEN the branch module's error says which it has
    const unknown = sluice(['plot', '--branch', 'nope', '--json'], { cwd });
    assert.equal(unknown.status, 2);
    const error = JSON.parse(unknown.stdout);
    assert.equal(error.code, 'SLUICE_E_BRANCH_UNKNOWN');
    assert.match(error.message, /no branch 'nope' \(its branches: dedup, sums\)/);
  });
});

describe("the examples' drawings", () => {
  // Each example README shows its pipeline.svg: it must be what `sluice plot` draws today.
  const examples = readdirSync(join(ROOT, 'examples')).filter((e) => existsSync(join(ROOT, 'examples', e, 'pipeline.svg')));
  for (const example of examples) {
    test(`examples/${example}/pipeline.svg is the current plot of its pipeline`, () => {
      const r = sluice(['plot', join(ROOT, 'examples', example, 'pipeline.ts'), '--format', 'svg']);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout === readFileSync(join(ROOT, 'examples', example, 'pipeline.svg'), 'utf8'), `examples/${example}/pipeline.svg is out of date; redraw it with: (cd examples/${example} && sluice plot --out pipeline.svg)`);
    });
  }
});
