/**
 * `sluice table` on the local stage, as the seed's click CLI was used: items from a file or the
 * command line, the table before and after with the net change, what is already as asked left alone,
 * a key renamed in one transaction, and every bad input of issue 14 a coded error that changes
 * nothing (or a reported no-op).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertUserError, parseJson, removeRepoTempDir, repoTempDir, sluiceAwait } from './support.js';
import { ROOT } from '../helpers/cli.js';

let dir: string;
const cli = (...args: string[]) => sluiceAwait(args, { cwd: dir, timeoutMs: 60_000 });
const names = async () => parseJson<{ items: Array<{ name: string }> }>(await cli('table', 'fang', 'scan', '--json')).items.map((i) => i.name);

before(() => {
  dir = repoTempDir();
  cpSync(join(ROOT, 'examples/ai-sentiment'), dir, { recursive: true, filter: (f) => !f.includes('.sluice') && !f.includes('node_modules') });
});
after(() => removeRepoTempDir(dir));

test('GIVEN a file with a BOM, Windows line ends, blank lines and a repeated name WHEN added THEN each name is added once, and the report shows before, after and the net change', async () => {
  writeFileSync(join(dir, 'names.txt'), '\uFEFFfacebook\r\napple\r\n\r\namazon\r\napple\r\n\r\nnetflix\r\ngoogle\r\n');
  const added = parseJson(await cli('table', 'fang', 'add', '--file', 'names.txt', '--json'));
  assert.deepEqual(added.before, []);
  assert.deepEqual(added.added, ['facebook', 'apple', 'amazon', 'netflix', 'google']);
  assert.deepEqual(added.after, ['amazon', 'apple', 'facebook', 'google', 'netflix']);
  assert.deepEqual(added.duplicates, ['apple']);
  assert.equal(added.blankLines, 2);
  // WHEN the same names and one new one are added again THEN only the new one is added: the rest are left alone
  const again = await cli('table', 'fang', 'add', '--item', 'apple', '--item', 'ibm');
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /before: 5 item\(s\): amazon, apple, facebook, google, netflix\nadded 1: ibm\nleft alone 1 \(already there\): apple\nafter: 6 item\(s\)/);
});

test('GIVEN the table WHEN names are removed, one of them absent THEN the absent one is ignored and reported', async () => {
  const removed = parseJson(await cli('table', 'fang', 'remove', '--item', 'ibm', '--item', 'oracle', '--json'));
  assert.deepEqual(removed.removed, ['ibm']);
  assert.deepEqual(removed.unchanged, ['oracle']);
  assert.deepEqual(await names(), ['amazon', 'apple', 'facebook', 'google', 'netflix']);
});

test('GIVEN an item with other attributes WHEN its key is updated THEN the old key is gone and the new one has its attributes; a missing old or an existing new changes nothing', async () => {
  assert.equal((await cli('table', 'fang', 'import', '--file', 'extra.jsonl')).status, 2);
  writeFileSync(join(dir, 'extra.jsonl'), '{"name":"facebook","ticker":"FB"}\n');
  assert.equal((await cli('table', 'fang', 'import', '--file', 'extra.jsonl')).status, 0);
  const updated = parseJson(await cli('table', 'fang', 'update', '--old', 'facebook', '--new', 'meta', '--json'));
  assert.equal(updated.changed, true);
  assert.deepEqual(updated.after, ['amazon', 'apple', 'google', 'meta', 'netflix']);
  assert.deepEqual(parseJson(await cli('table', 'fang', 'get', '--item', 'meta', '--json')).item, { name: 'meta', ticker: 'FB' });
  assertUserError(await cli('table', 'fang', 'update', '--old', 'facebook', '--new', 'fb'), 'SLUICE_E_TABLE_ITEMS_UPDATE_OLD', ["no item facebook"]);
  assertUserError(await cli('table', 'fang', 'update', '--old', 'meta', '--new', 'apple'), 'SLUICE_E_TABLE_ITEMS_UPDATE_NEW', ['already has an item apple']);
  assert.deepEqual(await names(), ['amazon', 'apple', 'google', 'meta', 'netflix']);
});

test('GIVEN bad input WHEN added THEN each is a coded error naming the line, and nothing is written', async () => {
  writeFileSync(join(dir, 'bad.txt'), 'oracle\n{"name": 5}\n{"name": "ibm"}\n');
  assertUserError(await cli('table', 'fang', 'add', '--file', 'bad.txt'), 'SLUICE_E_TABLE_ITEMS_KEY_TYPE', ['bad.txt:2', "'name', which is of type S", 'nothing was changed']);
  writeFileSync(join(dir, 'bad.txt'), 'oracle\nname=\n{"name": }\n');
  assertUserError(await cli('table', 'fang', 'add', '--file', 'bad.txt'), 'SLUICE_E_TABLE_ITEMS_SPEC', ['bad.txt:2 has no value', 'bad.txt:3']);
  assertUserError(await cli('table', 'fang', 'add', '--item', ''), 'SLUICE_E_TABLE_ITEMS_SPEC', ['--item 1 is empty']);
  writeFileSync(join(dir, 'blank.txt'), '\n\n');
  assertUserError(await cli('table', 'fang', 'add', '--file', 'blank.txt'), 'SLUICE_E_TABLE_ITEMS_INPUT', ['only blank lines']);
  assertUserError(await cli('table', 'fang', 'add', '--file', 'names.txt', '--item', 'x'), 'SLUICE_E_TABLE_ITEMS_INPUT', ['not both']);
  assertUserError(await cli('table', 'fang', 'add', '--file', 'missing.txt'), 'SLUICE_E_TABLE_ITEMS_FILE', ['missing.txt']);
  assertUserError(await cli('table', 'fang', 'export', '--file', 'no-such-folder/items.jsonl'), 'SLUICE_E_TABLE_EXPORT_FILE', ["cannot write the export file 'no-such-folder/items.jsonl' (ENOENT)"]);
  assertUserError(await cli('table', 'fang', 'drop'), 'SLUICE_E_TABLE_ITEMS_INPUT', ["'drop' is not an operation"]);
  assertUserError(await cli('table', 'fang', 'get'), 'SLUICE_E_TABLE_ITEMS_INPUT', ['get takes one --item KEY (given 0)']);
  assertUserError(await cli('table', 'stocks', 'scan'), 'SLUICE_E_UNKNOWN_NODE', ['stocks']);
  assert.deepEqual(await names(), ['amazon', 'apple', 'google', 'meta', 'netflix']);
});

test('GIVEN the table WHEN exported and imported into a fresh state THEN the items are the same', async () => {
  assert.equal((await cli('table', 'fang', 'export', '--file', 'fang.jsonl')).status, 0);
  assert.equal(readFileSync(join(dir, 'fang.jsonl'), 'utf8').trim().split('\n').length, 5);
  const imported = parseJson(await cli('table', 'fang', 'import', '--file', 'fang.jsonl', '--state', join(dir, 'other-state'), '--json'));
  assert.equal(imported.imported, 5);
});

test('GIVEN names in the table WHEN the schedule is fired with sluice trigger THEN each name gets a JSON and a CSV result; a function no schedule invokes, or a bad --detail, is a coded error', async () => {
  const fired = await cli('trigger', 'five-minute-timer', '--json');
  assert.equal(fired.status, 0, fired.stderr);
  const report = parseJson(fired);
  assert.deepEqual(report.targets, ['serverless-producer']);
  assert.equal(report.event['detail-type'], 'Scheduled Event');
  const keys = parseJson<{ objects: Array<{ key: string }> }>(await cli('ls', 'fangsentiment', '--json')).objects.map((o) => o.key);
  const run = String(report.event.time);
  for (const name of ['amazon', 'apple', 'google', 'netflix']) {
    assert.ok(keys.includes(`json/${run}/${name}.json`) && keys.includes(`csv/${run}/${name}.csv`), `${name} in ${keys.join(', ')}`);
  }
  const apple = JSON.parse((await cli('cat', 'fangsentiment', `json/${run}/apple.json`)).stdout);
  assert.equal(apple.sentiment, 'POSITIVE');
  // AND firing through the function the schedule invokes works the same
  assert.equal((await cli('trigger', 'serverless-producer', '--detail', '{"by":"hand"}')).status, 0);
  assertUserError(await cli('trigger', 'producer-ai'), 'SLUICE_E_TRIGGER_NO_SCHEDULE', ["function 'producer-ai' has no schedule"]);
  assertUserError(await cli('trigger', 'five-minute-timer', '--detail', '[1]'), 'SLUICE_E_TRIGGER_DETAIL', ['--detail must be a JSON object']);
});

test('GIVEN results of a run WHEN a name is removed with --prune-outputs THEN exactly the objects whose lineage roots at it are deleted', async () => {
  const before = parseJson<{ objects: Array<{ key: string }> }>(await cli('ls', 'fangsentiment', '--json')).objects.map((o) => o.key);
  assert.ok(before.some((k) => k.endsWith('/apple.json')));
  const removed = parseJson(await cli('table', 'fang', 'remove', '--item', 'apple', '--prune-outputs', '--json'));
  assert.deepEqual(removed.removed, ['apple']);
  const appleKeys = before.filter((k) => /\/apple\.(json|csv)$/.test(k)).sort();
  assert.deepEqual(removed.pruned.map((p: { key: string }) => p.key).sort(), appleKeys);
  const after = parseJson<{ objects: Array<{ key: string }> }>(await cli('ls', 'fangsentiment', '--json')).objects.map((o) => o.key);
  assert.deepEqual(after, before.filter((k) => !appleKeys.includes(k)));
});

test('GIVEN a name removed without pruning WHEN it is removed again with --prune-outputs THEN its outputs are pruned (an interrupted prune finishes on a rerun)', async () => {
  const before = parseJson<{ objects: Array<{ key: string }> }>(await cli('ls', 'fangsentiment', '--json')).objects.map((o) => o.key);
  const name = /\/([^/]+)\.json$/.exec(before.find((k) => k.endsWith('.json'))!)![1]!;
  const keys = before.filter((k) => k.endsWith(`/${name}.json`) || k.endsWith(`/${name}.csv`)).sort();
  assert.ok(keys.length >= 2, `outputs of '${name}': ${keys.join(', ')}`);
  // GIVEN the name removed from the table, its outputs left
  assert.deepEqual(parseJson(await cli('table', 'fang', 'remove', '--item', name, '--json')).removed, [name]);
  // WHEN removed again with --prune-outputs THEN nothing is removed from the table and its outputs are pruned
  const again = parseJson(await cli('table', 'fang', 'remove', '--item', name, '--prune-outputs', '--json'));
  assert.deepEqual(again.removed, []);
  assert.deepEqual(again.pruned.map((p: { key: string }) => p.key).sort(), keys);
  const after = parseJson<{ objects: Array<{ key: string }> }>(await cli('ls', 'fangsentiment', '--json')).objects.map((o) => o.key);
  assert.deepEqual(after, before.filter((k) => !keys.includes(k)));
});

test('GIVEN a name with no text WHEN the schedule is fired THEN the report names the step that failed and why, before the record reaches the DLQ', async () => {
  assert.equal((await cli('table', 'fang', 'add', '--item', 'nosample')).status, 0);
  const fired = await cli('trigger', 'five-minute-timer', '--json');
  const report = parseJson<{ ran: Array<{ node: string; failures: number; deadLettered: number; lastError?: { errorType: string; errorMessage: string } }> }>(fired);
  const sentiment = report.ran.find((r) => r.node === 'producer-ai')!;
  assert.ok(sentiment.failures >= 1, JSON.stringify(sentiment));
  assert.equal(sentiment.deadLettered, 0);
  assert.match(sentiment.lastError!.errorMessage, /no sample text for 'nosample': add one to examples\/ai-sentiment\/sample-data\/texts\.ts/);
  // AND a person reads it in the text report
  const text = await cli('trigger', 'five-minute-timer');
  assert.match(text.stdout, /producer-ai: \d+ invocation\(s\), \d+ failed, 0 dead-lettered\n {4}last error: Error: no sample text for 'nosample'/);
});
