import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, schedule } from '../../src/index.js';
import { branchPipeline, planBranch } from '../../src/branch/plan.js';
import { checkStageNotBranch } from '../../src/branch/names.js';
import { inSample, sampleValue } from '../../src/branch/sample.js';
import medallion from '../../examples/medallion/pipeline.js';
import pylon from '../../examples/pylon-components/pipeline.js';
import threeNode from '../../examples/three-node-copy/pipeline.js';

test('a branch of copy in three-node-copy copies the step and its output, reads raw from main, replays raw -> copy', () => {
  // GIVEN the three-node pipeline WHEN it is branched from copy
  const plan = planBranch(threeNode, 'copy', 'try', 'local');
  // THEN copy and curated are the branch's, raw is main's and read by copy only
  assert.equal(plan.branchStage, 'local--try');
  assert.deepEqual(plan.branched, ['copy', 'curated']);
  assert.deepEqual(plan.upstream, [{ node: 'raw', kind: 'bucket', readers: ['copy'] }]);
  assert.deepEqual(plan.inputs, [{ from: 'raw', to: 'copy' }]);
  assert.deepEqual(plan.flows, []);
  assert.deepEqual(plan.outputs, ['curated']);
  assert.deepEqual(plan.coWriters, []);
  // AND the branch pipeline holds the branched nodes, the upstream it reads and the input edge, and validates
  const branch = branchPipeline(threeNode, plan);
  assert.deepEqual([...branch.nodes.keys()].sort(), ['copy', 'curated', 'raw']);
  assert.deepEqual(branch.edges.map((e) => `${e.from.name}->${e.to.name}`).sort(), ['copy->curated', 'raw->copy']);
  assert.deepEqual(branch.validate(), []);
});

test('a branch of clean in medallion re-orchestrates the nightly flow with only the branched jobs over main\'s bronze', () => {
  // GIVEN the medallion pipeline WHEN it is branched from clean
  const plan = planBranch(medallion, 'clean', 'dedup', 'local');
  // THEN clean, its outputs and everything downstream are branched, in topological order; the flow runs clean then aggregate
  assert.deepEqual(new Set(plan.branched), new Set(['clean', 'silver', 'quarantine', 'aggregate', 'gold', 'nightly']));
  const at = (n: string) => plan.branched.indexOf(n);
  assert.ok(at('clean') < at('silver') && at('silver') < at('aggregate') && at('aggregate') < at('gold') && at('clean') < at('quarantine'));
  assert.deepEqual(plan.flows, [{ flow: 'nightly', levels: [['clean'], ['aggregate']] }]);
  // AND bronze is read from main by clean (the branch's input); landing, extract and enrich are not branched
  assert.deepEqual(plan.upstream, [{ node: 'bronze', kind: 'bucket', readers: ['clean'] }]);
  assert.deepEqual(plan.inputs, [{ from: 'bronze', to: 'clean' }]);
  assert.deepEqual(new Set(plan.outputs), new Set(['silver', 'quarantine', 'gold']));
  // AND what enrich and extract write beside the branched jobs is copied from main, not re-run
  assert.deepEqual(new Set(plan.coWriters.map((c) => `${c.node}<-${c.writers.join(',')}`)), new Set(['silver<-enrich', 'quarantine<-extract']));
  // AND the branch pipeline's flow holds only the branched jobs, no schedule and no outcome topic, and validates
  const branch = branchPipeline(medallion, plan);
  const nightly = branch.nodesOf('flow')[0]!;
  assert.deepEqual(nightly.jobs.map((j) => j.name), ['clean', 'aggregate']);
  assert.equal(branch.node('at-2am'), undefined);
  assert.equal(branch.node('outcomes'), undefined);
  assert.equal(branch.node('enrich'), undefined);
  assert.deepEqual(branch.validate(), []);
});

test('a branch of parse-incidents in pylon-components copies the fan-out below it and reads to-parse and raw from main', () => {
  // GIVEN the Pylon components pipeline WHEN it is branched from parse-incidents
  const plan = planBranch(pylon, 'parse-incidents', 'au-dates', 'local');
  // THEN the component, the topic it publishes to, both subscriptions, their steps, the lake and the updates table are branched
  assert.deepEqual(new Set(plan.branched), new Set(['parse-incidents', 'assets', 'asset-writes', 'notifications', 'write-assets', 'record-updates', 'lake', 'updates']));
  assert.equal(plan.branched[0], 'parse-incidents');
  assert.ok(plan.branched.indexOf('write-assets') > plan.branched.indexOf('asset-writes'));
  assert.ok(plan.branched.indexOf('lake') > plan.branched.indexOf('write-assets'));
  // AND its input queue is replayed, and raw is read through its grant
  assert.deepEqual(plan.inputs, [{ from: 'to-parse', to: 'parse-incidents' }]);
  assert.deepEqual(plan.upstream.map((u) => [u.node, u.kind, u.readers]).sort(), [['raw', 'bucket', ['parse-incidents']], ['to-parse', 'queue', ['parse-incidents']]]);
  assert.deepEqual(plan.flows, []);
  assert.deepEqual(plan.outputs, ['lake']);
  assert.deepEqual(branchPipeline(pylon, plan).validate(), []);
});

test('a branch from an unknown node or a schedule is SLUICE_E_BRANCH_NODE, naming the nodes it could start at', () => {
  // GIVEN the medallion pipeline WHEN a branch starts at a node it does not have, or at its schedule
  assert.throws(() => planBranch(medallion, 'cleen', 'x', 'local'), (e: Error & { code?: string }) => e.code === 'SLUICE_E_BRANCH_NODE' && /no node 'cleen'.*clean/.test(e.message));
  // THEN each is refused with the code
  assert.throws(() => planBranch(medallion, 'at-2am', 'x', 'local'), (e: Error & { code?: string }) => e.code === 'SLUICE_E_BRANCH_NODE' && /schedule/.test(e.message));
});

test('a branch name AWS cannot hold is SLUICE_E_BRANCH_NAME; one too long once the physical names are formed is SLUICE_E_BRANCH_NAME_TOO_LONG', () => {
  // GIVEN names with upper case, underscores, a double hyphen or over 40 characters THEN each is refused
  for (const bad of ['Dedup', 'dedup_v2', 'a--b', '-x', 'x-', '', 'x'.repeat(41)]) {
    assert.throws(() => planBranch(threeNode, 'copy', bad, 'local'), (e: Error & { code?: string }) => e.code === 'SLUICE_E_BRANCH_NAME', bad);
  }
  // GIVEN a pipeline whose bucket name leaves little room WHEN a 30-character branch is planned on an AWS stage
  const long = pipeline('orders-ingest-pipeline', [bucket('raw').to(fn('copy', { handler: './h.ts' })).to(bucket('curated-orders'))]);
  assert.throws(() => planBranch(long, 'copy', 'a-rather-long-branch-name-here', 'dev'), (e: Error & { code?: string }) => e.code === 'SLUICE_E_BRANCH_NAME_TOO_LONG' && /curated-orders/.test(e.message) && /shorten the branch name by \d+ character/.test(e.message));
  // AND the same branch locally forms no AWS names, and a short name fits on AWS
  assert.equal(planBranch(long, 'copy', 'a-rather-long-branch-name-here', 'local').branchStage, 'local--a-rather-long-branch-name-here');
  assert.equal(planBranch(long, 'copy', 'try', 'dev').branchStage, 'dev--try');
});

test("a stage name holding the reserved '--' is SLUICE_E_BRANCH_STAGE_RESERVED", () => {
  assert.doesNotThrow(() => checkStageNotBranch('dev-eu'));
  assert.throws(() => checkStageNotBranch('dev--x'), (e: Error & { code?: string }) => e.code === 'SLUICE_E_BRANCH_STAGE_RESERVED' && /reserved for branches/.test(e.message));
});

test('a schedule feeding a branched step is neither upstream nor an input: the branch is fed by trigger only', () => {
  const tick = schedule('tick', 'rate(1 hour)');
  const work = fn('work', { handler: './h.ts' });
  const pipe = pipeline('p', [tick.to(work).to(bucket('out'))]);
  const plan = planBranch(pipe, 'work', 'b', 'local');
  assert.deepEqual(plan.upstream, []);
  assert.deepEqual(plan.inputs, []);
  assert.deepEqual(plan.branched, ['work', 'out']);
});

test('sampling is by key hash: deterministic, and about the share asked for', () => {
  // GIVEN 10,000 keys WHEN sampled at 10% THEN about 1,000 are in, the same ones every time
  const keys = Array.from({ length: 10_000 }, (_, i) => `landing/orders-${i}.csv`);
  const picked = keys.filter((k) => inSample(k, 10));
  assert.ok(picked.length > 900 && picked.length < 1100, String(picked.length));
  assert.deepEqual(keys.filter((k) => inSample(k, 10)), picked);
  assert.ok(keys.every((k) => sampleValue(k) >= 0 && sampleValue(k) < 100));
  assert.equal(keys.filter((k) => inSample(k, 0)).length, 0);
  assert.equal(keys.filter((k) => inSample(k, 100)).length, keys.length);
});

test('the sample rule is the documented one: sha1(key) first 4 bytes / 2^32 * 100', () => {
  // GIVEN keys, and the rule computed by hand with createHash WHEN sampleValue (which may take a faster path) THEN the same numbers
  for (const key of ['orders/2024-01-01.csv', 'landing/orders-7.csv', 'é/ключ/鍵.json', '']) {
    const byHand = (createHash('sha1').update(key, 'utf8').digest().readUInt32BE(0) / 2 ** 32) * 100;
    assert.equal(sampleValue(key), byHand, key);
  }
});
