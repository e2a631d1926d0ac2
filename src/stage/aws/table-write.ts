/**
 * Many changes to a DynamoDB table from the CLI (`sluice table add|remove|update|import`). Atomic:
 * one TransactWriteItems request (at most 100 actions, DynamoDB's limit), its checks as
 * ConditionCheck actions and conditions on the writes, so a cancelled transaction writes nothing.
 * Otherwise BatchWriteItem requests of 25 items (its limit), a few in flight at once, each request's
 * UnprocessedItems (throttling) sent again after a growing back-off, a bounded number of times: then
 * SLUICE_E_TABLE_ITEMS_THROTTLED says how many were written (running the command again finishes it).
 */
import { BatchWriteCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InputError, InternalError } from '../../model/errors.js';
import type { Table } from '../../model/table.js';
import type { Item } from '../../runtime/types.js';
import { MAX_ATOMIC_TABLE_CHANGES, type TableChanges, type TableWriteOptions } from '../stage.js';
import { tableConflict } from '../table-conflict.js';

/** BatchWriteItem's limit on the items of one request. */
const BATCH = 25;
/** Requests in flight at once: enough to hide the round trip, few enough not to throttle a new on-demand table. */
const IN_FLIGHT = 8;
/** Sends of one batch before its UnprocessedItems are given up on: about 30 s of back-off in all. */
export const MAX_BATCH_ATTEMPTS = 10;
/** The back-off before attempt `attempt` (1-based retries): exponential, capped at 5 s, with jitter. */
const backOff = (attempt: number) => Math.min(5000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2);

/** The key attributes of an item. */
function keyOf(table: Table, item: Item): Item {
  const key: Item = { [table.partitionKey.name]: item[table.partitionKey.name] };
  if (table.sortKey) key[table.sortKey.name] = item[table.sortKey.name];
  return key;
}

/**
 * Write `changes` to the table named `physical`. `pause` waits between a batch's attempts (tests
 * shorten it).
 * @throws InputError SLUICE_E_TABLE_ITEMS_THROTTLED when a batch stays unprocessed after MAX_BATCH_ATTEMPTS.
 * @example await writeTable(documents, fang, 'seed-dev-fang', { put: [{ name: 'apple' }], delete: [] }, { atomic: true })
 */
export async function writeTable(documents: DynamoDBDocumentClient, table: Table, physical: string, changes: TableChanges, options: TableWriteOptions = {}, pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
  const total = changes.put.length + changes.delete.length;
  if (options.atomic) {
    await writeAtomically(documents, table, physical, changes);
    options.onProgress?.(total, total);
    return;
  }
  type Request = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };
  const requests: Request[] = [...changes.delete.map((k) => ({ DeleteRequest: { Key: keyOf(table, k) } })), ...changes.put.map((Item) => ({ PutRequest: { Item } }))];
  let done = 0;
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < requests.length && !failed) {
      let batch = requests.slice(next, (next += BATCH));
      const size = batch.length;
      for (let attempt = 1; batch.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) {
          failed = true;
          throw new InputError('SLUICE_E_TABLE_ITEMS_THROTTLED', `DynamoDB left ${batch.length} item(s) of table '${table.name}' (${physical}) unprocessed after ${MAX_BATCH_ATTEMPTS} BatchWriteItem attempts with back-off (throttling); ${done} of ${total} change(s) were written before this batch, the rest may not be: run the same command again, which finishes it (raise the table's capacity if it keeps happening)`, { node: table.name, field: 'UnprocessedItems', given: batch.length });
        }
        if (attempt > 1) await pause(backOff(attempt));
        if (failed) return;
        const out = await documents.send(new BatchWriteCommand({ RequestItems: { [physical]: batch } }));
        batch = (out.UnprocessedItems?.[physical] ?? []) as Request[];
      }
      done += size;
      options.onProgress?.(done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Math.ceil(requests.length / BATCH)) }, worker));
}

async function writeAtomically(documents: DynamoDBDocumentClient, table: Table, physical: string, changes: TableChanges): Promise<void> {
  const pk = table.partitionKey.name;
  const exists = { ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': pk } };
  const absent = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': pk } };
  const same = (a: Item, b: Item) => JSON.stringify(keyOf(table, a)) === JSON.stringify(keyOf(table, b));
  // DynamoDB takes one action per item in a transaction: a check on an item written is a condition of that write.
  const mustExist = changes.mustExist ?? [];
  const mustNotExist = changes.mustNotExist ?? [];
  const actions = [
    ...changes.delete.map((k) => ({ Delete: { TableName: physical, Key: keyOf(table, k), ...(mustExist.some((m) => same(m, k)) ? exists : {}) } })),
    ...changes.put.map((Item) => ({ Put: { TableName: physical, Item, ...(mustNotExist.some((m) => same(m, Item)) ? absent : {}) } })),
    ...mustExist.filter((m) => !changes.delete.some((k) => same(k, m))).map((m) => ({ ConditionCheck: { TableName: physical, Key: keyOf(table, m), ...exists } })),
    ...mustNotExist.filter((m) => !changes.put.some((i) => same(i, m))).map((m) => ({ ConditionCheck: { TableName: physical, Key: keyOf(table, m), ...absent } })),
  ];
  if (actions.length > MAX_ATOMIC_TABLE_CHANGES) throw new InternalError(`an atomic write of ${actions.length} actions to table '${table.name}' exceeds TransactWriteItems' ${MAX_ATOMIC_TABLE_CHANGES}`);
  if (actions.length === 0) return;
  try {
    await documents.send(new TransactWriteCommand({ TransactItems: actions }));
  } catch (error) {
    const reasons = (error as { name?: string; CancellationReasons?: Array<{ Code?: string }> });
    if (reasons.name === 'TransactionCanceledException' && reasons.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
      throw tableConflict(table.name, reasons.CancellationReasons.map((r, i) => (r.Code === 'ConditionalCheckFailed' ? `the check on ${JSON.stringify(Object.values(actions[i]!)[0]!.Key ?? keyOf(table, (actions[i] as { Put: { Item: Item } }).Put.Item))} failed` : '')).filter(Boolean));
    }
    throw error;
  }
}
