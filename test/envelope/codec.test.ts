/**
 * The envelope codec on its own: the wire format (version 1), what counts as an envelope, decoding
 * with errors that name the field, bodies by MIME type, and user-defined object types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  ENVELOPE_VERSION, envelopeAttributes, inlineBody, isJsonMime, looksLikeEnvelope, objectType, parseEnvelope, payloadBody, payloadBytes, validateBody, wireOf,
} from '../../src/envelope/index.js';

const where = "function 'step': message m-1 from queue 'q'";

test('an envelope encodes to one JSON object: schemaVersion, Pylon fields, the body last', () => {
  const wire = wireOf({ objectType: 'updateNotification', body: { dataAssetName: 'a.b', dimUTCTimestamp: 1, recordsUpdated: 2 }, payloadMimeType: 'application/json' }, 'i-1');
  assert.deepEqual(Object.keys(wire), ['schemaVersion', 'objectType', 'payloadType', 'payloadMimeType', 'ingestionId', 'body']);
  assert.equal(wire.schemaVersion, ENVELOPE_VERSION);
  assert.equal(wire.payloadType, 'inline');
  // Offloaded: the path instead of the body
  const offloaded = wireOf({ objectType: 'rawContent', body: 'x', payloadMimeType: 'text/plain' }, 'i-1', 's3://p-local-sluice-payloads/payloads/a/i-1/0');
  assert.deepEqual([offloaded.payloadType, offloaded.payloadS3Path, offloaded.body], ['s3', 's3://p-local-sluice-payloads/payloads/a/i-1/0', null]);
});

test('bytes travel as base64 with payloadEncoding, and decode back to the same bytes', () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  const text = JSON.stringify(wireOf({ objectType: 'rawContent', body: bytes, payloadMimeType: 'application/octet-stream' }, 'i-1'));
  const wire = parseEnvelope(JSON.parse(text), where);
  assert.equal(wire.payloadEncoding, 'base64');
  assert.deepEqual(inlineBody(wire), bytes);
});

test('what counts as an envelope: schemaVersion, or Pylon\'s objectType and payloadType', () => {
  assert.ok(looksLikeEnvelope({ schemaVersion: 1 }));
  assert.ok(looksLikeEnvelope({ objectType: 'x', payloadType: 'inline' }));
  for (const v of [{ objectType: 'order', id: 1 }, [1], 'text', null, { Type: 'Notification' }]) assert.ok(!looksLikeEnvelope(v), JSON.stringify(v));
});

test('decoding names every field the way a user can fix it, and counts the other problems', () => {
  assert.throws(() => parseEnvelope({ schemaVersion: 1, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'text', ingestionId: '', body: 'x' }, where), {
    code: 'SLUICE_E_ENVELOPE', field: 'payloadMimeType',
    message: `${where} is not a valid envelope: field 'payloadMimeType' must be a MIME type such as 'application/json' (given "text"); and 1 more problem`,
  });
  assert.throws(() => parseEnvelope({ schemaVersion: 1, payloadType: 'inline', payloadMimeType: 'text/plain', ingestionId: 'i', body: 'x' }, where), { message: /field 'objectType' is missing/ });
  assert.throws(() => parseEnvelope({ schemaVersion: 1, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'text/plain', ingestionId: 'i' }, where), { message: /field 'body' is missing/ });
});

test("bodies decode by MIME type: JSON parsed, text as text, anything else as bytes; Pylon's text/json is JSON", () => {
  const bytes = Buffer.from('{"a":1}');
  assert.deepEqual(payloadBody(bytes, 'application/json', where), { a: 1 });
  assert.deepEqual(payloadBody(bytes, 'text/json', where), { a: 1 });
  assert.deepEqual(payloadBody(bytes, 'application/vnd.x+json', where), { a: 1 });
  assert.equal(payloadBody(bytes, 'text/csv', where), '{"a":1}');
  assert.ok(payloadBody(bytes, 'image/png', where) instanceof Uint8Array);
  assert.throws(() => payloadBody(Buffer.from('{oops'), 'application/json', where), { code: 'SLUICE_E_ENVELOPE_BODY' });
  assert.ok(isJsonMime('application/json; charset=utf-8'));
  assert.equal(Buffer.from(payloadBytes({ body: { a: 1 }, payloadMimeType: 'application/json' })).toString(), '{"a":1}');
});

test('objectType, dataAssetName and dataAssetCountry become the message attributes filter policies see', () => {
  assert.deepEqual(envelopeAttributes({ objectType: 'dataAsset', dataAssetName: 'a.b', dataAssetCountry: 'AU' }), { objectType: 'dataAsset', dataAssetName: 'a.b', dataAssetCountry: 'AU' });
  assert.deepEqual(envelopeAttributes({ objectType: 'rawContent' }), { objectType: 'rawContent' });
});

test('a user-defined object type is known once defined, and its body checked by its schema', async () => {
  assert.throws(() => parseEnvelope({ schemaVersion: 1, objectType: 'shipment', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'i', body: {} }, where), { code: 'SLUICE_E_OBJECT_TYPE' });
  objectType('shipment', z.object({ weightKg: z.number() }));
  parseEnvelope({ schemaVersion: 1, objectType: 'shipment', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'i', body: {} }, where);
  await assert.rejects(validateBody('shipment', { weightKg: 'heavy' }, 'application/json', where), { code: 'SLUICE_E_ENVELOPE_BODY', field: 'body.weightKg', message: /its shipment body is not valid: field 'body\.weightKg' is not valid: invalid input: expected number, received string \(given "heavy"\)/ });
  await validateBody('shipment', { weightKg: 3 }, 'application/json', where);
});

test('objectType() refuses names that are not names, and Pylon\'s built-in types', () => {
  assert.throws(() => objectType('has space'), { code: 'SLUICE_E_OBJECT_TYPE_NAME', message: /objectType\(\): the name must start with a letter/ });
  assert.throws(() => objectType('dataAsset'), { message: /'dataAsset' is one of Pylon's built-in object types/ });
});

test("the null type carries no information, and a newer schemaVersion is refused", async () => {
  await validateBody('null', null, 'application/json', where);
  await assert.rejects(validateBody('null', { a: 1 }, 'application/json', where), { code: 'SLUICE_E_ENVELOPE_BODY' });
  assert.throws(() => parseEnvelope({ schemaVersion: 2 }, where), { code: 'SLUICE_E_ENVELOPE_VERSION', field: 'schemaVersion' });
});
