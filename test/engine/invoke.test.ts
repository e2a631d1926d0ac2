/**
 * Invoking one function once (`sluice invoke`, `local.invoke()`, `Stage.invoke`): the event AWS would
 * send for an object or a message, built along the edges between; the step run alone, its outputs
 * returned and kept back unless delivered; nothing else of the pipeline touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, topic } from 'sluice';
import { fixture, invocations, startLocal } from '../helpers/local.js';

/** raw -> copy (copy-or-throw) -> curated, and jobs -> work (copy-or-throw) -> curated. */
function copyPipeline(name: string) {
  const curated = bucket('curated');
  return pipeline(name, [bucket('raw').to(fn('copy', { handler: fixture('copy-or-throw') })).to(curated), queue('jobs').to(fn('work', { handler: fixture('copy-or-throw') })).to(curated)]);
}

test("invoke runs a function once on the S3 event for an object, returns its outputs and logs, and delivers nothing", async (t) => {
  // GIVEN an object in raw, whose notification has not run
  const local = await startLocal(t, copyPipeline('inv-object'));
  await local.put('raw', 'in/a b.csv', 'id\n1\n');
  // WHEN copy is invoked on it
  const report = await local.invoke('copy', { object: { bucket: 'raw', key: 'in/a b.csv' } });
  // THEN it ran on S3's event for that object (the key form-encoded, as S3 sends it)
  const record = (report.event as { Records: Array<{ eventSource: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }> }).Records[0]!;
  assert.deepEqual([record.eventSource, record.s3.bucket.name, record.s3.object.key, record.s3.object.size], ['aws:s3', 'raw', 'in/a+b.csv', 5]);
  // AND it reports its output, not delivered: curated is still empty
  assert.equal(report.ok, true);
  assert.equal(report.delivered, false);
  assert.deepEqual(report.outputs?.map((o) => o.type === 'object' && [o.bucket, o.key, o.body.toString()]), [['curated', 'out/in/a b.csv', 'id\n1\n']]);
  assert.deepEqual(await local.list('curated'), []);
  assert.ok(report.durationMs >= 0);
  // AND nothing else of the pipeline moved: no counter, and the object's own notification is still pending
  assert.equal(invocations(local, 'copy'), 0);
  await local.settle();
  assert.equal(invocations(local, 'copy'), 1, 'the put notified copy as usual');
});

test('invoke with deliver writes the outputs downstream and records the execution, as a real invocation would', async (t) => {
  const local = await startLocal(t, copyPipeline('inv-deliver'));
  await local.put('raw', 'a.txt', 'hello');
  const report = await local.invoke('copy', { object: { bucket: 'raw', key: 'a.txt' } }, { deliver: true });
  assert.equal(report.delivered, true);
  assert.equal(await local.text('curated', 'out/a.txt'), 'hello');
  assert.deepEqual((await local.lineage('curated', 'out/a.txt')).steps.map((s) => s.artifactName), ['copy']);
});

test('invoke reports a failing step with its error, and leaves no dead letter and no retry behind', async (t) => {
  const local = await startLocal(t, copyPipeline('inv-fail'));
  // WHEN work is invoked on the SQS event of a poison message for its queue
  const report = await local.invoke('work', { message: { body: 'poison' } });
  // THEN the record failed with the step's error, reported per record as Lambda's SQS event source does
  assert.equal(report.ok, false);
  assert.deepEqual(report.failedRecords.map((f) => f.error?.errorMessage), ["cannot process 'poison'"]);
  const record = (report.event as { Records: Array<{ eventSource: string; eventSourceARN: string; body: string }> }).Records[0]!;
  assert.deepEqual([record.eventSource, record.eventSourceARN, record.body], ['aws:sqs', 'arn:aws:sqs:us-east-1:000000000000:jobs', 'poison']);
  // AND the queue never held it: nothing waits, nothing is dead-lettered, nothing comes back later
  await local.settleAll();
  assert.deepEqual(await local.messages('jobs'), []);
  assert.deepEqual(await local.dlq('jobs'), []);
  assert.equal(invocations(local, 'work'), 0);
});

test("a message sent to a topic upstream reaches the function as the edges deliver it: SNS's notification inside the SQS event of a wrapped subscription", async (t) => {
  // GIVEN events -> inbox (wrapped delivery) -> record (echo-input) -> seen
  const local = await startLocal(t, pipeline('inv-wrapped', [topic('events').to(queue('inbox')).to(fn('record', { handler: fixture('echo-input') })).to(bucket('seen'))]));
  // WHEN record is invoked on a message published to events
  const report = await local.invoke('record', { message: { body: '{"n":1}', attributes: { objectType: 'order' }, from: 'events' } }, { deliver: true });
  // THEN its event is an SQS record holding SNS's notification
  const body = JSON.parse((report.event as { Records: Array<{ body: string }> }).Records[0]!.body);
  assert.deepEqual([body.Type, body.Message, body.MessageAttributes], ['Notification', '{"n":1}', { objectType: { Type: 'String', Value: 'order' } }]);
  // AND the step's input is the message published, with its attributes, topic and queue
  const [key] = await local.list('seen');
  const input = await local.json<{ kind: string; body: string; topic: string; queue: string; attributes: Record<string, { value: string }> }>('seen', key!);
  assert.deepEqual([input.kind, input.body, input.topic, input.queue, input.attributes.objectType?.value], ['message', '{"n":1}', 'events', 'inbox', 'order']);
});

test('an object or message that cannot reach the function is SLUICE_E_INVOKE_SOURCE, naming what feeds it', async (t) => {
  const local = await startLocal(t, copyPipeline('inv-source'));
  await local.put('curated', 'x', 'x');
  const codeAndMessage = (work: Promise<unknown>) => work.then(() => assert.fail('did not throw'), (e: { code: string; message: string }) => [e.code, e.message]);
  // a bucket that does not feed the function
  const [code, message] = await codeAndMessage(local.invoke('copy', { object: { bucket: 'curated', key: 'x' } }));
  assert.equal(code, 'SLUICE_E_INVOKE_SOURCE');
  assert.match(message!, /bucket 'curated' does not feed fn 'copy'.*it is fed by bucket 'raw'/);
  // a message for a function no queue or topic feeds
  assert.equal((await codeAndMessage(local.invoke('copy', { message: { body: 'x' } })))[0], 'SLUICE_E_INVOKE_SOURCE');
  // an object that is not there, and a node that is not a function
  assert.equal((await codeAndMessage(local.invoke('copy', { object: { bucket: 'raw', key: 'missing' } })))[0], 'SLUICE_E_NO_SUCH_KEY');
  assert.equal((await codeAndMessage(local.invoke('raw', { event: {} })))[0], 'SLUICE_E_UNKNOWN_NODE');
});

test('a function fed by several queues and topics needs to be told which one a message is sent to', async (t) => {
  const record = fn('record', { handler: fixture('echo-input') });
  const local = await startLocal(t, pipeline('inv-several', [queue('a').to(record).to(bucket('seen')), topic('b').to(record)]));
  await assert.rejects(local.invoke('record', { message: { body: 'x' } }), (e: { code: string; message: string }) => e.code === 'SLUICE_E_INVOKE_SOURCE' && /fed by queue 'a' and topic 'b'/.test(e.message));
  const viaTopic = await local.invoke('record', { message: { body: 'x', from: 'b' } });
  assert.equal((viaTopic.event as { Records: Array<{ EventSource: string }> }).Records[0]!.EventSource, 'aws:sns');
});

test('a dry invoke of an idempotent step gives its key back, so the real message with that key still runs', async (t) => {
  // GIVEN an idempotent step keyed by its envelope's body id
  const envelope = JSON.stringify({ schemaVersion: 1, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: 'producer-1', body: { id: 'order-1' } });
  const local = await startLocal(t, pipeline('inv-idempotent', [queue('work').to(fn('once', { handler: fixture('idempotent-step') })).to(bucket('out'))]));
  // WHEN it is invoked, not delivering, on a message with key order-1
  const dry = await local.invoke('once', { message: { body: envelope } });
  assert.equal(dry.outputs?.length, 1);
  // THEN the real message with that key later runs, rather than being skipped as a duplicate
  await local.send('work', envelope);
  await local.settle();
  assert.equal((await local.list('out', 'runs/order-1/')).length, 1);
});
