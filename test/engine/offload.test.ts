/**
 * Offloading large envelope bodies on the local engine: a body that would push its message past the
 * smallest limit on its path goes to the payload bucket and is fetched back transparently; the
 * payload is kept while any message points at it and removed once the last is consumed, or by the
 * lifecycle rule (15 days) when none comes back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bucket, fn, pipeline, queue, topic } from 'sluice';
import { fixture, startLocal, tempDir, T0 } from '../helpers/local.js';
import { localPipeline } from 'sluice/testing';
import { SqliteFileBlobStore } from '../../src/engine/blobs.js';
import { Store } from '../../src/engine/store/index.js';
import { join } from 'node:path';

const TWO_MB = 2 * 1024 * 1024;

/** The fixture's big text (envelope-emit's bigText), to compare what arrived with what was sent. */
function bigText(n: number): string {
  const unit = 'line "quoted" \\ slash\n';
  let text = '';
  for (let i = 0; text.length < n; i++) text += `${i} ${unit}`;
  return text.slice(0, n);
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const emitter = () => fn('emit', { handler: fixture('envelope-emit') });
const recorder = () => fn('record', { handler: fixture('envelope-record') });

test('a 2 MB body crosses a topic and a queue intact, offloaded on the way and removed once consumed', async (t) => {
  // GIVEN emit -> topic (256 KiB) -> queue (1 MiB, wrapped delivery) -> record
  const events = topic('events');
  const work = queue('work');
  const local = await startLocal(t, pipeline('off-2mb', [bucket('in').to(emitter()).to(events), events.to(work), work.to(recorder()).to(bucket('out'))]));
  // WHEN the step sends a 2 MB text body
  await local.put('in', 'plan.json', JSON.stringify({ envelopes: [{ repeat: TWO_MB, objectType: 'rawContent' }] }));
  await local.settle();
  // THEN the consumer got every byte, through the envelope and through ctx.text()
  const [key] = await local.list('out');
  const seen = await local.json<any>('out', key!);
  const expected = { length: TWO_MB, sha256: sha256(bigText(TWO_MB)) };
  assert.deepEqual(seen.envelope.body, expected);
  assert.deepEqual(seen.text, expected);
  // AND it travelled offloaded: payloadType s3, a path in the pipeline's payload bucket
  assert.equal(seen.envelope.payloadType, 's3');
  assert.match(seen.envelope.payloadS3Path, /^s3:\/\/off-2mb-local-sluice-payloads\/payloads\/emit\/[0-9a-f-]{36}\/0$/);
  // AND once consumed, the payload is gone from the local payload bucket
  assert.equal(local.payloads().length, 0);
});

test('a fanned-out payload is kept until every message that points at it is consumed', async (t) => {
  // GIVEN a topic delivering to a consumed queue and to a queue nobody consumes
  const events = topic('events');
  const work = queue('work');
  const local = await startLocal(t, pipeline('off-fanout', [bucket('in').to(emitter()).to(events), events.to(work), events.to(queue('parked'), { rawMessageDelivery: true }), work.to(recorder()).to(bucket('out'))]));
  await local.put('in', 'plan.json', JSON.stringify({ envelopes: [{ repeat: 400_000 }] }));
  await local.settle();
  // THEN the consumer has it, and the payload stays for the parked message, with one reference left
  assert.equal((await local.list('out')).length, 1);
  const [parked] = await local.messages('parked');
  const wire = JSON.parse(parked!.body);
  assert.equal(wire.payloadType, 's3');
  assert.equal(wire.body, null);
  const key = wire.payloadS3Path.replace(/^s3:\/\/[^/]+\//, '');
  assert.equal(local.payloads().find((p) => p.key === key)?.refs, 1);
  assert.equal(local.payloads().find((p) => p.key === key)?.size, 400_000);
});

test('the offload rule uses the smallest limit on the path', async (t) => {
  // GIVEN one producer sending to a queue (1 MiB) and to a topic (256 KiB) whose raw subscriber queue takes 8 KiB
  const events = topic('events');
  const emit = emitter();
  const local = await startLocal(t, pipeline('off-path', [bucket('in').to(emit).to(queue('big')), emit.to(events), events.to(queue('small', { maxMessageSize: 8192 }), { rawMessageDelivery: true })]));
  // WHEN a 10 KB body goes to each target, and a 300 KB one to the queue alone
  await local.put('in', 'a.json', JSON.stringify({ envelopes: [{ repeat: 10_000, to: 'big' }, { repeat: 10_000, to: 'events' }, { repeat: 300_000, to: 'big' }] }));
  await local.settle();
  // THEN only the one whose path has the 8 KiB queue is offloaded; the others fit their paths inline
  const sizes = async (q: string) => (await local.messages(q)).map((m) => [JSON.parse(m.body).payloadType, Buffer.byteLength(m.body) > 100_000 ? 'large' : Buffer.byteLength(m.body) > 9000 ? 'medium' : 'small']).sort();
  assert.deepEqual(await sizes('small'), [['s3', 'small']]);
  assert.deepEqual(await sizes('big'), [['inline', 'large'], ['inline', 'medium']]);
});

test('an envelope just under a topic limit is offloaded when wrapped delivery would push it over', async (t) => {
  // GIVEN a topic of 256 KiB delivering wrapped to a queue of 256 KiB
  const events = topic('events');
  const local = await startLocal(t, pipeline('off-wrap', [bucket('in').to(emitter()).to(events), events.to(queue('parked', { maxMessageSize: 262_144 }))]));
  // WHEN a body of 250,000 characters full of quotes (escaped in the notification) is sent
  await local.put('in', 'a.json', JSON.stringify({ envelopes: [{ repeat: 250_000 }] }));
  await local.settle();
  // THEN it was offloaded and delivered, rather than failing the subscription
  const [m] = await local.messages('parked');
  assert.equal(JSON.parse(JSON.parse(m!.body).Message).payloadType, 's3');
});

test('a payload that is gone fails the input with its path, and the message is dead-lettered', async (t) => {
  const local = await startLocal(t, pipeline('off-missing', [queue('work').to(recorder()).to(bucket('out'))]));
  await local.send('work', { schemaVersion: 1, objectType: 'rawContent', payloadType: 's3', payloadMimeType: 'text/plain', ingestionId: 'i-1', payloadS3Path: 's3://off-missing-local-sluice-payloads/payloads/x/y/0', body: null });
  await local.settle();
  await local.advance('15m');
  const [letter] = await local.dlq('work');
  assert.equal(letter!.error!.code, 'SLUICE_E_PAYLOAD');
  assert.match(letter!.error!.errorMessage, /function 'record': message .* its offloaded body s3:\/\/off-missing-local-sluice-payloads\/payloads\/x\/y\/0 cannot be read \(payload .* does not exist/);
});

test('payloads no consumer came back for expire after 15 days when the state is reopened (the lifecycle rule)', async (t) => {
  // GIVEN durable state where a 2 MB payload waits in a queue nobody consumes
  const stateDir = tempDir(t);
  const events = topic('events');
  const pipe = pipeline('off-expiry', [bucket('in').to(emitter()).to(events), events.to(queue('parked'))]);
  const first = await localPipeline(pipe, { stateDir, startTime: T0 });
  await first.put('in', 'a.json', JSON.stringify({ envelopes: [{ repeat: TWO_MB }] }));
  await first.settle();
  assert.equal(first.payloads().length, 1);
  await first.close();
  // WHEN it is reopened 14 days later, then 16 days later
  const second = await localPipeline(pipe, { stateDir, startTime: T0 + 14 * 86_400_000 });
  assert.equal(second.payloads().length, 1, 'kept within SQS retention');
  await second.close();
  const third = await localPipeline(pipe, { stateDir, startTime: T0 + 16 * 86_400_000 });
  t.after(() => third.close());
  // THEN the second kept it and the third expired it
  assert.equal(third.payloads().length, 0);
});

test('the blob sweep keeps payload bodies, inline and in files', (t) => {
  // GIVEN a SQLite store with one small (inline) and one large (file) payload, referenced by no object
  const dir = tempDir(t);
  const store = new Store(join(dir, 'state.db'), (db) => new SqliteFileBlobStore(db, join(dir, 'blobs')));
  t.after(() => store.close());
  const small = store.blobs.write(Buffer.from('small body'));
  const large = store.blobs.write(Buffer.alloc(300_000, 1));
  store.payloads.put({ key: 'payloads/a/1/0', blob: small, size: 10, contentType: 'text/plain', ingestionId: '1', refs: 1, createdAt: 0 });
  store.payloads.put({ key: 'payloads/a/1/1', blob: large, size: 300_000, contentType: 'text/plain', ingestionId: '1', refs: 1, createdAt: 0 });
  // WHEN blobs nothing references are swept, however young
  store.blobs.sweep((id) => store.objects.references(id) || store.payloads.references(id), 0);
  // THEN both payload bodies are still there
  assert.equal(store.blobs.read(small).toString(), 'small body');
  assert.equal(store.blobs.read(large).byteLength, 300_000);
});

test('on the durable engine with worker threads, a 2 MB body crosses a topic and a queue intact', async (t) => {
  // GIVEN the 2 MB case on SQLite state with handlers in worker threads (payload bytes cross threads)
  const events = topic('events');
  const work = queue('work');
  const pipe = pipeline('off-2mb-durable', [bucket('in').to(emitter()).to(events), events.to(work), work.to(recorder()).to(bucket('out'))]);
  const local = await localPipeline(pipe, { stateDir: tempDir(t), isolation: 'worker', startTime: T0 });
  t.after(() => local.close());
  await local.put('in', 'plan.json', JSON.stringify({ envelopes: [{ repeat: TWO_MB }] }));
  await local.settle();
  const [key] = await local.list('out');
  assert.deepEqual((await local.json<any>('out', key!)).envelope.body, { length: TWO_MB, sha256: sha256(bigText(TWO_MB)) });
  assert.equal(local.payloads().length, 0);
});
