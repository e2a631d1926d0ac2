/**
 * Price tables from the AWS Price List API: the parser reads a GetProducts answer in AWS's documented
 * shape (a fixture: products with tiered price dimensions, region prefixes on usage types, another
 * region's product and an S3 storage class that is not Standard), and `sluice cost prices --refresh`
 * without credentials fails with its code, before any request leaves the machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';
import { parsePriceList, tableFromPriceList, SHIPPED_PRICES } from '../../src/cost/index.js';

const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/cost/price-list-eu-west-1.json'), 'utf8')) as { PriceList: string[] };

test('the parser reads a GetProducts answer: the first paid tier of each matched product, for the region asked', () => {
  // GIVEN a GetProducts answer for eu-west-1 (and one us-east-1 product that slipped in)
  // WHEN it is parsed for eu-west-1
  const prices = parsePriceList(fixture.PriceList, 'eu-west-1');
  // THEN each line is priced per unit from its product, region prefix (EU-) ignored
  assert.deepEqual(prices, {
    'lambda.requests': 0.0000002,           // EU-Request-ARM (not us-east-1's 0.0000009999)
    'lambda.arm64.duration': 0.0000133334,  // the first of three tiers
    'sqs.requests': 0.0000004,              // the first paid tier: the first 1M requests are listed at $0
    's3.storage': 0.023,                    // Standard, not the Glacier product
    'dynamodb.writes': 0.0000007068,
    'kms.keys': 1,                          // KMS-Keys: 'KMS-' is part of the usage type, not a region prefix
  });
});

test('a refreshed table prices per its lines\' units and keeps the shipped price of lines the API did not give', () => {
  // GIVEN the parsed answer
  const { table, fromApi } = tableFromPriceList('eu-west-1', parsePriceList(fixture.PriceList, 'eu-west-1'), '2026-12-03');
  // THEN the API's lines are per the table's `per` and name their source; the rest are shipped
  assert.equal(table.lines['sqs.requests'].price, 0.4);
  assert.equal(table.lines['sqs.requests'].per, 1_000_000);
  assert.match(table.lines['sqs.requests'].source, /Price List API \(AWSQueueService, Requests-RBP\)/);
  assert.deepEqual(table.lines['glue.dpuHours'], SHIPPED_PRICES['eu-west-1']!.lines['glue.dpuHours']);
  assert.equal(fromApi.length, 6);
  assert.equal(table.origin, 'price-list-api');
});

test('sluice cost prices --refresh without AWS credentials fails with SLUICE_E_COST_REFRESH', () => {
  // GIVEN no credentials anywhere the SDK looks (environment, files, instance metadata)
  const dir = tempDir('sluice-cost-refresh-');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN']) delete env[k];
  // WHEN asked to refresh
  const r = spawnSync(process.execPath, [BIN, 'cost', 'prices', '--refresh', '--region', 'eu-west-1', '--json'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  // THEN it fails with the code and says what to do, without a stack trace
  assert.equal(r.status, 2, r.stderr);
  const error = JSON.parse(r.stdout) as { code: string; message: string };
  assert.equal(error.code, 'SLUICE_E_COST_REFRESH');
  assert.match(error.message, /credentials/);
  assert.doesNotMatch(r.stdout + r.stderr, /at .*\.js:\d+/);
});

test('sluice cost prices --out writes a table that --prices reads back', () => {
  // GIVEN the shipped eu-west-1 table written to a file, with one price changed
  const dir = tempDir('sluice-cost-prices-');
  const file = join(dir, 'prices.json');
  const r = spawnSync(process.execPath, [BIN, 'cost', 'prices', '--region', 'eu-west-1', '--out', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const table = JSON.parse(readFileSync(file, 'utf8'));
  table.lines['s3.put'].price = 1;
  table.date = '2027-01-01';
  writeFileSync(file, JSON.stringify(table));
  // WHEN the three-node example is priced with it
  const c = spawnSync(process.execPath, [BIN, 'cost', join(ROOT, 'examples/three-node-copy/pipeline.ts'), '--region', 'eu-west-1', '--volume', 'raw=1000/month', '--prices', file, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  // THEN the file's price and date are used
  assert.equal(c.status, 0, c.stderr);
  const e = JSON.parse(c.stdout);
  assert.equal(e.prices.date, '2027-01-01');
  assert.equal(e.prices.origin, 'file');
  assert.equal(e.nodes.find((n: { node: string }) => n.node === 'raw').lines.find((l: { price: string }) => l.price === 's3.put').usd, 1);
});
