/**
 * S3 event notifications on the local engine (docs/aws-semantics.md S3-01..S3-11): the record S3 sends, its
 * form-encoded key, the decoded key a component sees, and prefix/suffix filters compared with the
 * encoded key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bucket, fn, pipeline, queue, PipelineValidationError } from 'sluice';
import { localPipeline } from 'sluice/testing';
import { compareSequencers } from '../../src/model/s3-event.js';
import { fixture, startLocal, T0 } from '../helpers/local.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

test('an object put sends an S3 ObjectCreated:Put record with the shape AWS documents', async (t) => {
  // GIVEN a bucket notifying a queue nobody consumes, so the raw S3 event stays readable
  const pipe = pipeline('s3-shape', [bucket('raw').to(queue('events'))]);
  const local = await startLocal(t, pipe);
  // WHEN an object with a space and parentheses in its key lands
  await local.put('raw', 'reports/q3 summary(2026).csv', 'a,b\n1,2\n');
  await local.settle();
  // THEN the message body is the S3 event JSON (S3-09), one record with every documented field (S3-01)
  const [message, ...rest] = await local.messages('events');
  assert.equal(rest.length, 0);
  assert.deepEqual(message!.attributes, {}, 'S3 sends no SQS message attributes');
  const event = JSON.parse(message!.body);
  assert.equal(event.Records.length, 1);
  const record = event.Records[0];
  assert.equal(record.eventVersion.split('.')[0], '2', 'compare the major version only');
  assert.equal(record.eventSource, 'aws:s3');
  assert.equal(typeof record.awsRegion, 'string');
  assert.equal(record.eventTime, new Date(T0).toISOString(), 'ISO-8601 with milliseconds and Z');
  assert.equal(record.eventName, 'ObjectCreated:Put', 'no s3: prefix (S3-02)');
  assert.equal(typeof record.userIdentity.principalId, 'string');
  assert.equal(typeof record.requestParameters.sourceIPAddress, 'string');
  assert.equal(typeof record.responseElements['x-amz-request-id'], 'string');
  assert.equal(typeof record.responseElements['x-amz-id-2'], 'string');
  assert.equal(record.s3.s3SchemaVersion, '1.0');
  assert.equal(typeof record.s3.configurationId, 'string');
  assert.equal(record.s3.bucket.name, 'raw');
  assert.equal(record.s3.bucket.arn, 'arn:aws:s3:::raw');
  assert.equal(typeof record.s3.bucket.ownerIdentity.principalId, 'string');
  // The key is form-encoded: space -> '+', '(' -> '%28', '/' kept (S3-03).
  assert.equal(record.s3.object.key, 'reports/q3+summary%282026%29.csv');
  assert.equal(record.s3.object.size, 8, 'size is a JSON number of bytes (S3-04)');
  assert.equal(record.s3.object.eTag, md5('a,b\n1,2\n'), 'eTag is unquoted hex (S3-04)');
  assert.ok(!('versionId' in record.s3.object), 'versionId is omitted on an unversioned bucket (S3-05)');
  assert.match(record.s3.object.sequencer, /^[0-9A-F]+$/);
});

test('a later put of the same key carries a greater sequencer', async (t) => {
  // GIVEN the same raw-event pipeline
  const local = await startLocal(t, pipeline('s3-sequencer', [bucket('raw').to(queue('events'))]));
  // WHEN the same key is written twice
  await local.put('raw', 'a.txt', 'first');
  await local.put('raw', 'a.txt', 'second');
  await local.settle();
  // THEN the second event's sequencer orders after the first (S3-06)
  const [first, second] = (await local.messages('events')).map((m) => JSON.parse(m.body).Records[0].s3.object);
  assert.equal(first.eTag, md5('first'));
  assert.equal(second.eTag, md5('second'));
  assert.ok(compareSequencers(second.sequencer, first.sequencer) > 0);
});

for (const key of ['reports/q3 summary(2026).csv', 'données/été+2026.csv', 'a=b&c@d:e.json', 'plain-key.txt']) {
  test(`a component receives the decoded key and can read the object (${JSON.stringify(key)})`, async (t) => {
    // GIVEN a component that echoes its input into another bucket
    const pipe = pipeline('s3-decoded', [bucket('raw').to(fn('echo', { handler: fixture('echo-input') })).to(bucket('seen'))]);
    const local = await startLocal(t, pipe);
    // WHEN an object with that key lands
    await local.put('raw', key, 'payload');
    await local.settle();
    // THEN the component saw the key as written, not as the event carries it
    const input = await local.json<Record<string, unknown>>('seen', `object/${key}`);
    assert.deepEqual(input, { kind: 'object', bucket: 'raw', key, size: 7, eTag: md5('payload'), eventName: 'ObjectCreated:Put', eventTime: new Date(T0).toISOString(), via: [] });
    // AND ctx.body read the object's bytes
    assert.equal(await local.text('seen', `body/${key}`), 'payload');
  });
}

test('a prefix filter is compared with the encoded key: "my+file" selects "my file.csv" only', async (t) => {
  // GIVEN a function notified only for keys whose encoded form starts with 'my+file'
  const pipe = pipeline('s3-prefix', [bucket('raw').to(fn('echo', { handler: fixture('echo-input') }), { prefix: 'my+file' }).to(bucket('seen'))]);
  const local = await startLocal(t, pipe);
  // WHEN objects land whose keys differ only around the space
  for (const key of ['my file.csv', 'my+file.csv', 'myfile.csv', 'my file/nested.csv']) await local.put('raw', key, 'x');
  await local.settle();
  // THEN a space (encoded '+') matches, a literal '+' (encoded '%2B') does not (S3-11)
  assert.deepEqual(await local.list('seen', 'object/'), ['object/my file.csv', 'object/my file/nested.csv']);
});

test('a suffix filter is case-sensitive and has no wildcards', async (t) => {
  // GIVEN a function notified only for keys ending in '.csv'
  const pipe = pipeline('s3-suffix', [bucket('raw').to(fn('echo', { handler: fixture('echo-input') }), { suffix: '.csv' }).to(bucket('seen'))]);
  const local = await startLocal(t, pipe);
  // WHEN objects with several endings land
  for (const key of ['a.csv', 'b.CSV', 'c.csv.gz', 'd.csv']) await local.put('raw', key, 'x');
  await local.settle();
  // THEN only exact, case-sensitive '.csv' endings invoke it (S3-10, S3-11)
  assert.deepEqual(await local.list('seen', 'object/'), ['object/a.csv', 'object/d.csv']);
});

test('a filter written with a raw space is rejected before anything runs, naming the encoded form', async () => {
  // GIVEN a prefix filter 'my file', which could never match an encoded key on AWS
  const pipe = pipeline('s3-raw-space', [bucket('raw').to(fn('echo', { handler: fixture('echo-input') }), { prefix: 'my file' }).to(bucket('seen'))]);
  // WHEN the pipeline starts
  // THEN validation fails with the filter problem and the value to write instead
  await assert.rejects(localPipeline(pipe), (error: unknown) => {
    assert.ok(error instanceof PipelineValidationError);
    const problem = error.problems.find((p) => p.code === 'SLUICE_E_S3_FILTER');
    assert.ok(problem, error.message);
    assert.match(problem.message, /my file/);
    assert.match(problem.message, /'\+'/);
    return true;
  });
});
