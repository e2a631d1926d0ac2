/**
 * Grants enforced by the local engine: a function touches tables and buckets only through the edges
 * and declarations it has, and a missing one fails with the declaration to add (STYLE.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, table } from 'sluice';
import { fixture, startLocal } from '../helpers/local.js';

/** A table-access function: OP on TABLE, no retries so a failure reaches the DLQ at once. */
const tableFn = (name: string, env: { TABLE: string; OP?: string }) => fn(name, { handler: fixture('table-access'), environment: env, retryAttempts: 0 });

test('fn.writes(table) lets the handler put items through ctx.table()', async (t) => {
  // GIVEN a function that declares it writes the items table
  const items = table('items', { partitionKey: 'id' });
  const local = await startLocal(t, pipeline('g-writes', [bucket('raw').to(tableFn('writer', { TABLE: 'items' }).writes(items))]));
  // WHEN it runs
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  // THEN the item is in the table
  assert.deepEqual(local.table('items').get({ id: 'a.txt' }), { id: 'a.txt', by: 'writer' });
  assert.deepEqual(await local.dlq('writer'), []);
});

test('fn.writes(table, { delete: false }) lets the handler put items but not delete them; writes(table) allows both', async (t) => {
  // GIVEN one function that may only put into the items table and one that may write it fully
  const items = table('items', { partitionKey: 'id' });
  const local = await startLocal(t, pipeline('g-put-only', [
    bucket('raw').to(tableFn('adder', { TABLE: 'items' }).writes(items, { delete: false })),
    bucket('gone').to(tableFn('remover', { TABLE: 'items', OP: 'delete' }).writes(items, { delete: false })),
    bucket('purge').to(tableFn('purger', { TABLE: 'items', OP: 'delete' }).writes(items)),
  ]));
  // WHEN each runs
  await local.put('raw', 'a.txt', 'x');
  await local.put('raw', 'b.txt', 'x');
  await local.settle();
  await local.put('gone', 'a.txt', 'x');
  await local.put('purge', 'b.txt', 'x');
  await local.settle();
  // THEN the put-only function added its items, could not delete one, and was told what to declare
  assert.deepEqual(local.table('items').get({ id: 'a.txt' }), { id: 'a.txt', by: 'adder' });
  const [letter] = await local.dlq('remover');
  assert.equal(letter!.error?.errorMessage, "function 'remover' has no 'delete' permission on table 'items'; declare remover.writes(items) without { delete: false }");
  // AND the fully writing function deleted its item
  assert.equal(local.table('items').get({ id: 'b.txt' }), undefined);
  assert.deepEqual(await local.dlq('purger'), []);
});

test("a handler writing a table it did not declare fails with \"declare x.writes(y)\"", async (t) => {
  // GIVEN a table another function writes, and a function that writes it without declaring it
  const items = table('items', { partitionKey: 'id' });
  const raw = bucket('raw');
  const local = await startLocal(t, pipeline('g-undeclared', [raw.to(queue('q')).to(tableFn('owner', { TABLE: 'items' }).writes(items)), bucket('other').to(tableFn('sneaky', { TABLE: 'items' }))]));
  // WHEN the undeclared writer runs
  await local.put('other', 'a.txt', 'x');
  await local.settle();
  // THEN it fails with the permission error, and nothing was written
  const [letter] = await local.dlq('sneaky');
  assert.equal(letter!.error?.errorType, 'PermissionDeniedError');
  assert.equal(letter!.error?.code, 'SLUICE_E_PERMISSION');
  assert.equal(letter!.error?.errorMessage, "function 'sneaky' has no 'write' permission on table 'items'; declare sneaky.writes(items)");
  assert.equal(local.table('items').get({ id: 'a.txt' }), undefined);
});

test('writes() does not grant reads: reading needs reads() too', async (t) => {
  // GIVEN a function that only declares writes, and reads
  const items = table('items', { partitionKey: 'id' });
  const local = await startLocal(t, pipeline('g-read', [bucket('raw').to(tableFn('reader', { TABLE: 'items', OP: 'get' }).writes(items))]));
  // WHEN it runs
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  // THEN it fails naming the missing declaration
  const [letter] = await local.dlq('reader');
  assert.equal(letter!.error?.errorMessage, "function 'reader' has no 'read' permission on table 'items'; declare reader.reads(items)");
});

test('a handler touching a table no node declares gets the declaration to add, not "unknown table"', async (t) => {
  // GIVEN a function using a table that is not in the pipeline at all
  const local = await startLocal(t, pipeline('g-ghost', [bucket('raw').to(tableFn('writer', { TABLE: 'ghost' }))]));
  // WHEN it runs
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  // THEN the error says what to declare
  const [letter] = await local.dlq('writer');
  assert.equal(letter!.error?.errorMessage, "function 'writer' has no 'write' permission on table 'ghost'; declare writer.writes(ghost)");
});

test('writing to a bucket that is not downstream fails naming the edge to declare', async (t) => {
  // GIVEN a function wired to 'curated' that writes to 'archive', which it has no edge to
  const writer = fn('writer', { handler: fixture('write-to-bucket'), environment: { BUCKET: 'archive' }, retryAttempts: 0 });
  const local = await startLocal(t, pipeline('g-bucket', [bucket('raw').to(writer).to(bucket('curated')), bucket('archive')]));
  // WHEN it runs
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  // THEN it fails with the edge to declare, and nothing was written anywhere
  const [letter] = await local.dlq('writer');
  assert.equal(letter!.error?.code, 'SLUICE_E_PERMISSION');
  assert.equal(letter!.error?.errorMessage, "function 'writer' has no 'write' permission on bucket 'archive'; declare writer.to(archive)");
  assert.deepEqual(await local.list('archive'), []);
  assert.deepEqual(await local.list('curated'), []);
});

test('returning an object from a function with no bucket downstream fails naming the edge to add', async (t) => {
  // GIVEN a copy step with no bucket after it
  const local = await startLocal(t, pipeline('g-no-bucket', [bucket('raw').to(fn('copy', { handler: fixture('copy-or-throw'), retryAttempts: 0 }))]));
  // WHEN it returns an object
  await local.put('raw', 'a.txt', 'x');
  await local.settle();
  // THEN the invocation fails with the fix
  const [letter] = await local.dlq('copy');
  assert.equal(letter!.error?.code, 'SLUICE_E_NO_TARGET');
  assert.match(letter!.error!.errorMessage, /function 'copy' returned an object \('out\/a.txt'\) but has no bucket downstream; declare copy.to\(bucket\(...\)\)/);
});

test('reading an object from a bucket the function has no path from is denied', async (t) => {
  // GIVEN a queue consumer, and a bucket not connected to it
  const local = await startLocal(t, pipeline('g-read-bucket', [queue('q').to(fn('echo', { handler: fixture('echo-input') })).to(bucket('seen')), bucket('private')]));
  await local.put('private', 'secret.txt', 'top secret');
  // WHEN someone sends the queue an S3 event naming an object in that bucket
  const forged = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString(), s3: { bucket: { name: 'private' }, object: { key: 'secret.txt', size: 10, eTag: 'x' } } }] };
  await local.send('q', forged);
  await local.settle();
  // THEN ctx.body refuses, naming the edge that would grant the read
  const error = local.stats().echo!.lastError;
  assert.equal(error?.code, 'SLUICE_E_PERMISSION');
  assert.match(error!.errorMessage, /function 'echo' has no 'read' permission on bucket 'private'; trigger the function from the bucket \(private.to\(echo\)\)/);
  assert.deepEqual(await local.list('seen'), []);
});
