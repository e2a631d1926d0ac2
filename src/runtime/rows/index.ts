/**
 * Streamed row helpers (CSV, JSON Lines, Parquet) over Node streams: what `ctx.rows` in a job is
 * built on, usable on their own over any stream.
 */
export { readCsv, csvStream, type CsvReadOptions, type CsvWriteOptions, type MalformedRow } from './csv.js';
export { readJsonl, jsonlStream } from './jsonl.js';
export { readParquet, parquetStream, DEFAULT_ROW_GROUP_SIZE, type ParquetReadOptions, type ParquetWriteOptions, type ParquetSchema, type ParquetColumnType } from './parquet.js';
export { asReadable, bodyStream, counted, type RowCount, type RowSource } from './streams.js';
export { describeObject, type ObjectRef } from './where.js';
