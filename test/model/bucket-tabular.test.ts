import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, type BucketFormat } from '../../src/index.js';

const around = (b: ReturnType<typeof bucket>) => pipeline('tabular', [b.to(fn('f', { handler: './h.ts' }))]);

test("a bucket's tabular facts (format and keys) are kept as declared and validate", () => {
  // GIVEN a bucket declaring Parquet objects keyed by order_id THEN the pipeline has no problem and keeps them
  const silver = bucket('silver', { format: 'parquet', keys: ['order_id', 'line'] });
  assert.deepEqual(around(silver).validate(), []);
  assert.equal(silver.props.format, 'parquet');
  assert.deepEqual(silver.props.keys, ['order_id', 'line']);
});

test("a bucket's unknown format is SLUICE_E_BUCKET_FORMAT; keys that are empty, blank or repeated are SLUICE_E_BUCKET_KEYS", () => {
  // GIVEN a format sluice cannot read THEN it is named with the formats allowed
  const [format] = around(bucket('b', { format: 'xlsx' as BucketFormat })).validate();
  assert.equal(format?.code, 'SLUICE_E_BUCKET_FORMAT');
  assert.match(format!.message, /bucket 'b': format must be one of 'csv', 'jsonl', 'json', 'parquet' \(given "xlsx"\)/);
  // GIVEN keys that cannot identify a row THEN each is refused
  for (const keys of [[], [''], ['id', 'id'], 'id' as unknown as string[]]) {
    const problems = around(bucket('b', { keys })).validate();
    assert.deepEqual(problems.map((p) => [p.code, p.field]), [['SLUICE_E_BUCKET_KEYS', 'keys']], JSON.stringify(keys));
  }
});
