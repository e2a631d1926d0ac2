/**
 * The offload rule and payload paths: a message is offloaded when it would not fit the smallest limit
 * on its path, counting SNS's wrapping (escaped body, attributes as JSON, the notification's fields).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mustOffload, parseS3Path, payloadBucketName, payloadKey, s3Path, sizeOnPath, SNS_WRAP_OVERHEAD } from '../../src/envelope/index.js';

test('raw: a message is offloaded exactly when body and attributes pass the limit', () => {
  const path = { limit: 1000, wrapped: false };
  assert.equal(mustOffload('x'.repeat(900), 100, path), false);
  assert.equal(mustOffload('x'.repeat(901), 100, path), true);
});

test('wrapped: escaping, attributes as JSON and the notification count against the limit', () => {
  const quotes = '"'.repeat(1000);
  assert.equal(sizeOnPath(quotes, 50, true), Buffer.byteLength(JSON.stringify(quotes)) + 100 + SNS_WRAP_OVERHEAD);
  const path = { limit: 3000, wrapped: true };
  assert.equal(mustOffload('a'.repeat(1000), 50, path), false);
  assert.equal(mustOffload(quotes, 50, path), true, '1,000 quotes escape to 2,000 bytes, plus the notification');
  assert.equal(mustOffload(quotes, 50, { limit: 3000, wrapped: false }), false);
});

test('payload keys and paths: one folder per step and execution, in the pipeline\'s payload bucket', () => {
  assert.equal(payloadBucketName('Orders', 'dev'), 'orders-dev-sluice-payloads');
  assert.equal(payloadKey('parse', '0190-i', 2), 'payloads/parse/0190-i/2');
  const path = s3Path('orders-dev-sluice-payloads', 'payloads/parse/0190-i/2');
  assert.deepEqual(parseS3Path(path), { bucket: 'orders-dev-sluice-payloads', key: 'payloads/parse/0190-i/2' });
  assert.equal(parseS3Path('/local/file'), undefined);
});
