/**
 * Table items with DynamoDB's key rules (DDB-01..DDB-05): partition key and optional sort key of type
 * S, N or B, non-empty key values, items up to 400 KB. Queries return a partition sorted by sort key,
 * numerically for N keys.
 */
import { InputError } from '../../model/errors.js';
import type { Db } from './database.js';
import type { ItemStore } from './types.js';

/** A table's key schema. */
export interface KeySchema {
  table: string;
  partitionKey: { name: string; type: 'S' | 'N' | 'B' };
  sortKey?: { name: string; type: 'S' | 'N' | 'B' };
}

export type Item = Record<string, unknown>;

/** DynamoDB's item size limit (DDB-04). */
export const MAX_ITEM_BYTES = 400 * 1024;

/** Table items over one SQLite database. */
export class Items implements ItemStore {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      get: db.prepare('SELECT item FROM items WHERE tbl = ? AND pk = ? AND sk = ?').pluck(),
      put: db.prepare('INSERT INTO items (tbl, pk, sk, sk_number, item) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tbl, pk, sk) DO UPDATE SET item = excluded.item, sk_number = excluded.sk_number'),
      remove: db.prepare('DELETE FROM items WHERE tbl = ? AND pk = ? AND sk = ?'),
      queryAsc: db.prepare('SELECT item FROM items WHERE tbl = ? AND pk = ? ORDER BY sk_number, sk LIMIT ?').pluck(),
      queryDesc: db.prepare('SELECT item FROM items WHERE tbl = ? AND pk = ? ORDER BY sk_number DESC, sk DESC LIMIT ?').pluck(),
      scan: db.prepare('SELECT item FROM items WHERE tbl = ? ORDER BY pk, sk_number, sk LIMIT ?').pluck(),
    };
  }

  get(schema: KeySchema, key: Item): Item | undefined {
    const { pk, sk } = keyOf(schema, key, 'key');
    const text = this.s.get.get(schema.table, pk, sk) as string | undefined;
    return text ? JSON.parse(text) : undefined;
  }

  put(schema: KeySchema, item: Item): void {
    const { pk, sk, skNumber } = keyOf(schema, item, 'item');
    const text = JSON.stringify(item);
    if (Buffer.byteLength(text) > MAX_ITEM_BYTES) {
      throw new InputError('SLUICE_E_ITEM_TOO_LARGE', `table '${schema.table}': an item may be at most 400 KB (given ${Buffer.byteLength(text)} bytes, DDB-04); store large values in a bucket and keep the key`);
    }
    this.s.put.run(schema.table, pk, sk, skNumber, text);
  }

  remove(schema: KeySchema, key: Item): void {
    const { pk, sk } = keyOf(schema, key, 'key');
    this.s.remove.run(schema.table, pk, sk);
  }

  query(schema: KeySchema, partitionValue: unknown, limit = 1000, descending = false): Item[] {
    const pk = encodeKeyValue(schema.table, schema.partitionKey, partitionValue);
    return ((descending ? this.s.queryDesc : this.s.queryAsc).all(schema.table, pk, limit) as string[]).map((t) => JSON.parse(t));
  }

  scan(schema: KeySchema, limit = 1000): Item[] {
    return (this.s.scan.all(schema.table, limit) as string[]).map((t) => JSON.parse(t));
  }
}

/** A key's encoded partition and sort values (validated per DDB-03). */
export function keyOf(schema: KeySchema, value: Item, what: string) {
  if (!value || typeof value !== 'object') throw new InputError('SLUICE_E_ITEM_KEY', `table '${schema.table}': the ${what} must be an object with '${schema.partitionKey.name}' (given ${JSON.stringify(value)})`);
  const pk = encodeKeyValue(schema.table, schema.partitionKey, value[schema.partitionKey.name]);
  const sk = schema.sortKey ? encodeKeyValue(schema.table, schema.sortKey, value[schema.sortKey.name]) : '';
  const skNumber = schema.sortKey?.type === 'N' ? Number(value[schema.sortKey.name]) : null;
  return { pk, sk, skNumber };
}

/** One key attribute's value, validated and encoded as text. */
export function encodeKeyValue(table: string, attr: { name: string; type: 'S' | 'N' | 'B' }, value: unknown): string {
  const fail = (why: string) => {
    throw new InputError('SLUICE_E_ITEM_KEY', `table '${table}': key attribute '${attr.name}' ${why} (given ${JSON.stringify(value)})`);
  };
  if (value === undefined || value === null) fail('is missing');
  if (attr.type === 'S') {
    if (typeof value !== 'string') fail('must be a string (type S)');
    // DDB-03: key values must be non-empty; partition keys up to 2048 bytes.
    if ((value as string).length === 0) fail('must not be empty');
    if (Buffer.byteLength(value as string) > 2048) fail('must be at most 2048 bytes');
    return value as string;
  }
  if (attr.type === 'N') {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail('must be a finite number (type N)');
    return String(value);
  }
  if (!(value instanceof Uint8Array) && typeof value !== 'string') fail('must be bytes or base64 text (type B)');
  const text = typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('base64');
  if (text.length === 0) fail('must not be empty');
  return text;
}
