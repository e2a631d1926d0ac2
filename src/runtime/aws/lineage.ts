/**
 * Lineage on AWS: each execution with lineage on becomes one item of the stage's lineage table
 * (`<pipeline>-<stage>-sluice-lineage`, partition key `ingestionId`), every other ingestion step field
 * a document attribute, written after the invocation's outputs. `sluice lineage --stage NAME` walks
 * them (src/cloud/stage/lineage.ts).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InputError } from '../../model/errors.js';
import type { IngestionStep } from '../../envelope/ingestion-step.js';
import type { ExecutionRecord } from '../invoke.js';

// BatchWriteItem takes at most 25 put or delete requests per call.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
const ITEMS_PER_CALL = 25;

/** Options of `writeLineage`. */
export interface WriteLineageOptions {
  /** Tries per batch before giving up on items DynamoDB left unprocessed. @default 8 */
  maxAttempts?: number;
  /** The first backoff between tries, doubled each time. @default 50 */
  baseDelayMs?: number;
}

/** The lineage table item of an execution: its ingestion step, without the engine-only fields. */
export function lineageItem(execution: ExecutionRecord): IngestionStep {
  const { recordId: _recordId, lineage: _lineage, ...step } = execution;
  return step;
}

/**
 * Write the ingestion steps of the executions with lineage on, 25 per BatchWriteItem call; items
 * DynamoDB leaves unprocessed (throttling) are sent again with exponential backoff, as AWS advises.
 * Rejects when some are still unprocessed after `maxAttempts` (the invocation is then retried).
 * @example await writeLineage(clients.dynamo, 'p-dev-sluice-lineage', outcome.executions);
 */
export async function writeLineage(dynamo: DynamoDBDocumentClient, tableName: string, executions: readonly ExecutionRecord[], options: WriteLineageOptions = {}): Promise<void> {
  const items = executions.filter((e) => e.lineage).map(lineageItem);
  const batches: IngestionStep[][] = [];
  for (let i = 0; i < items.length; i += ITEMS_PER_CALL) batches.push(items.slice(i, i + ITEMS_PER_CALL));
  await Promise.all(batches.map((batch) => writeBatch(dynamo, tableName, batch, options)));
}

async function writeBatch(dynamo: DynamoDBDocumentClient, tableName: string, items: IngestionStep[], options: WriteLineageOptions): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  let requests = items.map((Item) => ({ PutRequest: { Item: Item as unknown as Record<string, unknown> } }));
  for (let attempt = 1; ; attempt++) {
    const out = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
    const left = out.UnprocessedItems?.[tableName] ?? [];
    if (left.length === 0) return;
    if (attempt >= maxAttempts) {
      throw new InputError('SLUICE_E_LINEAGE', `${left.length} of ${items.length} ingestion steps were still unprocessed by the lineage table '${tableName}' after ${maxAttempts} tries (DynamoDB throttling); the invocation will be retried`);
    }
    requests = left as typeof requests;
    await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** (attempt - 1)));
  }
}
