/**
 * `--fail-on` rules for CI gates: parsed with a coded error for a bad spec, and checked against a
 * report, counts and percentages summed over every bucket and table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failedRules, parseFailOn, type DeltasReport, type TableDelta } from '../../../src/branch/deltas/index.js';

const table = (rows: TableDelta['rows'], extra: Partial<TableDelta> = {}): TableDelta => ({
  table: 't/*.csv', format: 'csv', objects: { main: 1, branch: 1 }, keys: ['id'], keysFrom: 'bucket', rows, duplicates: null,
  schema: { added: [], removed: [], retyped: [] }, columns: [], examples: { added: [], removed: [] }, ...extra,
});

const report: DeltasReport = {
  branch: 'dedupe', stage: 'local', from: 'clean', generatedAt: '2026-12-03T00:00:00.000Z',
  buckets: [
    { bucket: 'silver', objects: { added: ['a'], removed: [], changed: ['b', 'c'], unchanged: 7, unreadable: [] }, tables: [
      table({ main: 1000, branch: 1002, added: 4, removed: 2, changed: 6, unchanged: 992 }),
      table({ main: 10, branch: 10, added: null, removed: null, changed: null, unchanged: null }, { duplicates: { main: { keys: 2, rows: 4, examples: [] }, branch: null } }),
    ] },
    { bucket: 'gold', objects: { added: [], removed: ['z'], changed: [], unchanged: 0, unreadable: [{ key: 'g.parquet', side: 'branch', format: 'parquet', error: 'bad' }] }, tables: [
      table({ main: 0, branch: 5, added: 5, removed: 0, changed: 0, unchanged: 0 }, { schema: { added: [{ column: 'x', type: 'VARCHAR' }], removed: [], retyped: [{ column: 'y', main: 'BIGINT', branch: 'DOUBLE' }] } }),
    ] },
  ],
};

test('parseFailOn reads METRIC>LIMIT and METRIC>=LIMIT, counts and percentages', () => {
  assert.deepEqual(parseFailOn('rows-changed>0.5%'), { spec: 'rows-changed>0.5%', metric: 'rows-changed', op: '>', limit: 0.5, percent: true });
  assert.deepEqual(parseFailOn(' objects-removed >= 1 '), { spec: 'objects-removed >= 1', metric: 'objects-removed', op: '>=', limit: 1, percent: false });
  assert.deepEqual(parseFailOn('duplicate-keys>0'), { spec: 'duplicate-keys>0', metric: 'duplicate-keys', op: '>', limit: 0, percent: false });
});

test('a bad --fail-on spec fails with SLUICE_E_DELTAS_FAIL_ON saying what is wrong and listing the metrics', () => {
  const fails = (spec: string, why: RegExp) => assert.throws(() => parseFailOn(spec), (e: { code: string; message: string }) =>
    e.code === 'SLUICE_E_DELTAS_FAIL_ON' && why.test(e.message) && e.message.includes('rows-changed, ') && e.message.includes(`'${spec}'`));
  fails('rows-chnaged>1%', /'rows-chnaged' is not a metric/);
  fails('rows-changed<1%', /not a metric, > or >=, and a number/);
  fails('rows-changed>', /not a metric, > or >=, and a number/);
  fails('rows-changed>abc', /not a metric, > or >=, and a number/);
  fails('', /not a metric/);
  fails('duplicate-keys>1%', /duplicate-keys is a count, not a share/);
});

test('failedRules sums each metric over buckets and tables; percentages are of main rows or objects; tables without a row diff do not count', () => {
  const rules = ['rows-changed>0.5%', 'rows-changed>0.6%', 'rows-added>=9', 'objects-changed>20%', 'objects-removed>0', 'objects-unreadable>0', 'duplicate-keys>1', 'schema-changes>2', 'objects-added>0'].map(parseFailOn);
  // rows-changed: 6 of 1000 main rows, 0.6% (the table with duplicate keys has no diff: neither its rows nor its changes count); rows-added: 4 + 5; objects-changed: 2 of 10 main objects (20%, not above)
  assert.deepEqual(failedRules(report, rules), [
    { rule: 'rows-changed>0.5%', actual: (6 / 1000) * 100 },
    { rule: 'rows-added>=9', actual: 9 },
    { rule: 'objects-removed>0', actual: 1 },
    { rule: 'objects-unreadable>0', actual: 1 },
    { rule: 'duplicate-keys>1', actual: 2 },
    { rule: 'objects-added>0', actual: 1 },
  ]);
});

test('a percentage of nothing is 0 when nothing happened and 100 when something did', () => {
  const empty: DeltasReport = { ...report, buckets: [{ bucket: 'b', objects: { added: ['new'], removed: [], changed: [], unchanged: 0, unreadable: [] }, tables: [] }] };
  assert.deepEqual(failedRules(empty, [parseFailOn('objects-added>50%'), parseFailOn('rows-added>0%')]), [{ rule: 'objects-added>50%', actual: 100 }]);
});
