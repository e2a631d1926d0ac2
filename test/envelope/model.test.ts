/**
 * Ingestion steps and data assets on their own: time-ordered ingestion ids, Pylon's date dimensions,
 * data asset validation and partitioning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newIngestionId, partitionsOf, timeDimensions, validateDataAsset } from '../../src/envelope/index.js';

test('ingestion ids are UUIDs version 7: unique, and sorted by the time they were made', () => {
  const t = Date.UTC(2026, 0, 5, 10, 0, 0);
  const ids = [newIngestionId(t), newIngestionId(t), newIngestionId(t + 1), newIngestionId(t + 86_400_000)];
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, 4);
  assert.deepEqual([...ids.slice(2)].sort(), ids.slice(2));
  assert.ok(ids[1]! < ids[2]! && ids[0]! < ids[2]!);
  assert.equal(parseInt(ids[0]!.replace('-', '').slice(0, 12), 16), t);
});

test("Pylon's date dimensions: epoch seconds, YYYYMMDD and the hour, in UTC", () => {
  assert.deepEqual(timeDimensions(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), { dimUTCTimestamp: 1798761599, dimUTCDateId: 20261231, dimUTCHour: 23, iso: '2026-12-31T23:59:59.999Z' });
});

const asset = (extra: Record<string, unknown> = {}) => ({ dataAssetName: 'incident.entityIncident', dataAssetCountry: 'AU', dataAssetPartitionKeys: ['day', 'region'], dataAssetUniqueKeys: ['id'], data: [{ id: 1, day: '2026-01-05', region: 'NSW' }], ...extra });

test('a data asset is validated field by field: name, country, keys, and every row', () => {
  validateDataAsset(asset());
  const bad = [
    [{ dataAssetName: 'incident' }, "field 'dataAssetName' must be 'schema.entity'"],
    [{ dataAssetCountry: 'au' }, "field 'dataAssetCountry' must be a two-letter country code in capitals"],
    [{ dataAssetPartitionKeys: ['day', 'day'] }, "field 'dataAssetPartitionKeys' must not repeat a key"],
    [{ data: [{ id: 1, day: '2026-01-05', region: { nested: true } }] }, "field 'data.0.region' is a partition key"],
    [{ data: [{ day: '2026-01-05', region: 'NSW' }] }, "field 'data.0.id' is a unique key, so every row must have it"],
    [{ data: ['row'] }, "field 'data.0' must be an object (a row)"],
  ] as const;
  for (const [extra, message] of bad) {
    assert.throws(() => validateDataAsset(asset(extra), "function 'p'"), (e: Error & { code?: string }) => e.code === 'SLUICE_E_DATA_ASSET' && e.message.startsWith(`function 'p' is not a valid data asset: ${message}`), JSON.stringify(extra));
  }
});

test('partitions: Hive-style key=value folders in key order, values URI-encoded, rows deduplicated by unique keys', () => {
  const parts = partitionsOf(asset({ data: [
    { id: 1, day: '2026-01-05', region: 'NSW', v: 1 },
    { id: 2, day: '2026-01-05', region: 'South Australia', v: 1 },
    { id: 1, day: '2026-01-05', region: 'NSW', v: 2 },
    { id: 3, day: 20260106, region: true, v: 1 },
  ] }) as never);
  assert.deepEqual(parts.map((p) => [p.prefix, p.rows.map((r) => `${r.id}:${r.v}`)]), [
    ['incident/entityIncident/country=AU/day=2026-01-05/region=NSW/', ['1:2']],
    ['incident/entityIncident/country=AU/day=2026-01-05/region=South%20Australia/', ['2:1']],
    ['incident/entityIncident/country=AU/day=20260106/region=true/', ['3:1']],
  ]);
});
