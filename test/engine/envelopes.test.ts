/**
 * The message envelope on the local engine: what crosses a queue or topic (Pylon's fields and the
 * schema version), the attributes filter policies select on, how plain messages and objects arrive
 * (raw content), and bad input: an envelope that fails its schema, an unknown objectType, a body that
 * fails its type's schema. Every failure names the step and field and ends in the DLQ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, topic } from 'sluice';
import { fixture, startLocal, T0 } from '../helpers/local.js';

/** in -> emit (envelopes from the plan) -> events (topic) -> work (queue, raw or wrapped) -> record -> out. */
function emitAndRecord(name: string, options: { raw?: boolean; filterPolicy?: Record<string, unknown> } = {}) {
  const events = topic('events');
  const work = queue('work');
  return pipeline(name, [
    bucket('in').to(fn('emit', { handler: fixture('envelope-emit') })).to(events),
    events.to(work, { rawMessageDelivery: options.raw ?? false, ...(options.filterPolicy ? { filterPolicy: options.filterPolicy } : {}) }),
    work.to(fn('record', { handler: fixture('envelope-record') })).to(bucket('out')),
  ]);
}

const plan = (value: unknown) => JSON.stringify(value);

async function recorded(local: Awaited<ReturnType<typeof startLocal>>): Promise<any[]> {
  return Promise.all((await local.list('out')).map((k) => local.json(k.startsWith('seen/') ? 'out' : 'out', k)));
}

test('an envelope crosses a topic and a queue with Pylon fields, its version and its ingestion id', async (t) => {
  // GIVEN a step that sends a URL resource envelope through a topic to a queue (wrapped delivery)
  const local = await startLocal(t, emitAndRecord('env-cross'));
  const resource = { destination: 's3://raw/incidents/2026-01.csv', resource: 'https://data.example.org/incidents.csv', metadata: { size: 12 } };
  // WHEN it runs
  await local.put('in', 'plan.json', plan({ envelopes: [{ body: resource, objectType: 'urlResource' }] }));
  await local.settle();
  // THEN the consumer gets the envelope decoded: Pylon's fields, the body as sent, the producer's ingestion id
  const [seen] = await recorded(local);
  assert.equal(seen.kind, 'message');
  assert.deepEqual(seen.envelope, {
    schemaVersion: 1, objectType: 'urlResource', payloadType: 'inline', payloadMimeType: 'application/json',
    ingestionId: seen.envelope.ingestionId, body: resource,
  });
  // (a UUID version 7: its first 48 bits are the execution's start on the engine clock)
  assert.match(seen.envelope.ingestionId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(seen.envelope.ingestionId.replace('-', '').slice(0, 12), 16), T0);
  // AND ctx.text() of the input is the envelope's body, not the wire format
  assert.deepEqual(JSON.parse(seen.text), resource);
  // AND objectType travels as a message attribute, for filter policies
  assert.deepEqual(seen.attributes.objectType, { type: 'String', value: 'urlResource' });
});

test('on the wire an envelope is one JSON object: schemaVersion, Pylon fields, the body last', async (t) => {
  // GIVEN a producer publishing to a topic whose queue nobody consumes
  const events = topic('events');
  const local = await startLocal(t, pipeline('env-wire', [bucket('in').to(fn('emit', { handler: fixture('envelope-emit') })).to(events), events.to(queue('parked'), { rawMessageDelivery: true })]));
  // WHEN it sends a data asset
  const asset = { dataAssetName: 'incident.entityIncident', dataAssetCountry: 'AU', dataAssetPartitionKeys: ['day'], dataAssetUniqueKeys: ['id'], data: [{ id: 1, day: '2026-01-05' }] };
  await local.put('in', 'plan.json', plan({ dataAssets: [asset] }));
  await local.settle();
  // THEN the queue holds the envelope with the asset's name and country as fields and attributes
  const [m] = await local.messages('parked');
  const wire = JSON.parse(m!.body);
  assert.deepEqual(Object.keys(wire), ['schemaVersion', 'objectType', 'payloadType', 'payloadMimeType', 'ingestionId', 'dataAssetName', 'dataAssetCountry', 'body']);
  assert.equal(wire.schemaVersion, 1);
  assert.equal(wire.body.ingestionId, wire.ingestionId, 'the data asset carries the ingestion id that produced it');
  assert.deepEqual(m!.attributes, {
    objectType: { type: 'String', value: 'dataAsset' },
    dataAssetName: { type: 'String', value: 'incident.entityIncident' },
    dataAssetCountry: { type: 'String', value: 'AU' },
  });
});

test('a filter policy on objectType sends data assets and update notifications to different queues', async (t) => {
  // GIVEN a topic with one subscription per objectType
  const events = topic('events');
  const local = await startLocal(t, pipeline('env-filter', [
    bucket('in').to(fn('emit', { handler: fixture('envelope-emit') })).to(events),
    events.to(queue('assets'), { filterPolicy: { objectType: ['dataAsset'] }, rawMessageDelivery: true }),
    events.to(queue('updates'), { filterPolicy: { objectType: ['updateNotification'] }, rawMessageDelivery: true }),
  ]));
  // WHEN a step sends one of each and a raw content envelope
  await local.put('in', 'plan.json', plan({
    envelopes: [{ body: { dataAssetName: 'incident.entityIncident', dimUTCTimestamp: 1767607200, recordsUpdated: 1 }, objectType: 'updateNotification' }, { body: 'hello' }],
    dataAssets: [{ dataAssetName: 'incident.entityIncident', dataAssetCountry: 'AU', dataAssetPartitionKeys: [], dataAssetUniqueKeys: [], data: [{ id: 1 }] }],
  }));
  await local.settle();
  // THEN each queue got only its type; the raw content matched neither
  const types = async (q: string) => (await local.messages(q)).map((m) => JSON.parse(m.body).objectType);
  assert.deepEqual(await types('assets'), ['dataAsset']);
  assert.deepEqual(await types('updates'), ['updateNotification']);
});

test('a plain message arrives as raw content: text as text/plain, JSON as application/json, no ingestion id', async (t) => {
  // GIVEN a queue consumed by the recording step
  const local = await startLocal(t, pipeline('env-raw', [queue('work').to(fn('record', { handler: fixture('envelope-record') })).to(bucket('out'))]));
  // WHEN plain text and plain JSON are sent, as `sluice send` does
  await local.send('work', 'just text');
  await local.send('work', { order: 1 });
  await local.settle();
  // THEN both arrive as rawContent envelopes whose body is the message text
  const envelopes = (await recorded(local)).map((s) => s.envelope).sort((a, b) => a.payloadMimeType.localeCompare(b.payloadMimeType));
  assert.deepEqual(envelopes, [
    { schemaVersion: 1, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: '', body: '{"order":1}' },
    { schemaVersion: 1, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'text/plain', ingestionId: '', body: 'just text' },
  ]);
});

test('an object arrives as raw content in S3, with the ingestion id of the step that wrote it', async (t) => {
  // GIVEN emit -> mid (bucket) -> record: the recording step is triggered by an object a step wrote
  const mid = bucket('mid');
  const local = await startLocal(t, pipeline('env-object', [
    bucket('in').to(fn('copy', { handler: fixture('copy-or-throw') })).to(mid),
    mid.to(fn('record', { handler: fixture('envelope-record') })).to(bucket('out')),
  ]));
  await local.put('in', 'a.txt', 'hello');
  await local.settle();
  // THEN the object's envelope points at it and names its writer's ingestion id, as its metadata does
  const objects = (await recorded(local)).filter((s) => s.kind === 'object');
  assert.equal(objects.length, 1);
  const { envelope } = objects[0];
  const written = await local.list('mid');
  const head = await local.head('mid', written[0]!);
  assert.equal(envelope.objectType, 'rawContent');
  assert.equal(envelope.payloadType, 's3');
  assert.equal(envelope.payloadS3Path, `s3://mid/${written[0]}`);
  assert.equal(envelope.ingestionId, head.metadata!['ingestion-id']);
});

test('an envelope that fails its schema is dead-lettered with an error naming the step and the field', async (t) => {
  // GIVEN a queue consumed by a step
  const local = await startLocal(t, pipeline('env-bad-schema', [queue('work').to(fn('record', { handler: fixture('envelope-record') })).to(bucket('out'))]));
  // WHEN an envelope with a bad country code (and a bad payloadType) is sent
  await local.send('work', { schemaVersion: 1, objectType: 'dataAsset', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'i-1', dataAssetName: 'incident.entityIncident', dataAssetCountry: 'Australia', body: {} });
  await local.settle();
  await local.advance('15m');
  // THEN it is retried, then kept in the DLQ with an error naming the step, the message and the field
  const [letter] = await local.dlq('work');
  assert.ok(letter, 'the message is in the DLQ');
  assert.equal(letter.error!.code, 'SLUICE_E_ENVELOPE');
  assert.match(letter.error!.errorMessage, /^function 'record': message [0-9a-f-]+ from queue 'work' is not a valid envelope: field 'dataAssetCountry' must be a two-letter country code in capitals, e\.g\. 'AU' \(given "Australia"\)/);
  assert.deepEqual(await local.list('out'), []);
});

test('an envelope of an unknown objectType is dead-lettered with the types known and how to define it', async (t) => {
  const local = await startLocal(t, pipeline('env-unknown-type', [queue('work').to(fn('record', { handler: fixture('envelope-record') })).to(bucket('out'))]));
  await local.send('work', { schemaVersion: 1, objectType: 'invoice', payloadType: 'inline', payloadMimeType: 'text/plain', ingestionId: 'i-1', body: 'x' });
  await local.settle();
  await local.advance('15m');
  const [letter] = await local.dlq('work');
  assert.equal(letter!.error!.code, 'SLUICE_E_OBJECT_TYPE');
  assert.match(letter!.error!.errorMessage, /function 'record': message .* from queue 'work': objectType 'invoice' is not a Pylon object type or one defined with objectType\(\) \(known: dataAsset, ingestionStep, urlResource, updateNotification, rawContent, null, lambdaEvent, order\); define it with objectType\('invoice'\)/);
});

test("an envelope whose body fails its objectType's schema is dead-lettered naming the body field", async (t) => {
  const local = await startLocal(t, pipeline('env-bad-body', [queue('work').to(fn('record', { handler: fixture('envelope-record') })).to(bucket('out'))]));
  // WHEN a URL resource arrives whose destination is not an S3 path, and an order (user-defined) with a negative total
  await local.send('work', { schemaVersion: 1, objectType: 'urlResource', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'i-1', body: { destination: '/tmp/x', resource: 'https://x.org/a' } });
  await local.send('work', { schemaVersion: 1, objectType: 'order', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'i-2', body: { id: 'o-1', total: -3 } });
  await local.settle();
  await local.advance('15m');
  const errors = (await local.dlq('work')).map((l) => l.error!.errorMessage);
  assert.equal(errors.length, 2);
  assert.match(errors.find((e) => e.includes('order'))!, /its order body is not valid: field 'body\.total' (.*) \(given -3\)/);
  assert.match(errors.find((e) => e.includes('urlResource'))!, /its urlResource body is not valid: field 'body\.destination' must be 's3:\/\/<bucket>\/<key>' \(given "\/tmp\/x"\)/);
});

test('an envelope of a newer schema version is refused with what to upgrade', async (t) => {
  const local = await startLocal(t, pipeline('env-version', [queue('work').to(fn('record', { handler: fixture('envelope-record') })).to(bucket('out'))]));
  await local.send('work', { schemaVersion: 2, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'text/plain', ingestionId: 'i-1', body: 'x' });
  await local.settle();
  await local.advance('15m');
  assert.match((await local.dlq('work'))[0]!.error!.errorMessage, /envelope schemaVersion 2 is newer than this runtime reads \(1\); upgrade sluice in this step/);
});

test("a Pylon message without schemaVersion is read as version 1, its JSON body given as a string", async (t) => {
  const local = await startLocal(t, pipeline('env-pylon', [queue('work').to(fn('record', { handler: fixture('envelope-record') })).to(bucket('out'))]));
  await local.send('work', { objectType: 'updateNotification', payloadType: 'inline', payloadMimeType: 'text/json', ingestionId: 'p-1', body: '{"dataAssetName":"incident.entityIncident","dimUTCTimestamp":1557258667,"recordsUpdated":123}' });
  await local.settle();
  const [seen] = await recorded(local);
  assert.equal(seen.envelope.schemaVersion, 1);
  assert.equal(seen.envelope.ingestionId, 'p-1');
  assert.deepEqual(JSON.parse(seen.text), { dataAssetName: 'incident.entityIncident', dimUTCTimestamp: 1557258667, recordsUpdated: 123 });
});

test('a step that returns an invalid envelope fails, naming itself and the field, and writes nothing', async (t) => {
  // GIVEN a producer whose update notification lacks recordsUpdated, and an order of an undefined type
  const local = await startLocal(t, pipeline('env-bad-output', [bucket('in').to(fn('emit', { handler: fixture('envelope-emit'), retryAttempts: 0 })).to(queue('parked'))]));
  await local.put('in', 'notification.json', plan({ envelopes: [{ body: { dataAssetName: 'incident.entityIncident', dimUTCTimestamp: 1 }, objectType: 'updateNotification' }] }));
  await local.put('in', 'invoice.json', plan({ envelopes: [{ body: {}, objectType: 'invoice' }] }));
  await local.settle();
  // THEN both invocations fail with the step and the field, and nothing was sent
  const errors = (await local.dlq('emit')).map((l) => l.error!.errorMessage).sort();
  assert.match(errors[0]!, /^function 'emit' returned an envelope: its updateNotification body is not valid: field 'body\.recordsUpdated' is missing$/);
  assert.match(errors[1]!, /^function 'emit' returned an envelope: objectType 'invoice' is not a Pylon object type/);
  assert.deepEqual(await local.messages('parked'), []);
});

test('a sink may write objects but not send messages', async (t) => {
  const local = await startLocal(t, pipeline('env-sink', [queue('work').to(fn('store', { handler: fixture('envelope-sink') })).to(bucket('out'))]));
  await local.send('work', { schemaVersion: 1, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'i-1', body: { a: 1 } });
  await local.send('work', { schemaVersion: 1, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'i-2', body: { send: true } });
  await local.settle();
  assert.deepEqual(await local.list('out'), ['sunk/i-1.json']);
  assert.match((await local.messages('work'))[0]!.body, /"i-2"/, 'the one that tried to send failed and waits for its retry');
});
