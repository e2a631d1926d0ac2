/**
 * The local config sources: `.env` parsing, `SLUICE_CONFIG`, and the secrets file, as `sluice run` and
 * `sluice dev` read them beside the pipeline file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { configLayersFrom, defaultSecretsFile, parseDotenv, secretsSource } from '../../src/engine/index.js';
import { layerConfig } from '../../src/runtime/config.js';
import { tempDir } from '../helpers/local.js';

test('.env: KEY=value lines, export, comments, quotes with escapes, node-scoped keys', () => {
  const parsed = parseDotenv([
    '# a comment',
    'URL=https://data.example.org/x # trailing comment',
    'export BATCH=10',
    'fetch.TOKEN_NAME="a \\"quoted\\" value\\nwith a newline"',
    "LITERAL='$not #a comment'",
    '',
  ].join('\n'));
  assert.deepEqual(parsed, { URL: 'https://data.example.org/x', BATCH: '10', 'fetch.TOKEN_NAME': 'a "quoted" value\nwith a newline', LITERAL: '$not #a comment' });
  assert.throws(() => parseDotenv('JUST TEXT', '/p/.env'), { code: 'SLUICE_E_DOTENV', message: '/p/.env, line 1: expected KEY=value (given "JUST TEXT")' });
});

test('the layers of a pipeline folder: SLUICE_CONFIG (JSON) and .env beside the pipeline file', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, '.env'), 'batch=5\n');
  assert.deepEqual(configLayersFrom(dir, { SLUICE_CONFIG: '{"url":"https://x"}' }), { env: { url: 'https://x' }, dotenv: { batch: '5' } });
  assert.deepEqual(configLayersFrom(tempDir(t), {}), {});
  assert.throws(() => configLayersFrom(dir, { SLUICE_CONFIG: '[1]' }), { code: 'SLUICE_E_CONFIG_ENV', message: /SLUICE_CONFIG must be a JSON object/ });
  assert.throws(() => configLayersFrom(dir, { SLUICE_CONFIG: '{oops' }), { code: 'SLUICE_E_CONFIG_ENV', message: /SLUICE_CONFIG is not JSON/ });
});

test('.env values take the type of what they override; JSON values in SLUICE_CONFIG keep theirs', () => {
  const base = { n: 1, b: false, o: { a: 1 }, s: 'x' };
  assert.deepEqual(layerConfig(base, 'step', { dotenv: { n: '2', b: 'TRUE', o: '{"a":2}', s: '3', extra: '4' } }), { n: 2, b: true, o: { a: 2 }, s: '3', extra: '4' });
  assert.deepEqual(layerConfig(base, 'step', { dotenv: { n: 'many' } }).n, 'many', 'left as text for the schema to report');
  assert.deepEqual(layerConfig(base, 'step', { env: { n: '2' } }).n, '2');
});

test('the secrets file beside the pipeline is read each time a step starts, and says where it looked', (t) => {
  const dir = tempDir(t);
  const file = defaultSecretsFile(dir);
  assert.equal(file, join(dir, '.sluice', 'secrets.json'));
  const source = secretsSource(file);
  assert.deepEqual(source(), { values: {}, source: `${file} (which does not exist)` });
  mkdirSync(join(dir, '.sluice'), { recursive: true });
  writeFileSync(file, JSON.stringify({ '/svc/key': 'v1', '/svc/n': 3 }));
  assert.deepEqual(source(), { values: { '/svc/key': 'v1' }, source: file });
  writeFileSync(file, '{ not json');
  assert.throws(() => source(), { code: 'SLUICE_E_SECRETS_FILE', message: new RegExp(`the secrets file ${file} is not JSON`) });
});
