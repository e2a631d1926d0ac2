import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localPipeline } from '../../src/testing/index.js';
import scoring from './fixture/pipeline.js';

/** 20 files of 10 rows each; values 0..199, so values over 50 are 149 rows. */
async function mainWithData() {
  const local = await localPipeline(scoring);
  for (let f = 0; f < 20; f++) {
    const rows = Array.from({ length: 10 }, (_, i) => `r${f * 10 + i},${f * 10 + i}`);
    await local.put('raw', `batch-${String(f).padStart(2, '0')}.csv`, ['id,value', ...rows].join('\n') + '\n');
  }
  await local.settle();
  return local;
}

test('a branch with a changed step alters only the rows the change should, and main is untouched', async () => {
  // GIVEN main has scored 20 files
  const local = await mainWithData();
  const before = await Promise.all((await local.list('scored')).map((k) => local.text('scored', k)));
  // WHEN score is branched with the capped rule and fed from main's raw objects
  const branch = await local.branch('score', 'capped', { handler: './fixture/handlers/score-capped.ts' });
  const report = await branch.trigger();
  assert.deepEqual({ replayed: report.replayed, skipped: report.skipped, failed: report.failed }, { replayed: 20, skipped: 0, failed: 0 });
  const deltas = await branch.deltas();
  // THEN only the rows with a value over 50 changed, in the score column only, and no object or row was added or removed
  const [scored] = deltas.buckets;
  assert.equal(scored!.bucket, 'scored');
  assert.deepEqual(scored!.objects.added, []);
  assert.deepEqual(scored!.objects.removed, []);
  const table = scored!.tables[0]!;
  assert.deepEqual(table.keys, ['id']);
  assert.deepEqual({ added: table.rows.added, removed: table.rows.removed, changed: table.rows.changed }, { added: 0, removed: 0, changed: 149 });
  assert.deepEqual(table.columns.filter((c) => c.changed > 0).map((c) => c.column), ['score']);
  // AND main's outputs are what they were
  assert.deepEqual(await Promise.all((await local.list('scored')).map((k) => local.text('scored', k))), before);
  await branch.close();
  await local.close();
});

test('a branch triggered on a sample replays only the sampled root objects and compares main by the same sample', async () => {
  // GIVEN main has scored 20 files WHEN an unchanged branch is triggered on half of them
  const local = await mainWithData();
  const branch = await local.branch('score', 'half');
  const report = await branch.trigger({ sample: 50 });
  // THEN some are replayed and the rest skipped, deterministically
  assert.equal(report.replayed + report.skipped, 20);
  assert.ok(report.replayed > 0 && report.replayed < 20, String(report.replayed));
  // AND deltas show no difference: main's side is restricted by lineage to the same root objects
  const deltas = await branch.deltas();
  const [scored] = deltas.buckets;
  assert.deepEqual(deltas.sample, { percent: 50 });
  assert.deepEqual({ added: scored!.objects.added, removed: scored!.objects.removed, changed: scored!.objects.changed }, { added: [], removed: [], changed: [] });
  assert.equal(scored!.objects.unchanged, report.replayed);
  assert.equal(scored!.notSampled, undefined);
  // WHEN main's output bucket also holds an object with no lineage (put from outside, as a job's output would be)
  await local.put('scored', 'manual.csv', 'id,value,score\nm1,1,1\n');
  const flagged = (await branch.deltas()).buckets[0]!;
  // THEN it is compared whole, not dropped (the change stays visible), and the bucket is flagged as not sampled
  assert.deepEqual(flagged.objects.removed, ['manual.csv']);
  assert.equal(flagged.notSampled, 1);
  assert.equal(flagged.objects.unchanged, report.replayed);
  // AND a prefix picks by root key
  const again = await local.branch('score', 'prefix');
  assert.equal((await again.trigger({ keys: 'batch-1' })).replayed, 10);
  await again.close();
  await branch.close();
  await local.close();
});

test('a handler for a node that is not a function or job is SLUICE_E_BRANCH_HANDLER; deltas of a bucket the branch does not write is SLUICE_E_BRANCH_OUTPUT', async () => {
  const local = await mainWithData();
  // GIVEN a handler override for a bucket THEN it is refused
  await assert.rejects(local.branch('scored', 'x', { handler: './fixture/handlers/score-capped.ts' }), (e: Error & { code?: string }) => e.code === 'SLUICE_E_BRANCH_HANDLER' && /scored/.test(e.message));
  // GIVEN a branch WHEN deltas are asked of main's input bucket THEN it is refused, naming the outputs
  const branch = await local.branch('score', 'y');
  await branch.trigger();
  await assert.rejects(branch.deltas({ buckets: ['raw'] }), (e: Error & { code?: string }) => e.code === 'SLUICE_E_BRANCH_OUTPUT' && /scored/.test(e.message));
  await branch.close();
  await local.close();
});
