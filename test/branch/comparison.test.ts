import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparisonRestriction, mainSideVerdict } from '../../src/branch/comparison.js';
import { inSample } from '../../src/branch/sample.js';
import { renderDeltasTable } from '../../src/branch/deltas/render-table.js';

test('one rule for main\'s side of a sampled comparison: in or out by root key, no lineage kept whole and flagged', () => {
  // GIVEN root keys, some in a 50% sample and some out
  const keys = Array.from({ length: 40 }, (_, i) => `raw/batch-${i}.csv`);
  const restriction = comparisonRestriction({ sample: 50 });
  // WHEN each is judged THEN the verdict follows the sample rule
  assert.deepEqual(keys.map((k) => mainSideVerdict(k, restriction)), keys.map((k) => (inSample(k, 50) ? 'in' : 'out')));
  // AND an output with no lineage is neither in nor out: kept, as not sampled
  assert.equal(mainSideVerdict(undefined, restriction), 'not-sampled');
  // AND a key prefix restricts the same way
  assert.equal(mainSideVerdict('raw/a.csv', comparisonRestriction({ keys: 'raw/' })), 'in');
  assert.equal(mainSideVerdict('old/a.csv', comparisonRestriction({ keys: 'raw/' })), 'out');
  // AND without a sample or prefix (none, or only --since) main's side is whole and nothing is flagged
  assert.equal(comparisonRestriction({}), undefined);
  assert.equal(comparisonRestriction(undefined), undefined);
  assert.equal(mainSideVerdict(undefined, comparisonRestriction({})), 'in');
});

test('the deltas report flags a bucket whose main side was not sampled for want of lineage', () => {
  // GIVEN a report whose bucket kept 2 of main's objects whole WHEN rendered for the terminal THEN the flag is there
  const objects = { added: [], removed: ['a.csv', 'b.csv'], changed: [], unchanged: 0, unreadable: [] };
  const text = renderDeltasTable({ branch: 'b', stage: 'local', from: 'score', sample: { percent: 1 }, generatedAt: '2026-01-01T00:00:00.000Z', buckets: [{ bucket: 'gold', notSampled: 2, objects, tables: [] }] });
  assert.match(text, /not sampled: no lineage \(2 of main's objects compared whole\)/);
});
