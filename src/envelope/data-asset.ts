/**
 * Pylon's data asset: rows of one entity (`schema.entity`) from one country, with the keys it is
 * partitioned by (ordered) and the keys that identify a row (for deduplication). Validated with
 * zod/mini; `partitionsOf` groups the rows by partition for the data asset writer.
 */
import * as z from 'zod/mini';
import { countrySchema, dataAssetNameSchema } from './schema.js';
import type { ErrorCode } from '../model/errors.js';
import { EnvelopeError, describeIssue, issuePath, type SchemaIssue } from './errors.js';

/** A partition value: a string, number or boolean. */
export type PartitionValue = string | number | boolean;

/** A data asset, as Pylon defines it. */
export interface DataAsset<Row extends Record<string, unknown> = Record<string, unknown>> {
  /** `schema.entity`, e.g. `incident.entityIncident`. */
  dataAssetName: string;
  /** Two-letter code of the country the data originated in, e.g. `AU`. */
  dataAssetCountry: string;
  /** Ordered row fields the asset is partitioned by. */
  dataAssetPartitionKeys: string[];
  /** Row fields that identify a row: two rows with equal values for all of them are the same row. */
  dataAssetUniqueKeys: string[];
  /** The rows. */
  data: Row[];
  /** The ingestion step that produced the rows; set by the framework when the step returns the asset. */
  ingestionId?: string;
}

const keyList = (what: string) =>
  z.array(z.string({ error: 'must be text' }).check(z.minLength(1, { error: 'must not be empty' })), { error: `must be a list of ${what}` }).check(
    z.refine((keys) => new Set(keys).size === keys.length, { error: 'must not repeat a key' }),
  );

const isPartitionValue = (v: unknown): v is PartitionValue => (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

/** The data asset schema, with per-row checks of the partition and unique keys. */
export const dataAssetSchema = z.object({
  dataAssetName: dataAssetNameSchema,
  dataAssetCountry: countrySchema,
  dataAssetPartitionKeys: keyList('field names'),
  dataAssetUniqueKeys: keyList('field names'),
  // Rows are checked in one pass below: a per-row record schema costs more than the rest together.
  data: z.array(z.unknown(), { error: 'must be a list of rows' }),
  ingestionId: z.optional(z.string({ error: 'must be text' })),
}).check(z.superRefine((asset, ctx) => {
  (asset.data as Array<Record<string, unknown>>).forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      ctx.addIssue({ code: 'custom', path: ['data', i], input: row, message: 'must be an object (a row)' });
      return;
    }
    for (const key of asset.dataAssetPartitionKeys) {
      if (!isPartitionValue(row[key])) ctx.addIssue({ code: 'custom', path: ['data', i, key], input: row[key], message: `is a partition key, so it must be a non-empty string, a number or a boolean in every row` });
    }
    for (const key of asset.dataAssetUniqueKeys) {
      if (row[key] === undefined || row[key] === null) ctx.addIssue({ code: 'custom', path: ['data', i, key], input: row[key], message: 'is a unique key, so every row must have it' });
    }
  });
}));

/**
 * Check a data asset; throws an `EnvelopeError` (SLUICE_E_DATA_ASSET) naming the first bad field and
 * counting the others.
 * @example validateDataAsset({ dataAssetName: 'incident.entityIncident', dataAssetCountry: 'AU', dataAssetPartitionKeys: ['day'], dataAssetUniqueKeys: ['id'], data: [{ id: 1, day: '2026-01-05' }] });
 */
export function validateDataAsset(value: unknown, where = 'the value'): DataAsset {
  const parsed = dataAssetSchema.safeParse(value);
  if (parsed.success) return parsed.data as DataAsset;
  // Parsed again to report the values given, only now that it failed.
  throw issuesError('SLUICE_E_DATA_ASSET', `${where} is not a valid data asset`, dataAssetSchema.safeParse(value, { reportInput: true }).error!.issues, 'the data asset');
}

/** An EnvelopeError from schema issues: the first in full, then how many more. */
export function issuesError(code: ErrorCode, lead: string, issues: readonly SchemaIssue[], what: string): EnvelopeError {
  const first = issues[0]!;
  const more = issues.length > 1 ? `; and ${issues.length - 1} more problem${issues.length === 2 ? '' : 's'}` : '';
  return new EnvelopeError(code, `${lead}: ${describeIssue(first, what)}${more}`, issuePath(first) || undefined);
}

/** One partition of a data asset: its key prefix and its rows. */
export interface DataAssetPartition {
  /** `schema/entity/country=AU/day=2026-01-05/`: Hive-style `key=value` folders, values URI-encoded. */
  prefix: string;
  values: Record<string, PartitionValue>;
  rows: Array<Record<string, unknown>>;
}

/**
 * The asset's rows grouped by partition, in first-seen order. Rows with equal unique keys are one row:
 * the last one wins (Pylon's deduplication rule).
 */
export function partitionsOf(asset: DataAsset): DataAssetPartition[] {
  const [schemaName, entity] = asset.dataAssetName.split('.') as [string, string];
  const byPrefix = new Map<string, DataAssetPartition & { byKey: Map<string, number> }>();
  for (const row of asset.data) {
    const values: Record<string, PartitionValue> = {};
    let prefix = `${schemaName}/${entity}/country=${asset.dataAssetCountry}/`;
    for (const key of asset.dataAssetPartitionKeys) {
      const v = row[key] as PartitionValue;
      values[key] = v;
      prefix += `${encodeURIComponent(key)}=${encodeURIComponent(String(v))}/`;
    }
    let partition = byPrefix.get(prefix);
    if (!partition) byPrefix.set(prefix, (partition = { prefix, values, rows: [], byKey: new Map() }));
    if (asset.dataAssetUniqueKeys.length === 0) {
      partition.rows.push(row);
      continue;
    }
    const identity = JSON.stringify(asset.dataAssetUniqueKeys.map((k) => row[k]));
    const at = partition.byKey.get(identity);
    if (at === undefined) {
      partition.byKey.set(identity, partition.rows.length);
      partition.rows.push(row);
    } else partition.rows[at] = row;
  }
  return [...byPrefix.values()].map(({ prefix, values, rows }) => ({ prefix, values, rows }));
}
