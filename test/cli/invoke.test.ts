/**
 * `sluice invoke` on the local stage, as a user drives it: one function run once on the event AWS
 * would send for an object or a message (or an event file), its outputs, logs and timing printed,
 * the rest of the pipeline left alone, outputs delivered only with --deliver; bad input named.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluice, tempDir } from '../helpers/cli.js';
import { EXAMPLE, assertUserError, fixture, parseJson, sluiceAwait } from './support.js';

const MESSAGES = fixture('messages');

describe('sluice invoke on the local stage', () => {
  let work: string;
  let state: string;
  const onExample = (...args: string[]) => sluiceAwait([...args, '--entry', EXAMPLE, '--state', state]);
  const onMessages = (...args: string[]) => sluiceAwait([...args, '--entry', MESSAGES, '--state', join(work, 'messages-state')]);

  before(() => {
    // GIVEN the example's sample data in raw, not yet processed
    work = tempDir();
    state = join(work, 'state');
    const put = sluice(['put', 'raw', join(EXAMPLE, '..', 'sample-data'), '--entry', EXAMPLE, '--state', state]);
    assert.equal(put.status, 0, put.stderr);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('runs a function once on the S3 event for an object and prints its outputs, logs and timing, delivering nothing', async () => {
    // WHEN copy is invoked on one object of raw
    const run = await onExample('invoke', 'copy', '--object', 'raw/orders.csv');
    // THEN it says it ran, how long it took, what it would write, and what it logged
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^✓ copy ran once in [\d.]+ ms \(request [0-9a-f-]{36}\)$/m);
    assert.match(run.stdout, /outputs, not delivered \(--deliver sends them downstream\):\n\s+object 'orders\.csv' -> bucket 'curated' \(20 bytes\): "id,amount\\n1,10\\n2,25\\n"$/m);
    assert.match(run.stdout, /logs:\n\s+\S+ copied \{"key":"orders\.csv","bytes":20\}/);
    // AND nothing reached curated
    assert.equal((await onExample('ls', 'curated')).stdout.trim(), "bucket 'curated' has no objects");
  });

  test('--json gives the event, each output with its body, the logs and the duration; with --deliver the outputs are written', async () => {
    const run = await onExample('invoke', 'copy', '--object', 'raw/customer.json', '--deliver', '--json');
    assert.equal(run.status, 0, run.stderr);
    const report = parseJson(run);
    assert.equal(report.event.Records[0].s3.object.key, 'customer.json');
    assert.deepEqual(report.outputs.map((o: any) => [o.type, o.bucket, o.key, o.body]), [['object', 'curated', 'customer.json', readFileSync(join(EXAMPLE, '..', 'sample-data', 'customer.json'), 'utf8')]]);
    assert.equal(report.delivered, true);
    assert.equal(typeof report.durationMs, 'number');
    assert.equal(report.logs[0].message, 'copied');
    assert.deepEqual(parseJson(await onExample('ls', 'curated', '--json')).objects.map((o: any) => o.key), ['customer.json']);
  });

  test('--message runs the function on the SQS event of the queue feeding it; a failing record exits 1 with its error, and the queue is left alone', async () => {
    const run = await onMessages('invoke', 'work', '--message', 'poison');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^! work ran in [\d.]+ ms, failing 1 record\(s\)/m);
    assert.match(run.stdout, /✗ [0-9a-f-]{36}: Error: cannot process 'poison'/);
    const status = parseJson(await onMessages('status', '--json'));
    assert.deepEqual(status.nodes.find((n: any) => n.node === 'jobs').queue.visible, 0);
  });

  test('--event FILE runs the function on the event as given', async () => {
    const file = join(work, 'sqs.json');
    writeFileSync(file, JSON.stringify({ Records: [{ messageId: 'm-1', body: '{"n":1}', attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {}, eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders' }] }));
    const report = parseJson(await onMessages('invoke', 'record', '--event', file, '--json'));
    assert.equal(report.ok, true);
    assert.deepEqual(report.outputs.map((o: any) => o.key), ['message/m-1']);
    assert.equal(JSON.parse(report.outputs[0].body).queue, 'orders');
  });

  test('bad input is named with the fix: no event or two, an --object without a key, an event file that is missing or not JSON, a message with no queue to go by, a node that is not a function', async () => {
    const notJson = join(work, 'not.json');
    writeFileSync(notJson, '{ nope');
    const [none, two, noKey, missing, invalid, fromAlone, ambiguous, notFn] = await Promise.all([
      onExample('invoke', 'copy'),
      onExample('invoke', 'copy', '--object', 'raw/orders.csv', '--message', 'x'),
      onExample('invoke', 'copy', '--object', 'raw'),
      onExample('invoke', 'copy', '--event', join(work, 'nowhere.json')),
      onExample('invoke', 'copy', '--event', notJson),
      onExample('invoke', 'copy', '--object', 'raw/orders.csv', '--from', 'raw'),
      onMessages('invoke', 'record', '--message', 'x'),
      onExample('invoke', 'raw', '--object', 'raw/orders.csv'),
    ]);
    assertUserError(none, 'SLUICE_E_INVOKE_INPUT', ['give exactly one of --event FILE', '(given none)']);
    assertUserError(two, 'SLUICE_E_INVOKE_INPUT', ['(given --object and --message)']);
    assertUserError(noKey, 'SLUICE_E_INVOKE_INPUT', ["--object takes BUCKET/KEY", "(given 'raw')"]);
    assertUserError(missing, 'SLUICE_E_INVOKE_INPUT', ['cannot be read']);
    assertUserError(invalid, 'SLUICE_E_INVOKE_INPUT', ['is not JSON']);
    assertUserError(fromAlone, 'SLUICE_E_INVOKE_INPUT', ['use them with --message BODY']);
    assertUserError(ambiguous, 'SLUICE_E_INVOKE_SOURCE', ["fn 'record' is fed by queue 'orders' and topic 'events'", '--from orders']);
    assertUserError(notFn, 'SLUICE_E_UNKNOWN_NODE', ["'raw' is a bucket, not a function"]);
  });
});
