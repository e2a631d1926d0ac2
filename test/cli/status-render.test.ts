/**
 * How `sluice status` reads for people: each row's figures belong to the part the row names, so a
 * queue's depth never sits beside its DLQ's URL. Rendered from a stage status as an AWS stage gives
 * it, no stage needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import type { StageStatus } from '../../src/stage/index.js';
import { formatStatus } from '../../src/cli/render.js';

const URL = 'http://127.0.0.1:5000/123456789012';

test("status puts a queue's depth on its Queue row and its dead letters on its Dlq row, whatever order the stack lists them in", () => {
  // GIVEN a deployed queue with 4 messages waiting and 2 dead letters, its parts listed DLQ first (by logical id, as the stack lists them)
  const status: StageStatus = {
    pipeline: 'orders', stage: 'dev', deployed: true, where: 'stack orders-dev',
    stack: { name: 'orders-dev', account: '123456789012', region: 'us-east-1', status: 'CREATE_COMPLETE', updatedAt: '2026-01-05T10:00:00.000Z', outputs: {} },
    nodes: [{
      node: 'work', kind: 'queue',
      resources: [
        { part: 'Dlq', type: 'AWS::SQS::Queue', physicalId: `${URL}/orders-dev-work-dlq` },
        { part: 'Queue', type: 'AWS::SQS::Queue', physicalId: `${URL}/orders-dev-work` },
      ],
      queue: { visible: 4, inFlight: 1, delayed: 0 },
      deadLetters: 2,
      holding: { messages: 'Queue', deadLetters: 'Dlq' },
    }],
  };
  // WHEN it is rendered
  // (colour codes stripped: picocolors colours output whenever CI is set, as on the CI machine)
  const rows = stripVTControlCharacters(formatStatus(status)).split('\n');
  // THEN the depth is on the row naming the queue's own URL AND the dead letters on the row naming the DLQ's
  const queueRow = rows.find((r) => r.includes('orders-dev-work ') || r.endsWith('orders-dev-work'))!;
  const dlqRow = rows.find((r) => r.includes('orders-dev-work-dlq'))!;
  assert.match(queueRow, /\bQueue\b.*4 waiting, 1 in flight/);
  assert.doesNotMatch(queueRow, /dead/);
  assert.match(dlqRow, /\bDlq\b.*2 dead/);
  assert.doesNotMatch(dlqRow, /waiting/);
});

test('status on the local stage, which lists no resources, shows every figure of a node on its one row', () => {
  const status: StageStatus = { pipeline: 'orders', stage: 'local', deployed: true, where: 'in memory', nodes: [{ node: 'work', kind: 'queue', queue: { visible: 4, inFlight: 0, delayed: 0 }, deadLetters: 2 }] };
  assert.match(stripVTControlCharacters(formatStatus(status)), /^work\s+queue\s+4 waiting, 0 in flight\s+2 dead$/m);
});

/** A deployed notify node with the given email subscriptions, as an AWS stage reports it. */
function notifyStatus(subscriptions: NonNullable<StageStatus['nodes'][number]['subscriptions']>): StageStatus {
  return {
    pipeline: 'mail', stage: 'dev', deployed: true, where: 'stack mail-dev',
    stack: { name: 'mail-dev', account: '123456789012', region: 'us-east-1', status: 'CREATE_COMPLETE', updatedAt: '2026-01-05T10:00:00.000Z', outputs: {} },
    nodes: [{
      node: 'alerts', kind: 'notify',
      resources: [{ part: 'Topic', type: 'AWS::SNS::Topic', physicalId: 'arn:aws:sns:us-east-1:123456789012:mail-dev-alerts' }],
      subscriptions,
    }],
  };
}

test('status lists each email subscription of a notify node, and says what a pending recipient must do', () => {
  // GIVEN alerts on AWS with one confirmed address and one still waiting for its recipient's click
  const status = notifyStatus([{ email: 'ops@example.org', state: 'confirmed' }, { email: 'oncall@example.org', state: 'pending' }]);
  // WHEN it is rendered
  const text = stripVTControlCharacters(formatStatus(status));
  // THEN the topic's row counts the subscriptions and the pending one
  assert.match(text, /^alerts\s+notify\s+Topic\s+arn:aws:sns:us-east-1:123456789012:mail-dev-alerts\s+2 email subscription\(s\), 1 pending$/m);
  // AND each address is listed with its state
  assert.match(text, /^\s+alerts\s+ops@example\.org\s+✓ confirmed$/m);
  assert.match(text, /^\s+alerts\s+oncall@example\.org\s+! pending confirmation$/m);
  // AND the person is told why it matters and what the recipient has to click
  assert.match(text, /1 address\(es\) not confirmed: SNS sends them nothing until each recipient clicks "Confirm subscription"/);
});

test('status with every email subscription confirmed lists them and asks nothing of anyone', () => {
  const text = stripVTControlCharacters(formatStatus(notifyStatus([{ email: 'ops@example.org', state: 'confirmed' }])));
  assert.match(text, /1 email subscription\(s\)$/m);
  assert.match(text, /^\s+alerts\s+ops@example\.org\s+✓ confirmed$/m);
  assert.doesNotMatch(text, /pending|not confirmed/);
});

test('status on the local stage shows how many emails a notify node\'s outbox holds', () => {
  const status: StageStatus = { pipeline: 'mail', stage: 'local', deployed: true, where: 'in memory', nodes: [{ node: 'alerts', kind: 'notify', emails: 2 }] };
  const text = stripVTControlCharacters(formatStatus(status));
  assert.match(text, /^alerts\s+notify\s+2 email\(s\) in outbox$/m);
  assert.doesNotMatch(text, /email subscriptions/);
});

test('status says when a notify node on AWS has no email subscription left, and how to subscribe an address again', () => {
  // GIVEN alerts on AWS whose only subscription is gone (left unconfirmed for 48 hours, or unsubscribed from an email)
  const text = stripVTControlCharacters(formatStatus(notifyStatus([])));
  // THEN its row and the section say nobody gets its emails, with the command that subscribes an address to its topic
  assert.match(text, /^alerts\s+notify\s+Topic\s+\S+\s+no email subscription$/m);
  assert.match(text, /^\s+alerts\s+\(none\)\s+! nobody gets its emails$/m);
  assert.match(text, /'alerts' has no email subscription, so SNS emails nobody .*subscribe an address again with: aws sns subscribe --topic-arn arn:aws:sns:us-east-1:123456789012:mail-dev-alerts --protocol email --notification-endpoint ADDRESS$/m);
});

test('status names a declared address SNS no longer lists, and prints the command that subscribes exactly that address again', () => {
  // GIVEN alerts on AWS declaring two addresses, one confirmed and one whose subscription SNS deleted (unconfirmed for 48 hours)
  const text = stripVTControlCharacters(formatStatus(notifyStatus([{ email: 'lead@example.org', state: 'confirmed' }, { email: 'ops@example.org', state: 'missing' }])));
  // THEN the row counts the live subscription and the missing one, the section marks the address, and the command names it
  assert.match(text, /^alerts\s+notify\s+Topic\s+\S+\s+1 email subscription\(s\), 1 missing$/m);
  assert.match(text, /^\s+alerts\s+ops@example\.org\s+! not subscribed$/m);
  assert.match(text, /'alerts' declares 1 address\(es\) SNS has no subscription for .*; subscribe it again with:$/m);
  assert.match(text, /^ {2}aws sns subscribe --topic-arn arn:aws:sns:us-east-1:123456789012:mail-dev-alerts --protocol email --notification-endpoint ops@example\.org$/m);
  // AND it does not claim that nobody gets the emails
  assert.doesNotMatch(text, /nobody/);
});
