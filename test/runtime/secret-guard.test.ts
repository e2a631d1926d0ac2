/**
 * The secret guard's rules on values: redaction walks structures (so escaping cannot hide a value),
 * errors keep their class with every property redacted, and very short secrets are matched only as
 * whole values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SUBSTRING, SecretGuard } from '../../src/runtime/secret-guard.js';

test('redacts every string in a structure, keys included, leaving other values and buffers alone', () => {
  const guard = new SecretGuard(['tok"en\\1']);
  const value = { a: 'x tok"en\\1 y', n: 3, list: ['tok"en\\1', { deep: 'tok"en\\1!' }], 'tok"en\\1': true, bytes: Buffer.from('tok"en\\1') };
  const clean = guard.redactValue(value);
  assert.deepEqual({ ...clean, bytes: undefined }, { a: 'x *** y', n: 3, list: ['***', { deep: '***!' }], '***': true, bytes: undefined });
  assert.ok(Buffer.isBuffer(clean.bytes));
  assert.ok(!JSON.stringify(clean).includes(JSON.stringify('tok"en\\1').slice(1, -1)));
});

test('an error keeps its class; its message, stack and own properties are redacted; a thrown non-Error becomes a redacted copy', () => {
  const guard = new SecretGuard(['hunter22']);
  const error = Object.assign(new TypeError('bad hunter22'), { code: 'hunter22', details: { key: 'hunter22' } });
  const clean = guard.redactError(error);
  assert.ok(clean instanceof TypeError);
  assert.equal(clean.message, 'bad ***');
  assert.ok(!clean.stack!.includes('hunter22'));
  assert.deepEqual([(clean as unknown as { code: string }).code, (clean as unknown as { details: unknown }).details], ['***', { key: '***' }]);
  assert.deepEqual(guard.redactError({ reason: 'hunter22' }), { reason: '***' });
  assert.equal(guard.redactError('thrown hunter22'), 'thrown ***');
});

test(`a secret shorter than ${MIN_SUBSTRING} characters is matched only as a whole value, never inside text`, () => {
  const guard = new SecretGuard(['ab']);
  assert.equal(guard.redactText('cabbage'), 'cabbage');
  assert.equal(guard.redactText('ab'), '***');
  assert.deepEqual(guard.redactValue({ pin: 'ab', word: 'abc' }), { pin: '***', word: 'abc' });
  assert.equal(guard.holds({ pin: 'ab' }), true);
  assert.equal(guard.holds('a cab'), false);
});

test('finds a secret in bytes, attributes and nested outputs, and the longest secret first', () => {
  const guard = new SecretGuard(['abcd', 'abcdef']);
  assert.equal(guard.redactText('xabcdefx'), 'x***x');
  assert.equal(guard.holds(Buffer.from('..abcd..')), true);
  assert.equal(guard.holds({ attributes: { token: { dataType: 'String', value: 'abcd' } } }), true);
  assert.equal(guard.holds({ attributes: { token: { dataType: 'String', value: 'abc' } } }), false);
});
