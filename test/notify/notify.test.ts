/**
 * `notify`: its validation (addresses, watched dead letters), and its local semantics: a watched
 * dead-letter queue going from empty to holding messages renders one alarm email into the outbox, once
 * per transition into ALARM as a CloudWatch alarm notifies; emptied (redriven) it is OK again, and the
 * next dead letter alarms again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, dlqOf, fn, notify, pipeline, queue, topic, InputError } from 'sluice';
import { fixture, startLocal } from '../helpers/local.js';

const handler = fixture('copy-or-throw');
const codes = (p: ReturnType<typeof pipeline>) => p.validate().map((x) => `${x.code} ${x.field ?? ''}`.trim());

test('GIVEN bad addresses WHEN validated THEN each is SLUICE_E_NOTIFY_EMAIL naming the field', () => {
  const p = pipeline('mail', [notify('alerts', { email: ['ops@example.org', 'not-an-address', 'a b@example.org', 'OPS@example.org'] })]);
  assert.deepEqual(codes(p), ['SLUICE_E_NOTIFY_EMAIL email[1]', 'SLUICE_E_NOTIFY_EMAIL email[2]', 'SLUICE_E_NOTIFY_EMAIL email']);
  assert.deepEqual(codes(pipeline('mail', [notify('alerts', { email: [] })])), ['SLUICE_E_NOTIFY_EMAIL email']);
  assert.deepEqual(codes(pipeline('mail', [notify('alerts', { email: ['ops@example.org'] })])), []);
});

test('GIVEN a watch of a node without dead letters, or of a node outside the pipeline WHEN validated THEN coded errors say which', () => {
  const work = queue('work');
  const step = fn('step', { handler });
  const lone = queue('lone');
  // The function is fed by a queue (polled): its dead letters are the queue's, it has none of its own.
  const alerts = notify('alerts', { email: ['ops@example.org'] }).watch(dlqOf(step), dlqOf(lone), dlqOf(work));
  const p = pipeline('mail', [work.to(step).to(bucket('out')), alerts]);
  assert.deepEqual(p.validate().map((x) => [x.code, x.given]), [['SLUICE_E_NOTIFY_WATCH_NO_DLQ', 'step'], ['SLUICE_E_NOTIFY_WATCH_UNKNOWN', 'lone']]);
  // AND a function a topic invokes (asynchronously) has an on-failure queue to watch
  const t = topic('events');
  const asyncStep = fn('async-step', { handler });
  assert.deepEqual(pipeline('mail', [t.to(asyncStep), notify('alerts', { email: ['ops@example.org'] }).watch(dlqOf(asyncStep))]).validate(), []);
});

test('GIVEN a watched queue WHEN messages dead-letter, are redriven, and dead-letter again THEN one alarm email per transition into ALARM', async (t) => {
  const work = queue('work', { maxReceiveCount: 1 });
  const alerts = notify('alerts', { email: ['ops@example.org', 'oncall@example.org'] }).watch(dlqOf(work));
  const local = await startLocal(t, pipeline('mail', [work.to(fn('step', { handler })).to(bucket('out')), alerts]));
  // GIVEN nothing failed THEN the outbox is empty
  await local.send('work', 'fine');
  await local.settleAll();
  assert.deepEqual(local.outbox(), []);
  // WHEN two messages dead-letter
  await local.send('work', 'poison-1');
  await local.send('work', 'poison-2');
  await local.settleAll();
  assert.equal((await local.dlq('work')).length, 2);
  // THEN one email, to every address, saying where and how to read them
  let outbox = local.outbox('alerts');
  assert.equal(outbox.length, 1);
  assert.deepEqual(outbox[0]!.to, ['ops@example.org', 'oncall@example.org']);
  assert.equal(outbox[0]!.subject, "ALARM: dead letters in queue 'work' of pipeline mail");
  assert.match(outbox[0]!.text, /sluice dlq list work/);
  const cause = outbox[0]!.cause;
  assert.ok(cause.type === 'alarm', `an alarm's email (cause ${JSON.stringify(cause)})`);
  assert.equal(cause.node, 'work');
  assert.ok(cause.deadLetters >= 1);
  // WHEN another dead-letters while the queue still holds some THEN no new email (still in ALARM)
  await local.send('work', 'poison-3');
  await local.settleAll();
  assert.equal(local.outbox().length, 1);
  // WHEN the dead letters are redriven (they fail again and come back) THEN the queue went OK and back to ALARM: a second email
  await local.redrive('work');
  await local.settleAll();
  outbox = local.outbox();
  assert.equal(outbox.length, 2);
  assert.ok(outbox[0]!.id < outbox[1]!.id, 'oldest first');
});

test('GIVEN a watched function invoked asynchronously WHEN an event exhausts its retries THEN an alarm email names the function', async (t) => {
  const raw = bucket('raw');
  const copy = fn('copy', { handler });
  const alerts = notify('alerts', { email: ['ops@example.org'] }).watch(dlqOf(copy));
  const local = await startLocal(t, pipeline('mail', [raw.to(copy).to(bucket('out'), { keyPrefix: 'out/' }), alerts]));
  await local.put('raw', 'poison.csv', 'x');
  await local.settleAll();
  assert.equal((await local.dlq('copy')).length, 1);
  assert.deepEqual(local.outbox().map((e) => e.subject), ["ALARM: dead letters in function 'copy' (its on-failure queue) of pipeline mail"]);
});

test('GIVEN a name that is not a notify node WHEN its outbox is read THEN SLUICE_E_NOTIFY_UNKNOWN lists the notify nodes', async (t) => {
  const local = await startLocal(t, pipeline('mail', [queue('work').to(fn('step', { handler })), notify('alerts', { email: ['ops@example.org'] })]));
  assert.throws(() => local.outbox('work'), (e: unknown) => e instanceof InputError && e.code === 'SLUICE_E_NOTIFY_UNKNOWN' && /alerts/.test(e.message));
});
