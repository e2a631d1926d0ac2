/**
 * `sluice cost --from-run`: a real local run of the three-node example, measured (objects put, their
 * sizes, each step's time and outputs) and scaled to a month, by a `--volume` or by the run's span.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sluice, tempDir } from '../helpers/cli.js';
import type { CostEstimate } from '../../src/cost/index.js';

const ENTRY = join(ROOT, 'examples/three-node-copy/pipeline.ts');
const SAMPLE = join(ROOT, 'examples/three-node-copy/sample-data');
const state = tempDir('sluice-cost-run-');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

after(() => rmSync(state, { recursive: true, force: true }));

before(() => {
  // GIVEN the three-node example run locally on its sample data
  const r = sluice(['run', ENTRY, '--put', `raw=${SAMPLE}`, '--state', state]);
  assert.equal(r.status, 0, r.stderr);
});

test('--from-run with --volume scales the measured run to that volume: sizes and step times as measured', () => {
  // WHEN the run is priced at 1M objects a month into raw
  const r = sluice(['cost', ENTRY, '--from-run', '--state', state, '--volume', 'raw=1M/month', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout) as CostEstimate;
  const put = files(SAMPLE);
  const node = (name: string) => e.nodes.find((n) => n.node === name)!;
  // THEN the scale is the volume over the objects the run put, and says so
  assert.equal(e.volumes.from, 'run');
  assert.ok(Math.abs(e.volumes.scale!.factor - 1_000_000 / put.length) < 1e-6);
  assert.match(e.volumes.scale!.basis, new RegExp(`over the run's ${put.length} into 'raw'`));
  // AND raw's objects have the sample files' average size; copy wrote one object per input into curated
  const average = put.reduce((s, f) => s + statSync(f).size, 0) / put.length;
  assert.ok(Math.abs(node('raw').volume.bytes - average) < 1e-9);
  assert.equal(node('copy').volume.count, 1_000_000);
  assert.equal(node('curated').volume.count, 1_000_000);
  // AND copy's duration is the one measured, not the 100 ms default
  const duration = node('copy').lines.find((l) => l.price === 'lambda.arm64.duration')!;
  assert.match(duration.what, /ms \(measured\)/);
  const ms = Number(/x ([\d.]+) ms/.exec(duration.what)![1]);
  assert.ok(Math.abs(duration.quantity - (1_000_000 * ms / 1000) * 0.5) < 1e-3 * duration.quantity, 'GB-s = inputs x measured ms x 0.5 GB');
  assert.ok(!e.assumptions.some((a) => a.includes("fn 'copy': 100 ms")), 'no default duration assumed');
});

test('--from-run without a volume scales by the run\'s own span, and says how to scale otherwise', () => {
  const r = sluice(['cost', ENTRY, '--from-run', '--state', state, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout) as CostEstimate;
  const scale = e.volumes.scale!;
  // THEN the factor is a 730-hour month over the run's span, applied to what was put into raw
  assert.ok(Math.abs(scale.factor - (730 * 3600) / scale.seconds) < 1e-6 * scale.factor);
  assert.ok(Math.abs(e.nodes.find((n) => n.node === 'raw')!.volume.count - files(SAMPLE).length * scale.factor) < 1e-6 * scale.factor);
  assert.match(scale.basis, /pass --volume NODE=N\/month to scale to your volume instead/);
});
