/**
 * The deltas engine (issue 12b): compares a branch's output buckets with main's, objects and rows, with
 * DuckDB over local files, and renders the report for a terminal, as one HTML file, or as stable JSON
 * for CI gates (`--fail-on`). `sluice branch deltas` and `localPipeline().deltas` call it.
 */
export { bucketDeltas } from './bucket.js';
export { DeltasError } from './errors.js';
export { FAIL_ON_METRICS, failedRules, parseFailOn, type FailOnMetric, type FailOnRule } from './fail-on.js';
export { formatOfKey, tableOfKey } from './tables.js';
export { renderDeltasTable } from './render-table.js';
export { escapeHtml, renderDeltasHtml } from './render-html.js';
export type {
  BucketDelta, BucketSides, ColumnDelta, ColumnSummary, DeltaObject, DeltasOptions, DeltasReport, DuplicateKeys, ObjectDeltas,
  RowDeltas, RowValues, SchemaDeltas, Side, TableDelta, TabularFormat, UnreadableObject, ValueChange,
} from './types.js';
