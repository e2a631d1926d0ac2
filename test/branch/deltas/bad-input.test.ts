/**
 * Bad input of deltas: keys that are not unique on a side are reported with examples and counts and
 * get no row diff (never one copy silently picked); a file that does not parse as its format is named
 * and left out of its table, the rest still compared, never a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketDeltas } from '../../../src/branch/deltas/index.js';
import { csv, files, parquet } from './support.js';

test('duplicate keys on either side are reported (count, rows, most repeated first) and the table gets no row diff', async (t) => {
  const f = files();
  t.after(f.remove);
  // GIVEN main with order 2 three times and order 5 twice, and a branch whose keys are unique
  const main = [f.object('o/a.csv', csv(['id', 'v'], [[1, 'a'], [2, 'b'], [2, 'c'], [2, 'd'], [5, 'e'], [5, 'f']]))];
  const branch = [f.object('o/a.csv', csv(['id', 'v'], [[1, 'a'], [2, 'b'], [5, 'e']]))];
  // WHEN compared by id
  const delta = await bucketDeltas({ bucket: 'silver', main, branch, keys: ['id'] });
  const table = delta.tables[0]!;
  // THEN main's duplicates are listed, the branch has none, and no row counts are guessed
  assert.deepEqual(table.duplicates, { main: { keys: 2, rows: 5, examples: [{ key: { id: '2' }, count: 3 }, { key: { id: '5' }, count: 2 }] }, branch: null });
  assert.deepEqual(table.rows, { main: 6, branch: 3, added: null, removed: null, changed: null, unchanged: null });
  // AND summaries are still there for both sides
  assert.equal(table.columns.find((c) => c.column === 'v')!.main!.distinct, 6);
});

test('duplicates across the files of one table and on composite keys count too', async (t) => {
  const f = files();
  t.after(f.remove);
  const main = [f.object('o/a.csv', csv(['day', 'id', 'v'], [['d1', 1, 'a'], ['d1', 2, 'b']]))];
  const branch = [f.object('o/a.csv', csv(['day', 'id', 'v'], [['d1', 1, 'a'], ['d2', 1, 'b']])), f.object('o/b.csv', csv(['day', 'id', 'v'], [['d1', 1, 'z']]))];
  const delta = await bucketDeltas({ bucket: 'silver', main, branch }, { keys: ['day', 'id'] });
  assert.deepEqual(delta.tables[0]!.duplicates, { main: null, branch: { keys: 1, rows: 2, examples: [{ key: { day: 'd1', id: '1' }, count: 2 }] } });
});

test('files that do not parse as their format are named (key, side, reason) and left out; the other files still compare', async (t) => {
  const f = files();
  t.after(f.remove);
  const good = (ids: number[]) => parquet([{ name: 'id', data: ids.map(BigInt), type: 'INT64' }]);
  // GIVEN a Parquet table where the branch wrote one garbage part, a CSV with an unterminated quote, and a broken JSON lines file
  const main = [f.object('p/a.parquet', good([1, 2])), f.object('p/b.parquet', good([3])), f.object('c/a.csv', 'id,v\n1,x\n'), f.object('j/a.jsonl', '{"id":1}\n')];
  const branch = [
    f.object('p/a.parquet', good([1, 2])), f.object('p/b.parquet', 'not parquet at all'),
    f.object('c/a.csv', 'id,v\n1,"x\n2,y\n'), f.object('j/a.jsonl', '{"id":1}\n{"id":\n'),
  ];
  // WHEN compared
  const delta = await bucketDeltas({ bucket: 'silver', main, branch, keys: ['id'] });
  // THEN each broken file is named with its side and DuckDB's reason naming the key, not a local path
  assert.deepEqual(delta.objects.unreadable.map((u) => [u.key, u.side, u.format]), [['c/a.csv', 'branch', 'csv'], ['j/a.jsonl', 'branch', 'jsonl'], ['p/b.parquet', 'branch', 'parquet']]);
  for (const u of delta.objects.unreadable) {
    assert.ok(u.error.length > 0 && !u.error.includes(f.dir) && !u.error.includes('sluice-deltas-files'), u.error);
  }
  assert.match(delta.objects.unreadable[2]!.error, /p\/b\.parquet/);
  // AND they count as changed objects, while the readable part of the Parquet table still compares
  assert.deepEqual(delta.objects.changed, ['c/a.csv', 'j/a.jsonl', 'p/b.parquet']);
  const byName = Object.fromEntries(delta.tables.map((t) => [t.table, t]));
  assert.deepEqual(byName['p/*.parquet']!.objects, { main: 2, branch: 1 });
  assert.deepEqual(byName['p/*.parquet']!.rows, { main: 3, branch: 2, added: 0, removed: 1, changed: 0, unchanged: 2 });
  // AND a side with no readable file compares as empty
  assert.deepEqual(byName['c/*.csv']!.rows, { main: 1, branch: 0, added: 0, removed: 1, changed: 0, unchanged: 0 });
});

test('empty files are tables of no rows, not unreadable', async (t) => {
  const f = files();
  t.after(f.remove);
  const delta = await bucketDeltas({ bucket: 'out', main: [f.object('t/a.csv', 'id\n1\n'), f.object('t/b.csv', '')], branch: [f.object('t/a.csv', 'id\n1\n'), f.object('t/b.csv', '')], keys: ['id'] });
  assert.deepEqual(delta.objects.unreadable, []);
  assert.deepEqual(delta.tables[0]!.objects, { main: 2, branch: 2 });
  assert.deepEqual(delta.tables[0]!.rows, { main: 1, branch: 1, added: 0, removed: 0, changed: 0, unchanged: 1 });
});
