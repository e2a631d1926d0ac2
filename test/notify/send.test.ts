/**
 * Steps send email: `fn.to(notify(...))` and `ctx.notify(subject, text)`. Locally each call is one email
 * in the outbox naming the step; a message without `to` never goes to a notify node; SNS's rules for
 * a subject (1 to 99 characters, one line) and a message (at most 256 KiB) are checked where the step
 * makes the email, and a step that sends to several notify nodes must name one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, notify, pipeline, queue } from 'sluice';
import { fixture, startLocal } from '../helpers/local.js';

const handler = fixture('notify-send');

/** The error a one-message invocation failed with: a component reports it as that record's failure. */
const failure = (report: { error?: { code?: string; errorMessage: string } | null; failedRecords: Array<{ error?: { code?: string; errorMessage: string } }> }) => report.error ?? report.failedRecords[0]?.error;

/** A queue feeding a step that sends email to `alerts` (and `oncall` when asked), and messages to `next`. */
function pipe(options: { oncall?: boolean; next?: boolean } = {}) {
  const step = fn('report', { handler });
  const alerts = notify('alerts', { email: ['ops@example.org', 'lead@example.org'] });
  const nodes: Parameters<typeof pipeline>[1][number][] = [queue('orders').to(step).to(alerts)];
  if (options.oncall) nodes.push(step.to(notify('oncall', { email: ['pager@example.org'] })));
  if (options.next) nodes.push(step.to(queue('next')));
  return pipeline('mail', nodes);
}

test('GIVEN a step that sends to a notify node WHEN it calls ctx.notify THEN the outbox holds the email: its subject, text and recipients, naming the step', async (t) => {
  const local = await startLocal(t, pipe());
  await local.send('orders', JSON.stringify({ subject: 'Nightly report: 3 orders', text: 'Three orders today.\nNone failed.' }));
  await local.settleAll();
  const [email, ...rest] = local.outbox('alerts');
  assert.equal(rest.length, 0);
  assert.equal(email!.subject, 'Nightly report: 3 orders');
  assert.equal(email!.text, 'Three orders today.\nNone failed.');
  assert.deepEqual(email!.to, ['ops@example.org', 'lead@example.org']);
  assert.deepEqual(email!.cause, { type: 'message', node: 'report' });
  // AND the step succeeded: nothing dead-lettered
  assert.equal((await local.dlq('orders')).length, 0);
});

test('GIVEN a step that sends to a queue and a notify node WHEN it returns a message without `to` THEN it goes to the queue only, never emailed', async (t) => {
  const local = await startLocal(t, pipe({ next: true }));
  await local.send('orders', JSON.stringify({ message: 'order-1' }));
  await local.settleAll();
  assert.deepEqual((await local.messages('next')).map((m) => m.body), ['order-1']);
  assert.deepEqual(local.outbox(), []);
});

test('GIVEN a step that sends to two notify nodes WHEN it names one THEN only that one emails; WHEN it names none THEN SLUICE_E_NOTIFY_TARGET says to name one', async (t) => {
  const local = await startLocal(t, pipe({ oncall: true }));
  await local.send('orders', JSON.stringify({ subject: 'Page', text: 'Wake up', to: 'oncall' }));
  await local.settleAll();
  assert.deepEqual(local.outbox().map((e) => [e.notify, e.to]), [['oncall', ['pager@example.org']]]);
  const report = await local.invoke('report', { message: { body: JSON.stringify({ subject: 'Which?', text: 'Nobody knows' }) } });
  assert.equal(failure(report)?.code, 'SLUICE_E_NOTIFY_TARGET');
  assert.match(failure(report)!.errorMessage, /sends to 2 notify nodes \(alerts, oncall\); name one: ctx\.notify\(subject, text, \{ to: 'alerts' \}\)/);
});

test('GIVEN subjects SNS refuses WHEN the step calls ctx.notify THEN SLUICE_E_NOTIFY_MESSAGE names the rule, and nothing is emailed', async (t) => {
  const local = await startLocal(t, pipe());
  const cases: Array<[unknown, unknown, RegExp]> = [
    ['', 'text', /the subject must be non-empty text/],
    ['x'.repeat(100), 'text', /the subject is 100 characters long; SNS takes at most 99/],
    ['two\nlines', 'text', /holds a line break \(U\+000A\)/],
    ['bell\u0007', 'text', /holds a control character \(U\+0007\)/],
    ['Fine', '', /the text must be non-empty text/],
    ['Fine', 'é'.repeat(131_073), /the text is 262146 bytes; an SNS message holds at most 262144/],
  ];
  for (const [subject, text, message] of cases) {
    const report = await local.invoke('report', { message: { body: JSON.stringify({ subject, text }) } });
    assert.equal(failure(report)?.code, 'SLUICE_E_NOTIFY_MESSAGE', `subject ${JSON.stringify(subject).slice(0, 20)}`);
    assert.match(failure(report)!.errorMessage, message);
  }
  // AND 99 characters of any script is within the rule
  const ok = await local.invoke('report', { message: { body: JSON.stringify({ subject: 'ü'.repeat(99), text: 'x' }) } }, { deliver: true });
  assert.equal(failure(ok), undefined);
  assert.deepEqual(local.outbox().map((e) => e.subject), ['ü'.repeat(99)]);
});

test('GIVEN ctx.message naming a notify node, or ctx.notify naming a queue WHEN the step runs THEN a coded error says which call to use', async (t) => {
  const local = await startLocal(t, pipe({ next: true }));
  const viaMessage = await local.invoke('report', { message: { body: JSON.stringify({ message: 'hi', to: 'alerts' }) } });
  assert.equal(failure(viaMessage)?.code, 'SLUICE_E_NO_TARGET');
  assert.match(failure(viaMessage)!.errorMessage, /'alerts' is a notify node, which takes emails, not messages; send one with ctx\.notify\(subject, text, \{ to: 'alerts' \}\)/);
  const viaNotify = await local.invoke('report', { message: { body: JSON.stringify({ subject: 'Hi', text: 'there', to: 'next' }) } });
  assert.equal(failure(viaNotify)?.code, 'SLUICE_E_NOTIFY_TARGET');
  assert.match(failure(viaNotify)!.errorMessage, /'next' is a queue, not a notify node; it sends to notify 'alerts'/);
});

test('GIVEN a step with no notify node downstream WHEN it calls ctx.notify THEN SLUICE_E_NOTIFY_TARGET says to declare the edge', async (t) => {
  const step = fn('report', { handler });
  const local = await startLocal(t, pipeline('mail', [queue('orders').to(step).to(bucket('out'))]));
  const report = await local.invoke('report', { message: { body: JSON.stringify({ subject: 'Hi', text: 'there' }) } });
  assert.equal(failure(report)?.code, 'SLUICE_E_NOTIFY_TARGET');
  assert.match(failure(report)!.errorMessage, /it sends to no notify node; declare one downstream: report\.to\(notify\('alerts'/);
});
