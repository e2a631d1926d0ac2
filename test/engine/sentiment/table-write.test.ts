/**
 * `TableItems.write` on the local stage: many changes in one transaction, and an atomic write whose
 * checks fail (the table changed since it was read) changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipeline, table, fn, bucket } from 'sluice';
import { fixture, startLocal } from '../../helpers/local.js';

const pipe = () => pipeline('tw', [bucket('in').to(fn('reader', { handler: fixture('table-access') }).reads(table('fang', { partitionKey: 'name' })))]);

test('an atomic write whose item to rename is gone, or whose new item exists, fails with SLUICE_E_TABLE_ITEMS_CONFLICT and writes nothing', async (t) => {
  // GIVEN a table with two items
  const local = await startLocal(t, pipe());
  const fang = local.stage.table('fang');
  await fang.write({ put: [{ name: 'apple' }, { name: 'meta' }], delete: [] });
  // WHEN a rename of a name that is gone is written atomically, and one onto a name that exists
  const gone = fang.write({ put: [{ name: 'fb2' }], delete: [{ name: 'facebook' }], mustExist: [{ name: 'facebook' }], mustNotExist: [{ name: 'fb2' }] }, { atomic: true });
  await assert.rejects(gone, (e: { code?: string; message: string }) => e.code === 'SLUICE_E_TABLE_ITEMS_CONFLICT' && e.message.includes('"facebook"} does not exist'));
  const taken = fang.write({ put: [{ name: 'meta' }], delete: [{ name: 'apple' }], mustExist: [{ name: 'apple' }], mustNotExist: [{ name: 'meta' }] }, { atomic: true });
  await assert.rejects(taken, (e: { code?: string }) => e.code === 'SLUICE_E_TABLE_ITEMS_CONFLICT');
  // THEN nothing changed
  assert.deepEqual((await fang.scan()).map((i) => i.name), ['apple', 'meta']);
});
