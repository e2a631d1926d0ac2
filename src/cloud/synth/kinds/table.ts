/**
 * `table` -> a DynamoDB table: on-demand, point-in-time recovery, encrypted with the AWS-managed
 * DynamoDB key, deletion protection and `Retain` unless the stage is synthesized for destruction
 * (docs/security-rules.md DDB-1..DDB-4). Functions reach it through `fn.reads(table)` / `fn.writes(table)`.
 */
import type { Table } from '../../../model/table.js';
import { idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { getAtt, ref } from '../template.js';

export const tableSynth: KindSynth<Table> = {

  names: (node, ctx) => [
    { what: 'DynamoDB table name', name: ctx.physical(node, 'Table'), max: 255, node: node.name, pattern: /^[A-Za-z0-9_.-]{3,}$/, patternText: '3 or more letters, digits, hyphens, underscores and dots' },
  ],

  problems: () => [],

  grantResources: (node) => [getAtt(idOf(node, 'Table'), 'Arn')],

  synthesize(node, ctx) {
    const id = idOf(node, 'Table');
    const keys = [{ ...node.partitionKey, role: 'HASH' }, ...(node.sortKey ? [{ ...node.sortKey, role: 'RANGE' }] : [])];
    ctx.add(node.name, id, paths.node(node, 'Table'), {
      Type: 'AWS::DynamoDB::Table',
      ...ctx.dataStorePolicy(),
      Properties: {
        TableName: ctx.physical(node, 'Table'),
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
