/**
 * Unit tests of the three-node example, on the in-memory engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localPipeline } from 'sluice/testing';
import pipe from './pipeline.js';

test('copies an object from raw to curated under the same key', async () => {
  // GIVEN the pipeline on the in-memory engine
  const local = await localPipeline(pipe);
  // WHEN an object lands in raw
  await local.put('raw', 'some-key', 'hello');
  await local.settle();
  // THEN curated holds the same bytes under the same key
  assert.equal(await local.text('curated', 'some-key'), 'hello');
  assert.deepEqual(local.stats().copy, { invocations: 1, successes: 1, failures: 0, retries: 0, deadLettered: 0 });
  await local.close();
});

test('copies keys with spaces and unicode, which S3 events carry form-encoded', async () => {
  const local = await localPipeline(pipe);
  const keys = ['reports/q3 summary.txt', 'données/été+2026.csv'];
  for (const key of keys) await local.put('raw', key, `body of ${key}`);
  await local.settle();
  assert.deepEqual(await local.list('curated'), [...keys].sort());
  for (const key of keys) assert.equal(await local.text('curated', key), `body of ${key}`);
  await local.close();
});
