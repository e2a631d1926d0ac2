/**
 * `sluice route`: a dry run that says, per file name, the pipeline, location and config file a route
 * would use, or why none; `sluice route test` runs every sample and compares its outputs with the
 * expected files beside it, and `--update` rewrites them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE, assertUserError, parseJson, removeRepoTempDir, repoTempDir, sluiceAwait } from './support.js';
import { ROOT } from '../helpers/cli.js';

const TSDAT = join(ROOT, 'examples/tsdat-ingest/pipeline.ts');

test('says, for each file name, the pipeline, location and config file, or why none', async () => {
  // WHEN three names are routed, for people and as JSON
  const names = ['buoy.z05.00.20201201.000000.csv', 'tide_20220101000000.log', 'wind.z05.csv'];
  const [human, json] = await Promise.all([sluiceAwait(['route', ...names, '--entry', TSDAT]), sluiceAwait(['route', ...names, '--entry', TSDAT, '--json'])]);
  // THEN each routed name shows its pipeline, location and config; the unrouted one the patterns tried; exit 1
  assert.equal(human.status, 1, human.stderr);
  assert.match(human.stdout, /^buoy\.z05\.00\.20201201\.000000\.csv\s+a2e_buoy_ingest\s+humboldt\s+pipelines\/a2e_buoy_ingest\/config\/humboldt\.yaml/m);
  assert.match(human.stdout, /^tide_20220101000000\.log\s+tide_data_ingest\s+mcrl\s+pipelines\/tide_data_ingest\/config\/mcrl\.yaml/m);
  assert.match(human.stdout, /^wind\.z05\.csv\s+none\s+file 'wind\.z05\.csv' matches no pipeline's pattern \(tried a2e_buoy_ingest/m);
  assert.deepEqual(parseJson(json).files[0], { file: names[0], pipeline: 'a2e_buoy_ingest', location: 'humboldt', configFile: 'pipelines/a2e_buoy_ingest/config/humboldt.yaml' });
  assert.equal(parseJson(json).files[2].pipeline, null);
});

test('a pipeline without a route is told how to declare one', async () => {
  const result = await sluiceAwait(['route', 'a.csv', '--entry', EXAMPLE]);
  assertUserError(result, 'SLUICE_E_ROUTE_NODE', ["pipeline 'three-node-pipe' has no route", "route('ingest'"]);
});

test('route test passes when every sample produces its expected files, and fails naming the sample when one differs', async (t) => {
  // GIVEN a copy of the example whose expected summary for the Morro sample was edited
  const dir = repoTempDir();
  t.after(() => removeRepoTempDir(dir));
  cpSync(join(ROOT, 'examples/tsdat-ingest'), dir, { recursive: true, filter: (from) => !from.includes('/.sluice') });
  const entry = join(dir, 'pipeline.ts');
  const ok = await sluiceAwait(['route', 'test', '--entry', entry, '--json'], { timeoutMs: 120_000 });
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual([parseJson(ok).passed, parseJson(ok).failed], [4, 0]);
  const summary = join(dir, 'data/a2e_buoy_ingest/morro/buoy.z06.00.20201201.000000.csv.expected/standardized/a2e_buoy_ingest/morro/20201201/buoy.z06.00.20201201.000000.summary.json');
  writeFileSync(summary, readFileSync(summary, 'utf8').replace('"rows": 48', '"rows": 47'));
  // WHEN the samples run again
  const failed = await sluiceAwait(['route', 'test', '--entry', entry], { timeoutMs: 120_000 });
  // THEN the changed output is named, with how to accept it
  assert.equal(failed.status, 2, failed.stderr);
  assert.match(failed.stderr, /^error route 'ingest': 1 sample\(s\) did not produce their expected outputs, first data\/a2e_buoy_ingest\/morro\/buoy\.z06\.00\.20201201\.000000\.csv \[SLUICE_E_ROUTE_EXPECTED\]$/m);
  assert.doesNotMatch(failed.stderr, /^\s+at \S/m, 'no stack trace');
  assert.match(failed.stdout, /FAIL data\/a2e_buoy_ingest\/morro\/buoy\.z06\.00\.20201201\.000000\.csv -> a2e_buoy_ingest\/morro \(2 outputs\)\n\s+changed standardized\/a2e_buoy_ingest\/morro\/20201201\/buoy\.z06\.00\.20201201\.000000\.summary\.json/);
  // AND --update rewrites the expected file, after which the run passes
  const updated = await sluiceAwait(['route', 'test', '--update', '--entry', entry], { timeoutMs: 120_000 });
  assert.equal(updated.status, 0, updated.stderr);
  assert.match(readFileSync(summary, 'utf8'), /"rows": 48/);
});
