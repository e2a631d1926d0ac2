/**
 * Unit tests of the Pylon components example, on the in-memory engine: the whole flow, lineage from a
 * lake file back to the request, a poison message in a batch, a redelivered notification, and a step
 * that cannot start (missing secret, config of the wrong type).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { localPipeline, type LocalPipelineOptions } from 'sluice/testing';
import pipe from './pipeline.js';

const SECRETS = { '/incidents/api-key': 'test-key' };
const request = (name: string) => readFileSync(new URL(`./sample-data/requests/${name}.json`, import.meta.url));

async function start(t: TestContext, options: LocalPipelineOptions = {}) {
  const local = await localPipeline(pipe, { startTime: '2026-01-07T09:00:00Z', secrets: SECRETS, ...options });
  t.after(() => local.close());
  return local;
}

test('a URL resource record becomes data assets in the lake and an update notification in the table', async (t) => {
  // GIVEN the pipeline, with the local secret
  const local = await start(t);
  // WHEN a URL resource record lands in 'requests'
  await local.put('requests', 'incidents-2026-01-05.json', request('incidents-2026-01-05'));
  await local.settle();
  // THEN the source kept the fetched CSV in 'raw'
  assert.deepEqual(await local.list('raw'), ['incidents/incidents-2026-01-05.csv']);
  // AND the data asset is in the lake, partitioned by day, one JSON row per line
  const [key] = await local.list('lake');
  assert.match(key!, /^incident\/entityIncident\/country=AU\/day=2026-01-05\/part-[0-9a-f-]{36}\.jsonl$/);
  const rows = (await local.text('lake', key!)).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => [r.id, r.region, r.severity]), [[1001, 'NSW', 3], [1002, 'QLD', 2], [1003, 'NSW', 4]]);
  // AND the notification went to the other sink only, which recorded it
  const [update] = local.table('updates').scan();
  assert.equal(update!.dataAssetName, 'incident.entityIncident');
  assert.equal(update!.recordsUpdated, 3);
  assert.deepEqual(local.stats()['write-assets']!.invocations, 1, 'the writer saw the data asset only');
  assert.deepEqual(local.stats()['record-updates']!.invocations, 1, 'the recorder saw the notification only');
});

test('lineage walks from a file in the lake back to the URL resource record that started it', async (t) => {
  const local = await start(t);
  await local.put('requests', 'incidents-2026-01-06.json', request('incidents-2026-01-06'));
  await local.settle();
  const keys = await local.list('lake');
  assert.equal(keys.length, 2, 'the file brings rows for two days');
  const lineage = await local.lineage('lake', keys[0]!);
  assert.deepEqual(lineage.steps.map((s) => `${s.artifactName} (${s.role})`), ['write-assets (sink)', 'parse-incidents (component)', 'fetch-resource (source)']);
  assert.deepEqual(lineage.root, [{ kind: 'object', bucket: 'requests', key: 'incidents-2026-01-06.json', eTag: lineage.root[0]!.kind === 'object' ? lineage.root[0]!.eTag : '' }]);
  const [writer, parse, fetch] = lineage.steps;
  assert.deepEqual(parse!.metadata, { resource: pathToFileURL(new URL('./sample-data/resources/incidents-2026-01-06.csv', import.meta.url).pathname).href, rows: 3 });
  assert.equal(writer!.metadata.rows, 3);
  assert.equal(fetch!.metadata.bytes, 111);
  assert.deepEqual(parse!.inputs.map((i) => i.kind === 'message' && [i.queue, i.objectType]), [['to-parse', 'urlResource']]);
  assert.equal(fetch!.startedAt, '2026-01-07T09:00:00.000Z');
});

test('a batch with one poison message: the rest succeed, only the poison one is retried and dead-lettered', async (t) => {
  // GIVEN three good CSVs and one with a row missing its day in 'raw', and a URL resource record for each
  // sent to 'to-parse' together, as the source would publish them
  const local = await start(t);
  for (const n of [1, 2, 3]) await local.put('raw', `incidents/good-${n}.csv`, `id,day,region\n${n},2026-01-0${n},NSW\n`);
  await local.put('raw', 'incidents/poison.csv', 'id,day,region\n9,,NSW\n');
  for (const name of ['good-1', 'good-2', 'poison', 'good-3']) {
    await local.send('to-parse', { schemaVersion: 1, objectType: 'urlResource', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: `fetch-${name}`, body: { destination: `s3://raw/incidents/${name}.csv`, resource: `https://data.example.org/incidents/${name}.csv` } });
  }
  // WHEN they are processed as one batch
  await local.settle();
  // THEN the three good ones are in the lake after one invocation; the poison one waits for its retry
  assert.equal(local.stats()['parse-incidents']!.invocations, 1);
  assert.equal((await local.list('lake')).length, 3);
  assert.equal((await local.messages('to-parse')).length, 1);
  // AND it is retried alone until it reaches the DLQ, with the step, row and field named
  await local.advance('15m');
  assert.equal(local.stats()['parse-incidents']!.invocations, 3);
  const letters = await local.dlq('to-parse');
  assert.equal(letters.length, 1);
  assert.match(letters[0]!.error!.errorMessage, /^function 'parse-incidents': ctx\.dataAsset\(\) is not a valid data asset: field 'data\.0\.day' is a partition key/);
  assert.equal((await local.list('lake')).length, 3, 'nothing written twice');
});

test('a redelivered update notification is recorded once', async (t) => {
  const local = await start(t);
  const notification = { schemaVersion: 1, objectType: 'updateNotification', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'parse-1', body: { dataAssetName: 'incident.entityIncident', dimUTCTimestamp: 1767776400, recordsUpdated: 3 } };
  await local.send('notifications', notification);
  await local.settle();
  await local.send('notifications', notification);
  await local.settle();
  assert.equal(local.table('updates').scan().length, 1);
  assert.equal(local.stats()['record-updates']!.invocations, 2, 'delivered twice, recorded once');
});

test('without its secret the source cannot start: the request ends in its failure destination, the key named', async (t) => {
  const local = await start(t, { secrets: {} });
  await local.put('requests', 'incidents-2026-01-05.json', request('incidents-2026-01-05'));
  await local.settle();
  await local.advance('5m');
  const [failure] = await local.dlq('fetch-resource');
  assert.equal(failure!.condition, 'RetriesExhausted');
  assert.match(failure!.error!.errorMessage, /^function 'fetch-resource' cannot start: secret '\/incidents\/api-key' \(config key 'apiKey'\) is not set/);
  assert.deepEqual(await local.list('raw'), []);
});

test('a config value of the wrong type stops the component, naming the key; its message ends in the DLQ', async (t) => {
  const local = await start(t, { config: { dotenv: { 'parse-incidents.country': 'Australia' } } });
  await local.put('requests', 'incidents-2026-01-05.json', request('incidents-2026-01-05'));
  await local.settle();
  await local.advance('15m');
  const [letter] = await local.dlq('to-parse');
  assert.equal(letter!.error!.code, 'SLUICE_E_CONFIG');
  assert.match(letter!.error!.errorMessage, /^function 'parse-incidents' cannot start: config key 'country' must be a two-letter country code \(given "Australia"\); set it in fn\('parse-incidents', \{ config \}\)/);
});

test('on the prod stage the source fetches from its stage URL with the prod secret', async (t) => {
  // GIVEN stage 'prod' without the prod secret: the config resolves, and the step names what is missing
  const local = await start(t, { stage: 'prod' });
  await local.put('requests', 'incidents-2026-01-05.json', request('incidents-2026-01-05'));
  await local.settle();
  assert.match(local.stats()['fetch-resource']!.lastError!.errorMessage, /secret '\/incidents\/prod\/api-key' \(config key 'apiKey'\) is not set/);
});
