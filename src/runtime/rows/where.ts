/**
 * How the row helpers name the object they read or write in an error (`object 'orders.csv' in bucket
 * 'landing'`, with the node name the job used), and the two errors they raise.
 */
import { InputError } from '../../model/errors.js';

/** The object a row helper reads or writes. */
export interface ObjectRef {
  bucket: string;
  key: string;
}

/** `object '<key>' in bucket '<bucket>'`. */
export function describeObject(where: ObjectRef): string {
  return `object '${where.key}' in bucket '${where.bucket}'`;
}

/**
 * An object whose rows cannot be parsed: `<format> <object>[ line N] <problem>; <fix>`.
 * @example throw rowsParseError('CSV', where, 'line 3 cannot be parsed: Invalid Closing Quote', 'fix the row');
 */
export function rowsParseError(format: 'CSV' | 'JSON Lines' | 'Parquet', where: ObjectRef, problem: string, fix: string): InputError {
  return new InputError('SLUICE_E_ROWS_PARSE', `${format} ${describeObject(where)} ${problem}; ${fix}`, { field: where.key, expected: format });
}

/**
 * Rows or options that do not fit a Parquet file's schema: `Parquet <object>: <problem>`.
 * @example throw rowsSchemaError(where, "row 7 has the string \"x\" in column 'qty' of type INT32; ...", { field: 'qty' });
 */
export function rowsSchemaError(where: ObjectRef, problem: string, details: { field: string; given?: unknown; expected?: string }): InputError {
  return new InputError('SLUICE_E_ROWS_SCHEMA', `Parquet ${describeObject(where)}: ${problem}`, details);
}
