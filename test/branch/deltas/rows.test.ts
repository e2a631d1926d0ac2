/**
 * Row deltas of tabular objects over real CSV, Parquet, JSON lines and JSON array files: by key
 * (added, removed, changed, changed values per column), as whole rows without keys, schema changes,
 * per-column summaries, and how objects group into tables.
 */
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { bucketDeltas } from '../../../src/branch/deltas/index.js';
import { csv, files, parquet, type SluiceErrorLike } from './support.js';

test('CSV rows by key: added, removed, changed with the changed values per column, unchanged', async (t) => {
  const f = files();
  t.after(f.remove);
  // GIVEN main's orders and a branch that changed two amounts and one status, dropped order 3 and added order 9
  const main = [f.object('orders/day.csv', csv(['id', 'status', 'amount'], [[1, 'paid', 10], [2, 'paid', 20], [3, 'open', 30], [4, 'open', 40], [10, 'paid', 5]]))];
  const branch = [f.object('orders/day.csv', csv(['id', 'status', 'amount'], [[1, 'paid', 10], [2, 'paid', 21], [4, 'paid', 41], [9, 'new', 90], [10, 'paid', 5]]))];
  // WHEN compared by the bucket's keys
  const delta = await bucketDeltas({ bucket: 'silver', main, branch, keys: ['id'] });
  const table = delta.tables[0]!;
  // THEN one table, keyed by the bucket's keys, with every row accounted for
  assert.equal(delta.tables.length, 1);
  assert.equal(table.table, 'orders/*.csv');
  assert.deepEqual([table.keys, table.keysFrom], [['id'], 'bucket']);
  assert.deepEqual(table.rows, { main: 5, branch: 5, added: 1, removed: 1, changed: 2, unchanged: 2 });
  assert.deepEqual(table.examples, { added: [{ id: '9' }], removed: [{ id: '3' }] });
  // AND the changed values per column, in key order (numerically: 2 before 4, 10 would follow)
  const amount = table.columns.find((c) => c.column === 'amount')!;
  assert.equal(amount.changed, 2);
  assert.deepEqual(amount.examples, [{ key: { id: '2' }, main: '20', branch: '21' }, { key: { id: '4' }, main: '40', branch: '41' }]);
  const status = table.columns.find((c) => c.column === 'status')!;
  assert.deepEqual([status.changed, status.examples], [1, [{ key: { id: '4' }, main: 'open', branch: 'paid' }]]);
  assert.equal(table.columns.find((c) => c.column === 'id')!.changed, 0);
  // AND per-column summaries of both sides
  assert.deepEqual(amount.main, { type: 'BIGINT', count: 5, nulls: 0, distinct: 5, min: 5, max: 40, mean: 21 });
  assert.deepEqual(amount.branch, { type: 'BIGINT', count: 5, nulls: 0, distinct: 5, min: 5, max: 90, mean: 33.4 });
  assert.deepEqual(status.main, { type: 'VARCHAR', count: 5, nulls: 0, distinct: 2, min: null, max: null, mean: null });
  assert.equal(table.duplicates, null);
  assert.deepEqual(delta.objects.changed, ['orders/day.csv']);
  // AND the number of examples kept per list is an option
  const one = await bucketDeltas({ bucket: 'silver', main, branch, keys: ['id'] }, { examples: 1 });
  assert.deepEqual(one.tables[0]!.columns.find((c) => c.column === 'amount')!.examples, [{ key: { id: '2' }, main: '20', branch: '21' }]);
});

test('partitioned Parquet compares as one table; a key extension wins over the bucket format; --keys win over the bucket keys', async (t) => {
  const f = files();
  t.after(f.remove);
  const part = (ids: number[], amounts: number[]) => parquet([{ name: 'order_id', data: ids.map(String), type: 'STRING' }, { name: 'amount', data: amounts, type: 'DOUBLE' }, { name: 'n', data: ids.map(BigInt), type: 'INT64' }]);
  // GIVEN a bucket declared as CSV holding Parquet partitions by day, the branch moving order 3 to another day and changing it
  const main = [f.object('orders/order_date=2026-01-05/part-0.parquet', part([1, 2], [1.5, 2.5])), f.object('orders/order_date=2026-01-06/part-0.parquet', part([3], [3.5]))];
  const branch = [f.object('orders/order_date=2026-01-05/part-0.parquet', part([1, 2, 3], [1.5, 2.5, 3.75]))];
  // WHEN compared with --keys naming the order id (the bucket declares another key)
  const delta = await bucketDeltas({ bucket: 'silver', main, branch, format: 'csv', keys: ['n'] }, { keys: ['order_id'] });
  // THEN the partitions form one Parquet table, keyed by --keys, and order 3 is changed, not removed and added
  assert.deepEqual(delta.tables.map((t) => [t.table, t.format, t.objects]), [['orders/*.parquet', 'parquet', { main: 2, branch: 1 }]]);
  const table = delta.tables[0]!;
  assert.equal(table.keysFrom, 'option');
  assert.deepEqual(table.rows, { main: 3, branch: 3, added: 0, removed: 0, changed: 1, unchanged: 2 });
  assert.deepEqual(table.columns.find((c) => c.column === 'amount')!.examples, [{ key: { order_id: '3' }, main: '3.5', branch: '3.75' }]);
  assert.deepEqual(delta.objects.removed, ['orders/order_date=2026-01-06/part-0.parquet']);
});

test('JSON lines and JSON arrays are tables of their own; the bucket format applies to keys without a tabular extension', async (t) => {
  const f = files();
  t.after(f.remove);
  const main = [
    f.object('events/a.jsonl', '{"id":1,"kind":"x"}\n{"id":2,"kind":"y"}\n'),
    f.object('customers/all.json', '[{"id":"c1","region":"eu"},{"id":"c2","region":"us"}]'),
    f.object('plain/part-0', 'id,v\n1,a\n'),
  ];
  const branch = [
    f.object('events/a.jsonl', '{"id":1,"kind":"x"}\n{"id":2,"kind":"z"}\n{"id":3,"kind":"x"}\n'),
    f.object('customers/all.json', '[{"id":"c1","region":"eu"}]'),
    f.object('plain/part-0', 'id,v\n1,b\n'),
  ];
  // WHEN compared by id (the bucket declares CSV for keys without an extension)
  const delta = await bucketDeltas({ bucket: 'mixed', main, branch, format: 'csv', keys: ['id'] });
  const rows = Object.fromEntries(delta.tables.map((t) => [t.table, [t.format, t.rows]]));
  assert.deepEqual(rows, {
    'customers/*.json': ['json', { main: 2, branch: 1, added: 0, removed: 1, changed: 0, unchanged: 1 }],
    'events/*.jsonl': ['jsonl', { main: 2, branch: 3, added: 1, removed: 0, changed: 1, unchanged: 1 }],
    'plain/*.csv': ['csv', { main: 1, branch: 1, added: 0, removed: 0, changed: 1, unchanged: 0 }],
  });
});

test('without keys rows compare as whole rows (multisets): a changed row is one removed and one added', async (t) => {
  const f = files();
  t.after(f.remove);
  // GIVEN rows without a declared key; main has a row twice, the branch once, and one row changed
  const main = [f.object('r.csv', csv(['a', 'b'], [[1, 'x'], [1, 'x'], [2, 'y'], [3, 'z']]))];
  const branch = [f.object('r.csv', csv(['a', 'b'], [[1, 'x'], [2, 'y'], [3, 'Z']]))];
  const delta = await bucketDeltas({ bucket: 'out', main, branch });
  const table = delta.tables[0]!;
  // THEN copies count: one copy of (1,x) removed, (3,z) removed, (3,Z) added; nothing is "changed"
  assert.deepEqual([table.keys, table.keysFrom], [[], 'none']);
  assert.deepEqual(table.rows, { main: 4, branch: 3, added: 1, removed: 2, changed: 0, unchanged: 2 });
  assert.deepEqual(table.examples, { added: [{ a: '3', b: 'Z' }], removed: [{ a: '1', b: 'x' }, { a: '3', b: 'z' }] });
});

test('schema changes: columns added, removed and retyped; a retyped number still compares by value', async (t) => {
  const f = files();
  t.after(f.remove);
  const main = [f.object('t.csv', csv(['id', 'qty', 'old', 'code'], [[1, 2, 'a', 7], [2, 3, 'b', 8]]))];
  const branch = [f.object('t.csv', csv(['id', 'qty', 'code', 'new'], [[1, 2.5, 'x7', 'n'], [2, 3.0, '8', 'm']]))];
  const delta = await bucketDeltas({ bucket: 'out', main, branch, keys: ['id'] });
  const table = delta.tables[0]!;
  assert.deepEqual(table.schema, {
    added: [{ column: 'new', type: 'VARCHAR' }],
    removed: [{ column: 'old', type: 'VARCHAR' }],
    retyped: [{ column: 'qty', main: 'BIGINT', branch: 'DOUBLE' }, { column: 'code', main: 'BIGINT', branch: 'VARCHAR' }],
  });
  // THEN qty 3 -> 3.0 is no change, 2 -> 2.5 is; code compares as text ('7' -> 'x7' changed, '8' -> '8' not)
  const changed = Object.fromEntries(table.columns.map((c) => [c.column, c.changed]));
  assert.deepEqual(changed, { id: 0, qty: 1, old: 0, code: 1, new: 0 });
  // AND only row 1 counts as changed (row 2 differs in type only, and in columns one side lacks)
  assert.deepEqual(table.rows, { main: 2, branch: 2, added: 0, removed: 0, changed: 1, unchanged: 1 });
  // AND columns only one side has carry only that side's summary
  const old = table.columns.find((c) => c.column === 'old')!;
  assert.equal(old.branch, null);
  assert.equal(old.main?.count, 2);
});

test('a table only the branch has is all added rows; one only main has is all removed', async (t) => {
  const f = files();
  t.after(f.remove);
  const delta = await bucketDeltas({ bucket: 'out', main: [f.object('gone/a.csv', 'id\n1\n2\n')], branch: [f.object('fresh/a.csv', 'id\n5\n')], keys: ['id'] });
  assert.deepEqual(delta.tables.map((t) => [t.table, t.rows]), [
    ['fresh/*.csv', { main: 0, branch: 1, added: 1, removed: 0, changed: 0, unchanged: 0 }],
    ['gone/*.csv', { main: 2, branch: 0, added: 0, removed: 2, changed: 0, unchanged: 0 }],
  ]);
  assert.deepEqual(delta.tables[0]!.schema.added, [{ column: 'id', type: 'BIGINT' }]);
});

test('column names with quotes and spaces, values with quotes, and file paths with quotes and glob characters are read as they are', async (t) => {
  const f = files();
  t.after(f.remove);
  const header = ['"order id"', '"it\'s ""x"""', 'a;b'];
  const main = [f.object("o'k/a.csv", `${header.join(',')}\n1,"say ""hi""",x\n2,'q',y\n`, { name: "it's [1] *.csv" })];
  const branch = [f.object("o'k/a.csv", `${header.join(',')}\n1,"say ""hi!""",x\n2,'q',y\n`, { name: "x?.csv" })];
  const delta = await bucketDeltas({ bucket: 'out', main, branch }, { keys: ['order id'] });
  const table = delta.tables[0]!;
  assert.equal(table.table, "o'k/*.csv");
  assert.deepEqual(table.rows, { main: 2, branch: 2, added: 0, removed: 0, changed: 1, unchanged: 1 });
  assert.deepEqual(table.columns.find((c) => c.column === 'it\'s "x"')!.examples, [{ key: { 'order id': '1' }, main: 'say "hi"', branch: 'say "hi!"' }]);
});

test('key columns a side lacks, or an empty --keys, fail with SLUICE_E_DELTAS_KEYS naming the table and its columns', async (t) => {
  const f = files();
  t.after(f.remove);
  const main = [f.object('t/a.csv', 'id,v\n1,a\n')];
  const branch = [f.object('t/a.csv', 'ident,v\n1,b\n')];
  await assert.rejects(bucketDeltas({ bucket: 'out', main, branch }, { keys: ['id'] }), (e: SluiceErrorLike) =>
    e.code === 'SLUICE_E_DELTAS_KEYS' && /bucket 'out', table 't\/\*\.csv': key column 'id' not in branch's side \(columns: 'ident', 'v'\)/.test(e.message));
  await assert.rejects(bucketDeltas({ bucket: 'out', main, branch }, { keys: [] }), (e: SluiceErrorLike) => e.code === 'SLUICE_E_DELTAS_KEYS' && /--keys names no column/.test(e.message));
});

test('a NULL key is a key value of its own: it matches NULL on the other side, and twice on one side is a duplicate', async (t) => {
  const f = files();
  t.after(f.remove);
  // GIVEN a row with no id on both sides, its value changed on the branch
  const main = [f.object('t/a.csv', 'id,v\n1,a\n,b\n')];
  const branch = [f.object('t/a.csv', 'id,v\n1,a\n,c\n')];
  const delta = await bucketDeltas({ bucket: 'out', main, branch, keys: ['id'] });
  // THEN the two NULL-keyed rows are the same row, changed
  assert.deepEqual(delta.tables[0]!.rows, { main: 2, branch: 2, added: 0, removed: 0, changed: 1, unchanged: 1 });
  assert.deepEqual(delta.tables[0]!.columns.find((c) => c.column === 'v')!.examples, [{ key: { id: null }, main: 'b', branch: 'c' }]);
  // AND two rows without an id on one side are a duplicate key, as are two equal composite keys with a NULL in them
  const twice = await bucketDeltas({ bucket: 'out', main, branch: [f.object('t/a.csv', 'id,v\n1,a\n,c\n,d\n')], keys: ['id'] });
  assert.deepEqual(twice.tables[0]!.duplicates, { main: null, branch: { keys: 1, rows: 2, examples: [{ key: { id: null }, count: 2 }] } });
  const composite = await bucketDeltas({ bucket: 'out', main: [f.object('t/a.csv', 'a,b\n1,\n1,\n2,\n')], branch: [f.object('t/a.csv', 'a,b\n1,\n2,\n')] }, { keys: ['a', 'b'] });
  assert.deepEqual(composite.tables[0]!.duplicates, { main: { keys: 1, rows: 2, examples: [{ key: { a: '1', b: null }, count: 2 }] }, branch: null });
});

test('CSV lines starting with # are rows, not comments; long example values are cut to 200 characters', async (t) => {
  const f = files();
  t.after(f.remove);
  const long = 'x'.repeat(5000);
  const main = [f.object('t.csv', `id,v\n#1,a\n2,${long}\n`)];
  const branch = [f.object('t.csv', `id,v\n#1,b\n2,${long}y\n`)];
  const delta = await bucketDeltas({ bucket: 'out', main, branch, keys: ['id'] });
  const v = delta.tables[0]!.columns.find((c) => c.column === 'v')!;
  assert.deepEqual(delta.tables[0]!.rows, { main: 2, branch: 2, added: 0, removed: 0, changed: 2, unchanged: 0 });
  assert.deepEqual(v.examples[0], { key: { id: '#1' }, main: 'a', branch: 'b' });
  assert.equal(v.examples[1]!.main, `${'x'.repeat(199)}…`);
});

test('nested JSON values compare whole and show as text; files whose types do not unite compare as text', async (t) => {
  const f = files();
  t.after(f.remove);
  const main = [f.object('e/a.jsonl', '{"id":1,"tags":["a","b"],"geo":{"lat":1.5,"lon":2}}\n{"id":2,"tags":[],"geo":{"lat":0,"lon":0}}\n')];
  const branch = [f.object('e/a.jsonl', '{"id":1,"tags":["a","c"],"geo":{"lat":1.5,"lon":2}}\n{"id":2,"tags":[],"geo":{"lat":0,"lon":0}}\n')];
  const delta = await bucketDeltas({ bucket: 'out', main, branch, keys: ['id'] });
  const table = delta.tables[0]!;
  assert.deepEqual(table.rows, { main: 2, branch: 2, added: 0, removed: 0, changed: 1, unchanged: 1 });
  assert.deepEqual(table.columns.find((c) => c.column === 'tags')!.examples, [{ key: { id: '1' }, main: '[a, b]', branch: '[a, c]' }]);
  assert.equal(table.columns.find((c) => c.column === 'geo')!.changed, 0);
  // AND a table whose files disagree on a column's shape (a list in one, an object in another) still compares
  // (a broken third file makes each file be read alone, so the two shapes meet only when the files are put together)
  const parts = [f.object('m/a.jsonl', '{"id":1,"x":[1,2]}\n'), f.object('m/b.jsonl', '{"id":2,"x":{"k":1}}\n'), f.object('m/c.jsonl', '{"id":\n')];
  const mixed = await bucketDeltas({ bucket: 'out', main: parts, branch: [f.object('m/a.jsonl', '{"id":1,"x":[1,2]}\n')], keys: ['id'] });
  assert.deepEqual(mixed.tables[0]!.rows, { main: 2, branch: 1, added: 0, removed: 1, changed: 0, unchanged: 1 });
  assert.deepEqual(mixed.objects.unreadable.map((u) => u.key), ['m/c.jsonl']);
  assert.deepEqual(mixed.tables[0]!.schema.retyped, [{ column: 'x', main: 'VARCHAR', branch: 'BIGINT[]' }]);
});

test('gzipped CSV and JSON lines (.csv.gz, .jsonl.gz) are read as their format, in the same table as the plain ones', async (t) => {
  const f = files();
  t.after(f.remove);
  const main = [f.object('t/a.csv', 'id,v\n1,a\n'), f.object('t/b.csv.gz', gzipSync('id,v\n2,b\n')), f.object('j/a.jsonl.gz', gzipSync('{"id":1,"v":"x"}\n'))];
  const branch = [f.object('t/a.csv', 'id,v\n1,a\n'), f.object('t/b.csv.gz', gzipSync('id,v\n2,B\n')), f.object('j/a.jsonl.gz', gzipSync('{"id":1,"v":"y"}\n'))];
  const delta = await bucketDeltas({ bucket: 'out', main, branch, keys: ['id'] });
  assert.deepEqual(delta.tables.map((t) => [t.table, t.objects, t.rows.changed]), [['j/*.jsonl', { main: 1, branch: 1 }, 1], ['t/*.csv', { main: 2, branch: 2 }, 1]]);
  assert.deepEqual(delta.objects.unreadable, []);
});
