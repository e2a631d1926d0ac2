/**
 * Routes are checked, not guessed: invalid patterns and unusable props are validation problems; over
 * the sample files, a file matched by two pipelines or two locations, or routed elsewhere than its
 * folder, is a problem; a missing or unparseable config file is one too. Routing itself is precompiled
 * and takes the first pipeline, then the first location, that matches the file name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucket, pipeline, queue, route, RouteTable } from '../../src/index.js';
import { prepareRouteEntry, sampleProblems } from '../../src/bundling/route-entry.js';
import { startLocal, tempDir } from '../helpers/local.js';

const HANDLER = new URL('../fixtures/handlers/echo-input.ts', import.meta.url);

test('routes a file name to the first pipeline that matches, then the first of its locations', () => {
  // GIVEN two pipelines, one with two locations
  const table = new RouteTable({
    buoy: { match: /^buoy\..*\.csv$/g, locations: { humboldt: /\.z05\./, morro: '\\.z06\\.' } },
    tide: { match: '^tide_\\d{14}\\.log$', locations: { mcrl: /./ } },
  });
  // WHEN names (and keys with folders) are routed THEN the pattern of the last segment decides
  assert.deepEqual(table.route('in/2020/buoy.z06.00.csv'), { pipeline: 'buoy', location: 'morro' });
  // AND a global flag does not make a second test of the same name fail (no lastIndex state)
  assert.deepEqual(table.route('buoy.z05.00.csv'), { pipeline: 'buoy', location: 'humboldt' });
  assert.deepEqual(table.route('buoy.z05.00.csv'), { pipeline: 'buoy', location: 'humboldt' });
  // AND a miss says which patterns were tried
  assert.deepEqual(table.route('tide_1.log'), { file: 'tide_1.log', stage: 'pipeline', tried: [{ name: 'buoy', pattern: '/^buoy\\..*\\.csv$/' }, { name: 'tide', pattern: '/^tide_\\d{14}\\.log$/' }] });
  assert.deepEqual(table.route('buoy.z09.csv'), { file: 'buoy.z09.csv', stage: 'location', pipeline: 'buoy', tried: [{ name: 'humboldt', pattern: '/\\.z05\\./' }, { name: 'morro', pattern: '/\\.z06\\./' }] });
});

test('an invalid pattern and unusable props are validation problems naming the field', () => {
  // GIVEN a route with a broken pattern, a pipeline with no locations, a bad name and a config that is not YAML/JSON
  const r = route('ingest', { pipelines: {
    buoy: { match: '^buoy\\.(csv', locations: { humboldt: '[z05' }, handler: HANDLER, config: './config/{location}.toml' },
    'tide data': { match: /^tide/, locations: {}, handler: HANDLER },
  } });
  const problems = pipeline('routes', [bucket('in').to(r)]).validate();
  // THEN each is reported with its code and field
  const byField = Object.fromEntries(problems.map((p) => [p.field, p]));
  assert.equal(byField['pipelines.buoy.match']?.code, 'SLUICE_E_ROUTE_PATTERN');
  assert.match(byField['pipelines.buoy.match']!.message, /fn 'ingest': pipelines\.buoy\.match is not a valid regular expression \(given "\^buoy\\\\\.\(csv"\)/);
  assert.equal(byField['pipelines.buoy.locations.humboldt']?.code, 'SLUICE_E_ROUTE_PATTERN');
  assert.equal(byField['pipelines.tide data.locations']?.code, 'SLUICE_E_ROUTE_PATTERN');
  assert.equal(byField['pipelines.tide data']?.code, 'SLUICE_E_ROUTE_PROPS');
  assert.equal(byField['pipelines.buoy.config']?.code, 'SLUICE_E_ROUTE_PROPS');
  // AND a route with no pipelines says how to declare one
  const empty = pipeline('routes', [bucket('in').to(route('ingest', { pipelines: {} }))]).validate();
  assert.equal(empty[0]?.code, 'SLUICE_E_ROUTE_PROPS');
  assert.match(empty[0]!.message, /pipelines must name at least one pipeline/);
});

test('a sample matched by two pipelines or two locations, or routed elsewhere than its folder, is a problem', (t) => {
  // GIVEN patterns that overlap, and samples laid out as data/<pipeline>/<location>/
  const dir = tempDir(t);
  const put = (path: string) => {
    mkdirSync(join(dir, 'data', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'data', path), 'x');
  };
  put('buoy/humboldt/buoy.z05.csv');          // fine
  put('buoy/humboldt/buoy.z05.z06.csv');      // two locations
  put('buoy/morro/buoy.z05.x.csv');           // routes to humboldt
  put('buoy/morro/buoy.tide_x.csv');          // two pipelines
  put('buoy/humboldt/readme.txt');            // routes nowhere
  mkdirSync(join(dir, 'data/buoy/humboldt/buoy.z05.csv.expected'), { recursive: true }); // expected outputs: not a sample
  const r = route('ingest', { samples: join(dir, 'data'), pipelines: {
    buoy: { match: /^buoy\./, locations: { humboldt: /\.z05\./, morro: /\.z06\./ }, handler: HANDLER },
    tide: { match: /tide_/, locations: { mcrl: /./ }, handler: HANDLER },
  } });
  // WHEN the samples are checked
  const problems = sampleProblems(r);
  // THEN each bad sample is named with what is wrong, and nothing else is
  assert.ok(problems.every((p) => p.code === 'SLUICE_E_ROUTE_SAMPLE'));
  const messages = problems.map((p) => p.message).sort();
  assert.equal(messages.length, 4, messages.join('\n'));
  assert.match(messages.find((m) => m.includes('buoy.z05.z06.csv'))!, /is matched by 2 locations of pipeline 'buoy' \(humboldt, morro\)/);
  assert.match(messages.find((m) => m.includes('buoy.tide_x.csv'))!, /is matched by 2 pipelines \(buoy, tide\)/);
  assert.match(messages.find((m) => m.includes('buoy.z05.x.csv'))!, /lies under buoy\/morro\/ but routes to buoy\/humboldt/);
  assert.match(messages.find((m) => m.includes('readme.txt'))!, /routes nowhere: file 'readme\.txt' matches no pipeline's pattern/);
  // AND preparing the route (what run, dev, synth and the worker do first) refuses it
  assert.ok(prepareRouteEntry(r).some((p) => p.code === 'SLUICE_E_ROUTE_SAMPLE'));
});

test('a missing or unparseable location config file is a problem naming the file', (t) => {
  // GIVEN a config template whose humboldt file is broken YAML and whose morro file does not exist
  const dir = tempDir(t);
  writeFileSync(join(dir, 'humboldt.yaml'), 'site: [unclosed\n');
  const r = route('ingest', { samples: join(dir, 'none'), pipelines: {
    buoy: { match: /^buoy\./, locations: { humboldt: /\.z05\./, morro: /\.z06\./ }, handler: HANDLER, config: join(dir, '{location}.yaml') },
  } });
  // WHEN the route's entry is prepared
  const problems = prepareRouteEntry(r);
  // THEN both files are named
  assert.deepEqual(problems.map((p) => p.code), ['SLUICE_E_ROUTE_CONFIG_FILE', 'SLUICE_E_ROUTE_CONFIG_FILE']);
  assert.match(problems[0]!.message, /humboldt\.yaml is not valid YAML/);
  assert.match(problems[1]!.message, /location 'morro' does not exist \(looked at .*morro\.yaml\)/);
});

test('a route fed messages instead of objects fails each with how to wire it', async (t) => {
  // GIVEN a queue wired to a route
  const r = route('ingest', { samples: '/nonexistent', pipelines: { any: { match: /./, locations: { all: /./ }, handler: HANDLER } } });
  const local = await startLocal(t, pipeline('routes', [queue('files').to(r)]));
  // WHEN a message arrives
  await local.send('files', 'buoy.z05.csv');
  await local.settleAll();
  // THEN it is dead-lettered with the reason
  const letters = await local.dlq('files');
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.error?.code, 'SLUICE_E_ROUTE_INPUT');
});
