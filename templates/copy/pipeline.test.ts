/**
 * Unit tests of the pipeline, on sluice's in-memory engine: no AWS account, no files, milliseconds.
 * `npm test` runs every *.test.ts file beside pipeline.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { localPipeline } from 'sluice/testing';
import pipe from './pipeline.js';

test('copies an object from raw to curated under the same key', async () => {
  // GIVEN the pipeline on the in-memory engine
  const local = await localPipeline(pipe);
  // WHEN the sample orders land in raw
  const orders = readFileSync(new URL('./sample-data/orders.csv', import.meta.url));
  await local.put('raw', 'orders.csv', orders);
  await local.settle();
  // THEN curated holds the same bytes under the same key
  assert.deepEqual(await local.get('curated', 'orders.csv'), orders);
  assert.deepEqual(local.stats().copy, { invocations: 1, successes: 1, failures: 0, retries: 0, deadLettered: 0 });
  await local.close();
});

test('keeps the key of an object in a folder, spaces and all', async () => {
  const local = await localPipeline(pipe);
  await local.put('raw', 'reports/q3 summary.txt', 'all good');
  await local.settle();
  assert.deepEqual(await local.list('curated'), ['reports/q3 summary.txt']);
  await local.close();
});
