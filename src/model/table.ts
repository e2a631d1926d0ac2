/**
 * `table`: a key-value table. Locally SQLite with the same key schema; on AWS a DynamoDB table
 * (on-demand, point-in-time recovery). Functions use it through `ctx.table(name)` after declaring
 * `fn.reads(table)` or `fn.writes(table)`.
 */
import type { ExpectedItems } from './expected.js';
import { Node } from './node.js';
import type { KindDefinition } from './kind.js';
import type { Problem } from './errors.js';

/** A key attribute: its name and DynamoDB scalar type (DDB-02). */
export interface KeyAttribute {
  name: string;
  /** @default 'S' */
  type?: 'S' | 'N' | 'B';
}

/** Props of a table. */
export interface TableProps {
  /** The partition (HASH) key: a name, or a name and type. */
  partitionKey: string | KeyAttribute;
  /** The sort (RANGE) key, if any. */
  sortKey?: string | KeyAttribute;
  /** Items it is expected to hold, for `sluice cost` (storage). @default nothing */
  expected?: ExpectedItems;
}

/** A table node. */
export class Table extends Node<'table', TableProps> {
  /** This node's own problems: its props against AWS's limits. */
  problems(): Problem[] {
    return problemsOf(this);
  }

  readonly kind = 'table' as const;
  /** The partition key with its type. */
  get partitionKey(): Required<KeyAttribute> {
    return normalizeKey(this.props.partitionKey)!;
  }
  /** The sort key with its type, if any. */
  get sortKey(): Required<KeyAttribute> | undefined {
    return normalizeKey(this.props.sortKey);
  }
}

function normalizeKey(key: string | KeyAttribute | undefined): Required<KeyAttribute> | undefined {
  if (key === undefined) return undefined;
  return typeof key === 'string' ? { name: key, type: 'S' } : { name: key.name, type: key.type ?? 'S' };
}

/**
 * Declare a table.
 * @example const items = table('items', { partitionKey: 'id', sortKey: { name: 'at', type: 'N' } });
 */
export function table(name: string, props: TableProps): Table {
  return new Table(name, props);
}

export const tableKind = {
  kind: 'table',
  noun: { one: 'table', many: 'tables' },
  outgoing: {},
  instead: {
    fn: "a function reads a table by declaring it: fn('x', ...).reads(table)",
    bucket: 'a function reads the table and writes objects: fn.reads(table) and fn.to(bucket)',
    queue: 'a function reads the table and sends messages: fn.reads(table) and fn.to(queue)',
  },
  permissions: {
    // Exactly what ctx.table() calls: get/query/scan; put and delete (no UpdateItem or batch calls,
    // which the step has no way to make, and BatchWriteItem would allow deletes under a put grant).
    read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
    write: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
    put: ['dynamodb:PutItem'],
  },
  name: { pattern: /^[A-Za-z0-9_.-]+$/, description: 'letters, digits, hyphens, underscores and dots', maxLength: 60 },
  parts: {
    Table: { type: 'AWS::DynamoDB::Table', name: '{name}', physicalId: 'name', arn: { service: 'dynamodb', regional: true, resource: 'table/{name}' } },
  },
  deadLetters: null,
  data: { ops: ['items'] },
  binding: { part: 'Table', fields: ['keySchema'] },
} as const satisfies KindDefinition<Table>;

/** The problems of one table node's own props, against AWS's limits (the pipeline adds its edges'). */
function problemsOf(node: Table): Problem[] {
  const problems: Problem[] = [];
  const keys: Array<['partitionKey' | 'sortKey', string | KeyAttribute | undefined]> = [['partitionKey', node.props?.partitionKey], ['sortKey', node.props?.sortKey]];
  for (const [field, key] of keys) {
    if (key === undefined) {
      if (field === 'partitionKey') problems.push({ code: 'SLUICE_E_TABLE_KEY', node: node.name, field, message: `${node}: partitionKey is required; declare table('${node.name}', { partitionKey: 'id' })` });
      continue;
    }
    const k = normalizeKey(key)!;
    if (typeof k.name !== 'string' || k.name.length === 0 || k.name.length > 255) {
      problems.push({ code: 'SLUICE_E_TABLE_KEY', node: node.name, field, message: `${node}: ${field} name must be 1 to 255 characters (given ${JSON.stringify(k.name)})` });
    }
    if (!['S', 'N', 'B'].includes(k.type)) {
      problems.push({ code: 'SLUICE_E_TABLE_KEY', node: node.name, field, message: `${node}: ${field} type must be 'S', 'N' or 'B' (given ${JSON.stringify(k.type)})` });
    }
  }
  if (node.sortKey && node.partitionKey && node.sortKey.name === node.partitionKey.name) {
    problems.push({ code: 'SLUICE_E_TABLE_KEY', node: node.name, field: 'sortKey', message: `${node}: sortKey must differ from partitionKey (both '${node.sortKey.name}')` });
  }
  return problems;
}
