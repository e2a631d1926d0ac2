/**
 * The Tsdat ingest example on the in-memory engine: files are routed by name to their pipeline and
 * location, standardized with that location's configuration (names, units, quality flags), and written
 * as Parquet plus a summary under <pipeline>/<location>/<date>/; a file that matches nothing and a
 * malformed file end in the route's dead letters with the reason; every sample matches its expected
 * outputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects } from 'hyparquet';
import { bucket, pipeline, route } from 'sluice';
import { localPipeline, runRouteSamples } from 'sluice/testing';
import pipe, { ingest } from './pipeline.js';
import { QC } from './pipelines/shared/standardize.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const sample = (path: string) => readFileSync(join(HERE, 'data', path));
const HUMBOLDT = 'buoy.z05.00.20201201.000000.csv';
const MORRO = 'buoy.z06.00.20201201.000000.csv';

async function parquetRows(bytes: Buffer): Promise<Array<Record<string, unknown>>> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file })) as Array<Record<string, unknown>>;
}

test('routes each file by name to its pipeline and location', () => {
  // GIVEN the route's patterns WHEN file names are routed THEN each gets its pipeline and location
  assert.deepEqual(ingest.table.route(HUMBOLDT), { pipeline: 'a2e_buoy_ingest', location: 'humboldt' });
  assert.deepEqual(ingest.table.route(`incoming/2020/${MORRO}`), { pipeline: 'a2e_buoy_ingest', location: 'morro' });
  assert.deepEqual(ingest.table.route('tide_20220101000000.log'), { pipeline: 'tide_data_ingest', location: 'mcrl' });
  // AND a buoy from an unknown site matches the pipeline but no location
  assert.equal((ingest.table.route('buoy.z07.00.20201201.000000.csv') as { stage: string }).stage, 'location');
});

test("standardizes with the location's config: names and units differ per buoy, the output does not", async (t) => {
  // GIVEN the pipeline
  const local = await localPipeline(pipe);
  t.after(() => local.close());
  // WHEN a Humboldt file (Fahrenheit, knots) and a Morro Bay file (SI, wave height in cm) land
  await local.put('incoming', HUMBOLDT, sample(`a2e_buoy_ingest/humboldt/${HUMBOLDT}`));
  await local.put('incoming', MORRO, sample(`a2e_buoy_ingest/morro/${MORRO}`));
  await local.settle();
  // THEN each is written under <pipeline>/<location>/<date>/ as Parquet and a summary
  assert.deepEqual(await local.list('standardized'), [
    'a2e_buoy_ingest/humboldt/20201201/buoy.z05.00.20201201.000000.parquet',
    'a2e_buoy_ingest/humboldt/20201201/buoy.z05.00.20201201.000000.summary.json',
    'a2e_buoy_ingest/morro/20201201/buoy.z06.00.20201201.000000.parquet',
    'a2e_buoy_ingest/morro/20201201/buoy.z06.00.20201201.000000.summary.json',
  ]);
  const humboldt = await parquetRows(await local.get('standardized', 'a2e_buoy_ingest/humboldt/20201201/buoy.z05.00.20201201.000000.parquet'));
  const morro = await parquetRows(await local.get('standardized', 'a2e_buoy_ingest/morro/20201201/buoy.z06.00.20201201.000000.parquet'));
  // AND both have the same standard columns, whatever the logger called them
  assert.deepEqual(Object.keys(humboldt[0]!), Object.keys(morro[0]!));
  assert.ok(Object.keys(humboldt[0]!).includes('sea_surface_temperature'));
  // AND units were converted: 53.71 degF is 12.06 degC; 16.6 knots is 8.54 m/s; Morro's cm became m
  const firstCsvRow = sample(`a2e_buoy_ingest/humboldt/${HUMBOLDT}`).toString().split('\n')[2]!.split(',');
  assert.equal(humboldt[0]!.sea_surface_temperature, Math.round(((Number(firstCsvRow[1]) - 32) * 5 / 9) * 1e6) / 1e6);
  assert.equal(humboldt[0]!.wind_speed, Math.round(Number(firstCsvRow[2]) * 0.514444 * 1e6) / 1e6);
  assert.ok((morro[0]!.significant_wave_height as number) < 3, 'centimetres became metres');
  const summary = await local.json<{ site: string; variables: Record<string, { from: string }> }>('standardized', 'a2e_buoy_ingest/morro/20201201/buoy.z06.00.20201201.000000.summary.json');
  assert.equal(summary.site, 'Morro Bay, CA (buoy z06)');
  assert.equal(summary.variables.significant_wave_height!.from, 'hs_cm');
});

test('flags missing values, out-of-range values and time going backwards', async (t) => {
  // GIVEN a file with a gap (row 17), a 140 degF spike (row 30) and a -9999 wave height (row 41), and one whose time steps back (row 33)
  const local = await localPipeline(pipe);
  t.after(() => local.close());
  await local.put('incoming', HUMBOLDT, sample(`a2e_buoy_ingest/humboldt/${HUMBOLDT}`));
  await local.put('incoming', 'buoy.z05.00.20201202.000000.csv', sample('a2e_buoy_ingest/humboldt/buoy.z05.00.20201202.000000.csv'));
  await local.settle();
  const rows = await parquetRows(await local.get('standardized', 'a2e_buoy_ingest/humboldt/20201201/buoy.z05.00.20201201.000000.parquet'));
  // THEN the gap is null with the missing flag, the spike keeps its value with the out-of-range flag
  assert.equal(rows[17]!.wind_speed, null);
  assert.equal(rows[17]!.qc_wind_speed, QC.missing);
  assert.equal(rows[30]!.qc_sea_surface_temperature, QC.outOfRange);
  assert.ok((rows[30]!.sea_surface_temperature as number) > 35);
  assert.equal(rows[41]!.qc_significant_wave_height, QC.missing);
  assert.equal(rows[0]!.qc_sea_surface_temperature, 0);
  // AND the backwards step is flagged on time and on every variable of that row
  const next = await parquetRows(await local.get('standardized', 'a2e_buoy_ingest/humboldt/20201202/buoy.z05.00.20201202.000000.parquet'));
  assert.equal(next[33]!.qc_time, QC.timeNotMonotonic);
  assert.equal((next[33]!.qc_wind_speed as number) & QC.timeNotMonotonic, QC.timeNotMonotonic);
  assert.equal(next.filter((r) => r.qc_time !== 0).length, 1);
});

test('a file that matches nothing fails with its name and the patterns tried, and is kept in the dead letters', async (t) => {
  // GIVEN the pipeline WHEN a file no pipeline takes lands
  const local = await localPipeline(pipe);
  t.after(() => local.close());
  await local.put('incoming', 'wind.z05.00.20201201.000000.csv', 'x');
  await local.settleAll();
  // THEN nothing is written, and the route's dead letters hold it with the reason
  assert.deepEqual(await local.list('standardized'), []);
  const [failed, ...more] = await local.dlq('ingest');
  assert.equal(more.length, 0);
  assert.equal(failed!.error?.code, 'SLUICE_E_ROUTE_NO_MATCH');
  assert.match(failed!.error!.errorMessage, /'wind\.z05\.00\.20201201\.000000\.csv' matches no pipeline's pattern \(tried a2e_buoy_ingest \/\^buoy.*tide_data_ingest \/\^tide_/);
});

test('a malformed file fails with the file and the line, and is kept in the dead letters', async (t) => {
  // GIVEN a tide file whose timestamp on line 3 is garbage
  const local = await localPipeline(pipe);
  t.after(() => local.close());
  await local.put('incoming', 'tide_20220102000000.log', 'time,level_ft,temp_c\n2022-01-02 00:00:00,4.1,8.2\nyesterday,4.0,8.1\n');
  await local.settleAll();
  // THEN nothing is written and the dead letter names the file and line
  assert.deepEqual(await local.list('standardized'), []);
  const [failed] = await local.dlq('ingest');
  assert.match(failed!.error!.errorMessage, /tide_20220102000000\.log, line 3: time 'yesterday' is not a timestamp/);
});

test("a location's config that breaks the pipeline's schema names the file, the key and the value", async (t) => {
  // GIVEN the buoy pipeline with a Morro config whose wave height unit the schema does not know
  const dir = mkdtempSync(join(tmpdir(), 'tsdat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const good = readFileSync(join(HERE, 'pipelines/a2e_buoy_ingest/config/morro.yaml'), 'utf8');
  writeFileSync(join(dir, 'morro.yaml'), good.replace('inputUnits: cm', 'inputUnits: furlongs'));
  const broken = route('ingest', { pipelines: { a2e_buoy_ingest: { match: /^buoy\./, locations: { morro: /\.z06\./ }, handler: './pipelines/a2e_buoy_ingest/pipeline.ts', config: join(dir, '{location}.yaml') } }, samples: join(dir, 'data') });
  const local = await localPipeline(pipeline('broken', [bucket('incoming').to(broken).to(bucket('standardized'))]));
  t.after(() => local.close());
  // WHEN a Morro file lands
  await local.put('incoming', MORRO, sample(`a2e_buoy_ingest/morro/${MORRO}`));
  await local.settleAll();
  // THEN it fails with the config file, the key and the value given
  const [failed] = await local.dlq('ingest');
  assert.equal(failed!.error?.code, 'SLUICE_E_ROUTE_CONFIG');
  assert.match(failed!.error!.errorMessage, /morro\.yaml: key 'variables\.significant_wave_height\.inputUnits': .*\(given "furlongs"\)/);
});

test('every sample produces the outputs checked in beside it', async () => {
  // GIVEN the samples under data/<pipeline>/<location>/ and their <sample>.expected/ folders
  // WHEN they all run through the route
  const report = await runRouteSamples(pipe);
  // THEN each produced exactly its expected Parquet file and summary
  assert.deepEqual(report.samples.map((s) => [s.sample, s.status, s.outputs.length]), [
    ['data/a2e_buoy_ingest/humboldt/buoy.z05.00.20201201.000000.csv', 'pass', 2],
    ['data/a2e_buoy_ingest/humboldt/buoy.z05.00.20201202.000000.csv', 'pass', 2],
    ['data/a2e_buoy_ingest/morro/buoy.z06.00.20201201.000000.csv', 'pass', 2],
    ['data/tide_data_ingest/mcrl/tide_20220101000000.log', 'pass', 2],
  ]);
});
