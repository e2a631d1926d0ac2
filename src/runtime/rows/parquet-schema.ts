/**
 * The Parquet schema of rows written with `rows.parquet.write`: given as `{ column: type }`, or
 * inferred from the first row group. Every column is optional (null and undefined are written as
 * nulls). Types and the JavaScript values they take:
 *
 * | type | Parquet | values |
 * | --- | --- | --- |
 * | `STRING` | BYTE_ARRAY (UTF8) | strings |
 * | `BOOLEAN` | BOOLEAN | booleans |
 * | `INT32` | INT32 | integers from -2^31 to 2^31-1 |
 * | `INT64` | INT64 | bigints, or safe integers |
 * | `FLOAT` / `DOUBLE` | FLOAT / DOUBLE | numbers |
 * | `TIMESTAMP` | INT64 (TIMESTAMP_MILLIS) | Dates |
 * | `JSON` | BYTE_ARRAY (JSON) | anything JSON.stringify takes |
 * | `BYTE_ARRAY` | BYTE_ARRAY | Uint8Arrays |
 *
 * Inference is by the first row group's values: strings STRING, booleans BOOLEAN, numbers DOUBLE
 * (integers too: a later 0.5 in a column inferred INT32 would fail the write; give INT32 or INT64
 * in `schema` for integer columns), bigints INT64, Dates TIMESTAMP, Uint8Arrays BYTE_ARRAY, other
 * objects and arrays JSON; a column only ever null there is STRING.
 */
import type { SchemaElement } from 'hyparquet';
import { rowsSchemaError, type ObjectRef } from './where.js';

/** A column's type in `rows.parquet.write(..., { schema })`. */
export type ParquetColumnType = 'STRING' | 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'TIMESTAMP' | 'JSON' | 'BYTE_ARRAY';

/** Column names to their types, in the file's column order. */
export type ParquetSchema = Record<string, ParquetColumnType>;

const ELEMENTS: Record<ParquetColumnType, Omit<SchemaElement, 'name'>> = {
  STRING: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  BOOLEAN: { type: 'BOOLEAN' },
  INT32: { type: 'INT32' },
  INT64: { type: 'INT64' },
  FLOAT: { type: 'FLOAT' },
  DOUBLE: { type: 'DOUBLE' },
  TIMESTAMP: { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' },
  JSON: { type: 'BYTE_ARRAY', converted_type: 'JSON' },
  BYTE_ARRAY: { type: 'BYTE_ARRAY' },
};

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Whether a non-null value fits a column of `type`. */
const FITS: Record<ParquetColumnType, (value: unknown) => boolean> = {
  STRING: (v) => typeof v === 'string',
  BOOLEAN: (v) => typeof v === 'boolean',
  INT32: (v) => Number.isInteger(v) && (v as number) >= INT32_MIN && (v as number) <= INT32_MAX,
  INT64: (v) => typeof v === 'bigint' || Number.isSafeInteger(v),
  FLOAT: (v) => typeof v === 'number',
  DOUBLE: (v) => typeof v === 'number',
  TIMESTAMP: (v) => v instanceof Date && !Number.isNaN(v.getTime()),
  JSON: () => true,
  BYTE_ARRAY: (v) => v instanceof Uint8Array,
};

/** The Parquet schema elements (root first) for columns of these types. */
export function schemaElements(schema: ParquetSchema): SchemaElement[] {
  const columns = Object.entries(schema);
  return [{ name: 'root', num_children: columns.length }, ...columns.map(([name, type]) => ({ name, ...ELEMENTS[type], repetition_type: 'OPTIONAL' as const }))];
}

/** Check a schema a job gave: every type one of the known ones. */
export function checkSchema(schema: unknown, where: ObjectRef): ParquetSchema {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema) || Object.keys(schema).length === 0) {
    throw rowsSchemaError(where, `schema must map column names to types, e.g. { id: 'INT64', name: 'STRING' } (given ${JSON.stringify(schema)})`, { field: 'schema', given: schema });
  }
  for (const [column, type] of Object.entries(schema)) {
    if (!(type in ELEMENTS)) {
      throw rowsSchemaError(where, `column '${column}' has type ${JSON.stringify(type)}, not one of ${Object.keys(ELEMENTS).join(', ')}`, { field: column, given: type, expected: Object.keys(ELEMENTS).join(' | ') });
    }
  }
  return schema as ParquetSchema;
}

/** The type of a column from its values (see the module comment). */
export function inferType(values: readonly unknown[]): ParquetColumnType {
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') return 'STRING';
    if (typeof v === 'boolean') return 'BOOLEAN';
    if (typeof v === 'number') return 'DOUBLE';
    if (typeof v === 'bigint') return 'INT64';
    if (v instanceof Date) return 'TIMESTAMP';
    if (v instanceof Uint8Array) return 'BYTE_ARRAY';
    return 'JSON';
  }
  return 'STRING';
}

/**
 * Check a column's values against its type, converting what the encoder needs (safe integers to
 * bigints for INT64). `firstRow` numbers the rows in the message (0-based row of the whole write).
 */
export function conformColumn(name: string, type: ParquetColumnType, values: unknown[], firstRow: number, where: ObjectRef): unknown[] {
  const fits = FITS[type];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    if (v === undefined) {
      values[i] = null;
      continue;
    }
    if (!fits(v)) {
      throw rowsSchemaError(where, `row ${firstRow + i + 1} has ${describeValue(v)} in column '${name}' of type ${type}; convert the value, or give the column's type in { schema }`, { field: name, given: describeValue(v), expected: type });
    }
    if (type === 'INT64' && typeof v === 'number') values[i] = BigInt(v);
  }
  return values;
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `the ${typeof v} ${String(v)}`;
  if (v instanceof Date) return 'an invalid Date';
  return `a ${Array.isArray(v) ? 'array' : (v as object).constructor?.name ?? 'value'}`;
}
