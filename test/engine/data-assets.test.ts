/**
 * Data assets on the local engine: Pylon's model validated where a step builds one, and the built-in
 * data asset writer, which writes each asset partitioned by its keys, one JSON row per line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, dataAssetWriter, fn, pipeline, queue, topic } from 'sluice';
import { fixture, startLocal } from '../helpers/local.js';

const incidents = (data: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  dataAssetName: 'incident.entityIncident', dataAssetCountry: 'AU', dataAssetPartitionKeys: ['day', 'region'], dataAssetUniqueKeys: ['id'], data, ...extra,
});

/** in -> emit -> assets (topic) -> asset-writes (dataAsset only) -> write-assets -> lake. */
function writerPipeline(name: string) {
  const assets = topic('assets');
  return pipeline(name, [
    bucket('in').to(fn('emit', { handler: fixture('envelope-emit'), retryAttempts: 0 })).to(assets),
    assets.to(queue('asset-writes'), { filterPolicy: { objectType: ['dataAsset'] }, rawMessageDelivery: true }).to(dataAssetWriter('write-assets')).to(bucket('lake')),
  ]);
}

test('the data asset writer writes each partition as JSON lines under Hive-style keys, each row with its ingestion id', async (t) => {
  // GIVEN a step producing an asset with rows in two partitions
  const local = await startLocal(t, writerPipeline('da-write'));
  await local.put('in', 'plan.json', JSON.stringify({ dataAssets: [incidents([
    { id: 1, day: '2026-01-05', region: 'NSW', kind: 'flood' },
    { id: 2, day: '2026-01-05', region: 'NSW', kind: 'fire' },
    { id: 3, day: '2026-01-06', region: 'Far North/QLD', kind: 'storm' },
  ])] }));
  await local.settle();
  // THEN one file per partition, keyed schema/entity/country/partition values, named by the producing ingestion id
  const keys = await local.list('lake');
  const [emitStep] = local.steps({ node: 'emit', limit: 10 });
  const id = emitStep!.ingestionId;
  assert.deepEqual(keys, [
    `incident/entityIncident/country=AU/day=2026-01-05/region=NSW/part-${id}.jsonl`,
    `incident/entityIncident/country=AU/day=2026-01-06/region=Far%20North%2FQLD/part-${id}.jsonl`,
  ]);
  const rows = (await local.text('lake', keys[0]!)).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows, [
    { id: 1, day: '2026-01-05', region: 'NSW', kind: 'flood', ingestionId: id },
    { id: 2, day: '2026-01-05', region: 'NSW', kind: 'fire', ingestionId: id },
  ]);
  assert.equal((await local.head('lake', keys[0]!)).contentType, 'application/x-ndjson');
  // AND its ingestion step records what it wrote
  const writer = local.steps({ node: 'write-assets', limit: 10 })[0]!;
  assert.deepEqual(writer.metadata, { dataAssetName: 'incident.entityIncident', dataAssetCountry: 'AU', partitions: 2, rows: 3, rowsReceived: 3 });
  assert.equal(writer.parentIngestionId, id);
});

test('rows with equal unique keys are written once, the last one winning', async (t) => {
  const local = await startLocal(t, writerPipeline('da-dedup'));
  await local.put('in', 'plan.json', JSON.stringify({ dataAssets: [incidents([
    { id: 1, day: '2026-01-05', region: 'NSW', kind: 'flood' },
    { id: 1, day: '2026-01-05', region: 'NSW', kind: 'flood, corrected' },
  ])] }));
  await local.settle();
  const [key] = await local.list('lake');
  const rows = (await local.text('lake', key!)).trimEnd().split('\n').map((l) => JSON.parse(l).kind);
  assert.deepEqual(rows, ['flood, corrected']);
});

test('a step building an invalid data asset fails, naming the step, the row and the key', async (t) => {
  // GIVEN an asset whose second row lacks the 'region' partition key, and one with a bad name
  const local = await startLocal(t, writerPipeline('da-invalid'));
  await local.put('in', 'row.json', JSON.stringify({ dataAssets: [incidents([{ id: 1, day: '2026-01-05', region: 'NSW' }, { id: 2, day: '2026-01-05' }])] }));
  await local.put('in', 'name.json', JSON.stringify({ dataAssets: [incidents([], { dataAssetName: 'entityIncident' })] }));
  await local.settle();
  // THEN each invocation failed with the field, and nothing reached the lake
  const errors = (await local.dlq('emit')).map((l) => l.error!.errorMessage);
  assert.ok(errors.some((e) => /^function 'emit': ctx\.dataAsset\(\) is not a valid data asset: field 'data\.1\.region' is a partition key, so it must be a non-empty string, a number or a boolean in every row/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /field 'dataAssetName' must be 'schema\.entity', e\.g\. 'incident\.entityIncident' \(given "entityIncident"\)/.test(e)), errors.join('\n'));
  assert.deepEqual(await local.list('lake'), []);
});

test('the writer refuses an envelope that is not a data asset, naming the filter to add', async (t) => {
  const local = await startLocal(t, pipeline('da-wrong-type', [queue('asset-writes').to(dataAssetWriter('write-assets')).to(bucket('lake'))]));
  await local.send('asset-writes', 'not an asset');
  await local.settle();
  await local.advance('15m');
  const [letter] = await local.dlq('asset-writes');
  assert.match(letter!.error!.errorMessage, /the data asset writer takes dataAsset envelopes \(given objectType 'rawContent'\); filter its subscription with \{ filterPolicy: \{ objectType: \['dataAsset'\] \} \}/);
  assert.equal(letter!.error!.code, 'SLUICE_E_DATA_ASSET_EXPECTED');
});

test('the writer also takes a data asset put into a bucket as a JSON object', async (t) => {
  const drop = bucket('drop');
  const local = await startLocal(t, pipeline('da-object', [drop.to(dataAssetWriter('write-assets')).to(bucket('lake'))]));
  await local.put('drop', 'asset.json', JSON.stringify(incidents([{ id: 7, day: '2026-01-07', region: 'VIC' }])));
  await local.settle();
  const keys = await local.list('lake');
  assert.equal(keys.length, 1);
  assert.match(keys[0]!, /^incident\/entityIncident\/country=AU\/day=2026-01-07\/region=VIC\/part-[0-9a-f-]{36}\.jsonl$/);
});
