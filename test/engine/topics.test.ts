/**
 * Topics on the local engine (docs/aws-semantics.md SNS-01..SNS-03, FP-*, LA-10): fan-out, filter policies on
 * attributes and on the body, raw and wrapped delivery to queues, function subscriptions, and what a
 * component downstream of a topic receives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, topic } from 'sluice';
import { fixture, invocations, startLocal, T0 } from '../helpers/local.js';
import { eventsOf, received } from '../fixtures/handlers/raw-recorder.js';

test('a message published to a topic fans out to every subscribed queue', async (t) => {
  // GIVEN a producer publishing to a topic with two queue subscriptions
  const events = topic('events');
  const pipe = pipeline('t-fanout', [bucket('in').to(fn('emit', { handler: fixture('emit') })).to(events), events.to(queue('a')), events.to(queue('b'))]);
  const local = await startLocal(t, pipe);
  // WHEN it publishes one message
  await local.put('in', 'plan.json', JSON.stringify({ messages: [{ body: 'hello' }] }));
  await local.settle();
  // THEN each queue holds its own copy
  for (const q of ['a', 'b']) {
    const messages = await local.messages(q);
    assert.equal(messages.length, 1, `queue '${q}'`);
    assert.equal(JSON.parse(messages[0]!.body).Message, 'hello');
  }
});

test('a filter policy on message attributes selects which queue gets a message', async (t) => {
  // GIVEN one subscription filtered on objectType and one without a policy
  const events = topic('events');
  const pipe = pipeline('t-filter', [events.to(queue('orders'), { filterPolicy: { objectType: ['order'] } }), events.to(queue('everything'))]);
  const local = await startLocal(t, pipe);
  // WHEN an order, an invoice and a message without attributes are published
  await local.send('events', 'o-1', { objectType: 'order' });
  await local.send('events', 'i-1', { objectType: 'invoice' });
  await local.send('events', 'bare');
  await local.settle();
  // THEN the filtered queue got only the order (FP-03), the other got everything (FP-01)
  const bodies = async (q: string) => (await local.messages(q)).map((m) => JSON.parse(m.body).Message);
  assert.deepEqual(await bodies('orders'), ['o-1']);
  assert.deepEqual(await bodies('everything'), ['o-1', 'i-1', 'bare']);
});

test('a MessageBody filter policy looks at the JSON body and ignores attributes', async (t) => {
  // GIVEN a subscription filtering the body's objectType
  const pipe = pipeline('t-body-scope', [topic('events').to(queue('orders'), { filterPolicy: { objectType: ['order'] }, filterPolicyScope: 'MessageBody' })]);
  const local = await startLocal(t, pipe);
  // WHEN messages differ in body and attributes
  await local.send('events', { objectType: 'order', id: 1 });
  await local.send('events', { objectType: 'invoice', id: 2 }, { objectType: 'order' });
  await local.send('events', 'objectType=order');
  await local.settle();
  // THEN only the body decides (FP-02), and a body that is not a JSON object never matches (FP-12)
  assert.deepEqual((await local.messages('orders')).map((m) => JSON.parse(JSON.parse(m.body).Message).id), [1]);
});

test('wrapped delivery puts the SNS envelope in the queue; raw delivery puts the message itself', async (t) => {
  // GIVEN a topic delivering wrapped to one queue and raw to another, fed by a producer
  const events = topic('events');
  const pipe = pipeline('t-raw', [
    bucket('in').to(fn('emit', { handler: fixture('emit') })).to(events),
    events.to(queue('wrapped')),
    events.to(queue('raw'), { rawMessageDelivery: true }),
  ]);
  const local = await startLocal(t, pipe);
  // WHEN a message with a subject and attributes is published, then one with neither
  await local.put('in', 'plan.json', JSON.stringify({ messages: [
    { body: 'hello', subject: 'Greeting', attributes: { objectType: 'order', count: 3, tags: ['a', 'b'] } },
    { body: 'plain' },
  ] }));
  await local.settle();
  // THEN the wrapped queue holds the notification envelope (SNS-01) with typed attributes (SNS-02),
  // and the SQS message itself carries no attributes
  const [wrapped, wrappedPlain] = await local.messages('wrapped');
  assert.deepEqual(wrapped!.attributes, {});
  const envelope = JSON.parse(wrapped!.body);
  assert.equal(envelope.Type, 'Notification');
  assert.equal(typeof envelope.MessageId, 'string');
  assert.match(envelope.TopicArn, /^arn:aws:sns:[a-z0-9-]+:\d{12}:events$/);
  assert.equal(envelope.Subject, 'Greeting');
  assert.equal(envelope.Message, 'hello');
  assert.equal(envelope.Timestamp, new Date(T0).toISOString());
  assert.ok(['1', '2'].includes(envelope.SignatureVersion));
  for (const field of ['Signature', 'SigningCertURL', 'UnsubscribeURL']) assert.equal(typeof envelope[field], 'string', field);
  assert.deepEqual(envelope.MessageAttributes, {
    objectType: { Type: 'String', Value: 'order' },
    count: { Type: 'Number', Value: '3' },
    tags: { Type: 'String.Array', Value: '["a","b"]' },
  });
  const plainEnvelope = JSON.parse(wrappedPlain!.body);
  assert.ok(!('Subject' in plainEnvelope), 'Subject only when published with one');
  assert.ok(!('MessageAttributes' in plainEnvelope), 'MessageAttributes only when there are any');
  // AND the raw queue holds the body as published, its attributes as message attributes (SNS-03)
  const [raw, rawPlain] = await local.messages('raw');
  assert.equal(raw!.body, 'hello');
  assert.deepEqual(Object.fromEntries(Object.entries(raw!.attributes).map(([k, v]) => [k, v.value])), { objectType: 'order', count: '3', tags: '["a","b"]' });
  assert.equal(rawPlain!.body, 'plain');
  assert.deepEqual(rawPlain!.attributes, {});
});

test('messages(queue, { unwrap: true }) gives what a consumer of a wrapped subscription reads: the message published, its attributes, topic and subject', async (t) => {
  // GIVEN a topic delivering wrapped to one queue and raw to another
  const events = topic('events');
  const local = await startLocal(t, pipeline('t-unwrap', [events.to(queue('wrapped')), events.to(queue('raw'), { rawMessageDelivery: true })]));
  // WHEN a message with attributes is published
  await local.send('events', 'hello', { objectType: 'order', count: 3 });
  // THEN the wrapped queue holds SNS's notification JSON
  assert.equal(JSON.parse((await local.messages('wrapped'))[0]!.body).Type, 'Notification');
  // AND unwrapped, it is the message published, as the consumer's input has it
  const [unwrapped, ...rest] = await local.messages('wrapped', { unwrap: true });
  assert.deepEqual(rest, []);
  assert.equal(unwrapped!.body, 'hello');
  assert.equal(unwrapped!.topic, 'events');
  assert.deepEqual(unwrapped!.attributes, { objectType: { type: 'String', value: 'order' }, count: { type: 'Number', value: '3' } });
  // AND a raw queue's messages are already what their consumer reads: unwrap leaves them as they are
  assert.deepEqual(await local.messages('raw', { unwrap: true }), await local.messages('raw'));
});

test('a function subscribed to a topic receives the message as a component input', async (t) => {
  // GIVEN a component subscribed to a topic with a filter policy
  const pipe = pipeline('t-fn', [topic('events').to(fn('echo', { handler: fixture('echo-input') }), { filterPolicy: { objectType: ['order'] } }).to(bucket('seen'))]);
  const local = await startLocal(t, pipe);
  // WHEN two messages are published, one matching
  await local.send('events', 'hello', { objectType: 'order' });
  await local.send('events', 'ignored', { objectType: 'invoice' });
  await local.settle();
  // THEN the component got the matching one, with its topic, attributes and time
  const keys = await local.list('seen');
  assert.equal(keys.length, 1);
  const input = await local.json<Record<string, unknown>>('seen', keys[0]!);
  assert.deepEqual(input, { kind: 'message', id: keys[0]!.slice('message/'.length), body: 'hello', attributes: { objectType: { type: 'String', value: 'order' } }, topic: 'events', sentAt: new Date(T0).toISOString() });
});

test('a raw Lambda handler subscribed to a topic receives the SNS event shape', async (t) => {
  // GIVEN a plain Lambda handler subscribed to a topic
  received.length = 0;
  const local = await startLocal(t, pipeline('t-fn-raw', [topic('events').to(fn('rec', { handler: fixture('raw-recorder') }))]));
  // WHEN a message with an attribute is published
  await local.send('events', 'hello', { objectType: 'order' });
  await local.settle();
  // THEN the event is one SNS record (LA-10: invoked asynchronously with the SNS event)
  const [event] = eventsOf('rec');
  assert.equal(event.Records.length, 1);
  const record = event.Records[0];
  assert.equal(record.EventSource, 'aws:sns');
  assert.equal(record.EventVersion, '1.0');
  assert.match(record.EventSubscriptionArn, /^arn:aws:sns:[a-z0-9-]+:\d{12}:events:/);
  assert.equal(record.Sns.Type, 'Notification');
  assert.equal(record.Sns.Message, 'hello');
  assert.equal(record.Sns.Subject, null, 'Subject is null when published without one');
  assert.match(record.Sns.TopicArn, /:events$/);
  assert.equal(record.Sns.Timestamp, new Date(T0).toISOString());
  assert.deepEqual(record.Sns.MessageAttributes, { objectType: { Type: 'String', Value: 'order' } });
  for (const field of ['MessageId', 'SignatureVersion', 'Signature', 'SigningCertUrl', 'UnsubscribeUrl']) assert.equal(typeof record.Sns[field], 'string', field);
});

test('a failing topic subscriber is retried like any async invocation, then dead-lettered', async (t) => {
  // GIVEN a function subscribed to a topic that always fails
  const local = await startLocal(t, pipeline('t-fn-retry', [topic('events').to(fn('fail', { handler: fixture('always-throws') }))]));
  // WHEN a message is published and three minutes pass
  await local.send('events', 'hello');
  await local.settle();
  await local.advance('3m');
  // THEN it was attempted three times and the SNS event is in the function's DLQ
  assert.equal(invocations(local, 'fail'), 3);
  const [letter] = await local.dlq('fail');
  assert.equal(letter!.condition, 'RetriesExhausted');
  assert.equal((letter!.event as any).Records[0].Sns.Message, 'hello');
});

for (const rawMessageDelivery of [false, true]) {
  test(`a component consuming a queue subscribed to a topic gets the message body and attributes (rawMessageDelivery: ${rawMessageDelivery})`, async (t) => {
    // GIVEN topic -> queue -> component
    const pipe = pipeline('t-queue-fn', [topic('events').to(queue('q'), { rawMessageDelivery }).to(fn('echo', { handler: fixture('echo-input') })).to(bucket('seen'))]);
    const local = await startLocal(t, pipe);
    // WHEN a message with attributes is published
    await local.send('events', { orderId: 7 }, { objectType: 'order', count: 2 });
    await local.settle();
    // THEN the component sees the published body and attributes, not the envelope
    const [key] = await local.list('seen');
    const input = await local.json<Record<string, any>>('seen', key!);
    assert.equal(input.kind, 'message');
    assert.equal(input.body, '{"orderId":7}');
    assert.deepEqual(input.attributes, { objectType: { type: 'String', value: 'order' }, count: { type: 'Number', value: '2' } });
    assert.equal(input.queue, 'q');
    assert.equal(input.receiveCount, 1);
    // Wrapped delivery still says which topic it came from; raw delivery cannot.
    assert.equal(input.topic, rawMessageDelivery ? undefined : 'events');
  });
}

for (const [shape, build] of [
  ['bucket -> topic -> queue -> fn', (echo: ReturnType<typeof fn>) => [bucket('raw').to(topic('t')).to(queue('q')).to(echo)]],
  ['bucket -> topic -> fn', (echo: ReturnType<typeof fn>) => [bucket('raw').to(topic('t')).to(echo)]],
  ['bucket -> queue -> fn', (echo: ReturnType<typeof fn>) => [bucket('raw').to(queue('q')).to(echo)]],
] as const) {
  test(`${shape}: the component gets an object input it can read with ctx.body`, async (t) => {
    // GIVEN an S3 event travelling to a component through ${shape}
    const echo = fn('echo', { handler: fixture('echo-input') });
    const local = await startLocal(t, pipeline('t-s3-path', [...build(echo), echo.to(bucket('seen'))]));
    // WHEN an object lands
    await local.put('raw', 'in/a b.txt', 'contents');
    await local.settle();
    // THEN the component got the object (decoded key, the nodes it came through) and read its bytes
    const input = await local.json<Record<string, any>>('seen', 'object/in/a b.txt');
    assert.equal(input.kind, 'object');
    assert.equal(input.bucket, 'raw');
    assert.equal(input.key, 'in/a b.txt');
    assert.deepEqual(input.via, shape.split(' -> ').slice(1, -1).map((kind) => ({ topic: 't', queue: 'q' })[kind]));
    assert.equal(await local.text('seen', 'body/in/a b.txt'), 'contents');
  });
}

test('raw delivery discards a message with more than 10 attributes; wrapped delivery still gets it', async (t) => {
  // GIVEN a topic delivering raw to one queue and wrapped to another
  const events = topic('events');
  const local = await startLocal(t, pipeline('t-raw-attrs', [events.to(queue('raw'), { rawMessageDelivery: true }), events.to(queue('wrapped'))]));
  // WHEN a message with 11 attributes is published
  await local.send('events', 'many', Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, `v${i}`])));
  await local.settle();
  // THEN SQS could not take it as raw (SNS-04), while the envelope carries all 11 inside its body
  assert.deepEqual(await local.messages('raw'), []);
  const [wrapped] = await local.messages('wrapped');
  assert.equal(Object.keys(JSON.parse(wrapped!.body).MessageAttributes).length, 11);
});

test('a message over the topic maxMessageSize (256 KiB by default) fails the publishing step', async (t) => {
  // GIVEN a producer publishing to a topic with the default size limit
  const emit = fn('emit', { handler: fixture('emit'), retryAttempts: 0 });
  const local = await startLocal(t, pipeline('t-size', [bucket('in').to(emit).to(topic('events')).to(queue('q'))]));
  // WHEN it publishes a message one byte over 262,144 bytes
  await local.put('in', 'plan.json', JSON.stringify({ messages: [{ body: 'x'.repeat(262_145) }] }));
  await local.settle();
  // THEN the step fails naming the topic and its limit (SNS-08), and nothing was delivered
  const [letter] = await local.dlq('emit');
  assert.equal(letter!.error?.code, 'SLUICE_E_MESSAGE_TOO_LARGE');
  assert.match(letter!.error!.errorMessage, /262145 bytes exceeds the 262144-byte limit of topic 'events'/);
  assert.deepEqual(await local.messages('q'), []);
});

test('a queue subscription that cannot take a message does not stop delivery to the other subscribers', async (t) => {
  // GIVEN a topic with a small queue (1 KiB) and a default one subscribed
  const emit = fn('emit', { handler: fixture('emit'), retryAttempts: 0 });
  const events = topic('events');
  const local = await startLocal(t, pipeline('t-sub-reject', [bucket('in').to(emit).to(events), events.to(queue('small', { maxMessageSize: 1024 }), { rawMessageDelivery: true }), events.to(queue('big'))]));
  // WHEN a 2,000-byte message is published
  await local.put('in', 'plan.json', JSON.stringify({ messages: [{ body: 'x'.repeat(2000) }] }));
  await local.settle();
  // THEN the publish succeeded and the big queue got it; only the small one missed it
  assert.deepEqual(await local.dlq('emit'), []);
  assert.equal((await local.messages('big')).length, 1);
  assert.deepEqual(await local.messages('small'), []);
});
