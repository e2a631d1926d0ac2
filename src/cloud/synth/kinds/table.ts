/**
 * `table` -> a DynamoDB table: on-demand, point-in-time recovery, encrypted with the AWS-managed
 * DynamoDB key, deletion protection and `Retain` unless the stage is synthesized for destruction
 * (SECURITY.md DDB-1..DDB-4). Functions reach it through `fn.reads(table)` / `fn.writes(table)`.
 */
import type { Table } from '../../../model/table.js';
import { ids, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { getAtt, ref } from '../template.js';

export const tableSynth: KindSynth<Table> = {
  suffix: 'Table',

  names: (node, ctx) => [
    { what: 'DynamoDB table name', name: ctx.name(node), max: 255, node: node.name, pattern: /^[A-Za-z0-9_.-]{3,}$/, patternText: '3 or more letters, digits, hyphens, underscores and dots' },
  ],

  problems: () => [],

  binding: (node, ctx) => ({ kind: 'table', name: ctx.name(node), partitionKey: node.partitionKey.name, ...(node.sortKey ? { sortKey: node.sortKey.name } : {}) }),

  grantResources: (node) => [getAtt(ids.table(node), 'Arn')],

  synthesize(node, ctx) {
    const id = ids.table(node);
    const keys = [{ ...node.partitionKey, role: 'HASH' }, ...(node.sortKey ? [{ ...node.sortKey, role: 'RANGE' }] : [])];
    ctx.add(node.name, id, paths.node(node, 'Table'), {
      Type: 'AWS::DynamoDB::Table',
      ...ctx.dataStorePolicy(),
      Properties: {
        TableName: ctx.name(node),
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: keys.map((k) => ({ AttributeName: k.name, KeyType: k.role })),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: ctx.settings.removal === 'retain',
        Tags: ctx.tags(node),
      },
    }, { 'sluice:optOuts': [{ rule: 'DDB-2', reason: 'encrypted with the AWS-managed DynamoDB key: no key to pay for or grant, and functions need no KMS permissions' }] });
    ctx.output(node.name, id, { Description: `${node}: table name`, Value: ref(id) });
  },
};
