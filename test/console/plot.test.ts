/**
 * `sluice plot` as a user runs it on the examples: a PNG of real size with drawn pixels, an SVG
 * naming every node, DOT and Mermaid in the shapes their tools read, and a wrong format refused.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
