/**
 * A batch write on an AWS stage whose BatchWriteItem keeps answering with UnprocessedItems (DynamoDB
 * throttling): each batch is sent again with back-off a bounded number of times, then the write fails
 * with SLUICE_E_TABLE_ITEMS_THROTTLED instead of looping for ever. moto never throttles
 * (MOTO_DYNAMODB_NO_UNPROCESSED_ITEMS), so DynamoDB's answer is played by a document client that
 * answers BatchWriteItem as DynamoDB does when throttled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { table } from 'sluice';
import { MAX_BATCH_ATTEMPTS, writeTable } from '../../../src/stage/aws/table-write.js';

type Batch = { RequestItems: Record<string, Array<{ PutRequest: { Item: { name: string } } }>> };

/** A document client that leaves the last `unprocessed(attempt)` items of each request unprocessed. */
function throttled(unprocessed: (items: number) => number) {
  const written = new Set<string>();
  let calls = 0;
  const client = {
    send: async (command: { input: Batch }) => {
      calls++;
      const [[name, requests]] = Object.entries(command.input.RequestItems) as [[string, Batch['RequestItems'][string]]];
      const left = unprocessed(requests.length);
      for (const r of requests.slice(0, requests.length - left)) written.add(r.PutRequest.Item.name);
      return left ? { UnprocessedItems: { [name]: requests.slice(requests.length - left) } } : {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, written, calls: () => calls };
}

const fang = table('fang', { partitionKey: 'name' });
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `n${i}` }));
const noWait = async () => {};

test('GIVEN a table that throttles some items of each batch WHEN 300 items are written in batches THEN the unprocessed ones are sent again until all are written', async () => {
  // GIVEN DynamoDB leaving half of each request unprocessed
  const dynamo = throttled((n) => Math.floor(n / 2));
  // WHEN 300 items are written (more than a transaction takes)
  await writeTable(dynamo.client, fang, 'tw-fang', { put: items(300), delete: [] }, {}, noWait);
  // THEN every item is written
  assert.equal(dynamo.written.size, 300);
});

test('GIVEN a table that never processes a batch WHEN items are written in batches THEN the write fails with SLUICE_E_TABLE_ITEMS_THROTTLED after the bounded attempts, not a hang', async () => {
  // GIVEN DynamoDB leaving every item unprocessed
  const dynamo = throttled((n) => n);
  const pauses: number[] = [];
  // WHEN 300 items are written
  const write = writeTable(dynamo.client, fang, 'tw-fang', { put: items(300), delete: [] }, {}, async (ms) => void pauses.push(ms));
  // THEN it fails with the code, naming the table, and each batch was tried at most MAX_BATCH_ATTEMPTS times with growing back-off
  await assert.rejects(write, (e: { code?: string; message: string }) => e.code === 'SLUICE_E_TABLE_ITEMS_THROTTLED' && e.message.includes("table 'fang'") && e.message.includes('run the same command again'));
  assert.ok(dynamo.calls() <= 8 * MAX_BATCH_ATTEMPTS, `${dynamo.calls()} calls`);
  assert.ok(pauses.length > 0 && Math.max(...pauses) > Math.min(...pauses));
  assert.equal(dynamo.written.size, 0);
});
