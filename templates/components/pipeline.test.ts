/**
 * Unit tests of the pipeline, on sluice's in-memory engine: no AWS account, no files, milliseconds.
 * `npm test` runs every *.test.ts file beside pipeline.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { localPipeline } from 'sluice/testing';
import pipe from './pipeline.js';

const ORDERS = 'orders-2026-01-06.csv';
const orders = () => readFileSync(new URL(`./sample-data/${ORDERS}`, import.meta.url));

test('a CSV file of orders becomes a data asset in the lake, one file per day', async () => {
  // GIVEN the pipeline on the in-memory engine
  const local = await localPipeline(pipe);
  // WHEN the sample orders land in raw
  await local.put('raw', ORDERS, orders());
  await local.settle();
  // THEN the lake holds the rows partitioned by day, one JSON row per line
  const keys = await local.list('lake');
  assert.equal(keys.length, 2, `one file per day: ${keys.join(', ')}`);
  assert.match(keys[0]!, /^sales\/order\/country=AU\/day=2026-01-05\/part-[0-9a-f-]{36}\.jsonl$/);
  const rows = (await local.text('lake', keys[0]!)).trimEnd().split('\n').map((line) => JSON.parse(line) as { id: number; customer: string });
  assert.deepEqual(rows.map((r) => [r.id, r.customer]), [[1001, 'ada'], [1002, 'grace']]);
  await local.close();
});

test('lineage walks from a lake file back to the CSV file it came from', async () => {
  const local = await localPipeline(pipe);
  await local.put('raw', ORDERS, orders());
  await local.settle();
  const [key] = await local.list('lake');
  const lineage = await local.lineage('lake', key!);
  assert.deepEqual(lineage.steps.map((s) => s.artifactName), ['write-assets', 'parse-orders']);
  assert.deepEqual(lineage.steps[1]!.metadata, { file: ORDERS, rows: 3 });
  assert.equal(lineage.root[0]!.kind === 'object' && lineage.root[0]!.key, ORDERS);
  await local.close();
});
