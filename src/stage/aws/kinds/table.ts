/**
 * `table` on an AWS stage: its items through DynamoDB's document client (paginated Scan and Query,
 * GetItem, PutItem, DeleteItem), with the table's key names from the pipeline.
 */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../../../model/table.js';
import type { Item } from '../../../runtime/types.js';
import type { KindAws } from '../kind.js';
import { writeTable } from '../table-write.js';

export const tableAws: KindAws<Table> = {
  objects: null,
  send: null,
  messages: null,
  redrive: null,
  executions: null,

  items(ctx, node) {
    const name = ctx.physical(node, 'Table');
    const documents = DynamoDBDocumentClient.from(ctx.aws.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const collect = async (pages: AsyncIterable<{ Items?: Array<Record<string, unknown>> }>, limit?: number) => {
      const items: Item[] = [];
      for await (const page of pages) {
        items.push(...(page.Items ?? []));
        if (limit !== undefined && items.length >= limit) return items.slice(0, limit);
      }
      return items;
    };
    return {
      get: (key) => ctx.aws.call(`reading an item of table '${node.name}'`, async () => (await documents.send(new GetCommand({ TableName: name, Key: key }))).Item),
      put: (item) => ctx.aws.call(`writing an item of table '${node.name}'`, async () => void (await documents.send(new PutCommand({ TableName: name, Item: item })))),
      delete: (key) => ctx.aws.call(`deleting an item of table '${node.name}'`, async () => void (await documents.send(new DeleteCommand({ TableName: name, Key: key })))),
      scan: (limit) => ctx.aws.call(`scanning table '${node.name}'`, () => collect(paginateScan({ client: documents }, { TableName: name }), limit)),
      query: (pk, o) => ctx.aws.call(`querying table '${node.name}'`, () => collect(paginateQuery({ client: documents }, {
        TableName: name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': node.partitionKey.name },
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: !o?.descending,
      }), o?.limit)),
      write: (changes, options) => ctx.aws.call(`writing items of table '${node.name}'`, () => writeTable(documents, node, name, changes, options)),
    };
  },

  depth: null,
  invoke: null,
  subscriptions: null,
};
