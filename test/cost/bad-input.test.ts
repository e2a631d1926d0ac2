/**
 * What `sluice cost` does with input it cannot use: each mistake is a coded error naming what is wrong
 * and how to fix it, with exit code 2 and no stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sluice, tempDir } from '../helpers/cli.js';
import { bucket, fn, pipeline } from '../../src/index.js';

const THREE_NODE = join(ROOT, 'examples/three-node-copy/pipeline.ts');

function fails(args: string[], code: string, message: RegExp): void {
  const r = sluice(['cost', ...args, '--json']);
  assert.equal(r.status, 2, `exit 2 for ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  const error = JSON.parse(r.stdout) as { code: string; message: string };
  assert.equal(error.code, code);
  assert.match(error.message, message);
  assert.doesNotMatch(r.stdout + r.stderr, /at .*\.(js|ts):\d+/, 'no stack trace');
}

test('a --volume for a node the pipeline does not have is SLUICE_E_COST_NODE, listing its nodes', () => {
  fails([THREE_NODE, '--volume', 'rawr=1M/month'], 'SLUICE_E_COST_NODE', /has no node 'rawr'; its nodes are raw, copy, curated/);
});

test('a malformed --volume is SLUICE_E_COST_VOLUME, with the form it takes', () => {
  // GIVEN a rate that does not parse, and an option that is not NODE=RATE
  fails([THREE_NODE, '--volume', 'raw=lots'], 'SLUICE_E_COST_VOLUME', /rate must be a number a month or like 1M\/month/);
  fails([THREE_NODE, '--volume', 'raw'], 'SLUICE_E_COST_VOLUME', /--volume takes NODE=RATE/);
});

test('a region without prices is SLUICE_E_COST_REGION, naming the regions sluice ships', () => {
  fails([THREE_NODE, '--region', 'mars-north-1'], 'SLUICE_E_COST_REGION', /no prices for region 'mars-north-1'; sluice ships prices for ap-southeast-2, eu-central-1, eu-west-1, us-east-1/);
});

test('a prices file that is not JSON, or not a price table, is SLUICE_E_COST_PRICES naming the file and field', () => {
  const dir = tempDir('sluice-cost-bad-');
  const notJson = join(dir, 'prices.json');
  writeFileSync(notJson, 'region: us-east-1\n');
  fails([THREE_NODE, '--prices', notJson], 'SLUICE_E_COST_PRICES', /prices file '.*prices\.json': is not JSON/);
  const badLine = join(dir, 'bad-line.json');
  writeFileSync(badLine, JSON.stringify({ region: 'us-east-1', date: '2026-12-03', lines: { 's3.put': { price: 'cheap', per: 1000, unit: 'requests', source: 'https://aws.amazon.com/s3/pricing/' } } }));
  fails([THREE_NODE, '--prices', badLine], 'SLUICE_E_COST_PRICES', /lines\.s3\.put\.price must be a number of USD/);
  fails([THREE_NODE, '--prices', join(dir, 'missing.json')], 'SLUICE_E_COST_PRICES', /cannot be read \(ENOENT\)/);
});

test('--from-run with no local run is SLUICE_E_COST_RUN, saying to run the pipeline first', () => {
  const dir = tempDir('sluice-cost-norun-');
  fails([THREE_NODE, '--from-run', '--state', dir], 'SLUICE_E_COST_RUN', /no local run to measure .*run the pipeline first/);
});

test('an expected volume that does not parse, or that the kind does not take, is SLUICE_E_COST_EXPECTED', () => {
  // GIVEN a bucket whose expected objects is no rate, and a function expecting objects (a bucket's field)
  const raw = bucket('raw', { expected: { objects: 'a million', size: '200KB' } });
  const copy = fn('copy', { handler: './copy.ts', expected: { duration: '250ms', objects: 5 } as never });
  // WHEN the pipeline is validated
  const problems = pipeline('expecting', [raw.to(copy)]).validate().filter((p) => p.code === 'SLUICE_E_COST_EXPECTED');
  // THEN both are named, with the field and what it takes
  assert.deepEqual(problems.map((p) => [p.node, p.field]), [['raw', 'expected.objects'], ['copy', 'expected.objects']]);
  assert.match(problems[0]!.message, /expected\.objects must be a number a month or a rate like '1M\/month'/);
  assert.match(problems[1]!.message, /expected\.objects is not something a fn expects; use duration, outputsPerInput/);
});
