/**
 * `sluice send` on the messages fixture: a message sent to a queue reaches its consumer with its body
 * and typed attributes; a message published to a topic reaches a subscriber only when its attributes
 * match the subscription's filter policy. The consumer (echo-input) writes what it received into
 * `seen`, so the test reads exactly what the handler was given.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { sluice, tempDir } from '../helpers/cli.js';
import { fixture, parseJson, sluiceAwait, type CliResult } from './support.js';

const ENTRY = fixture('messages');

describe('sluice send', () => {
  let state: string;
  let sends: CliResult[];
  let run: CliResult;
  let received: Array<{ body: string; attributes: Record<string, { type: string; value: string }>; queue?: string; topic?: string }>;
  const cli = (...args: string[]) => sluice([...args, '--entry', ENTRY, '--state', state]);

  before(async () => {
    state = tempDir();
    // GIVEN a message sent to the queue 'orders' with two attributes, and two published to the topic
    // 'events', whose subscription passes objectType 'x' only
    sends = await Promise.all([
      sluiceAwait(['send', 'orders', '{"order":1}', '--attribute', 'objectType=x', '--attribute', 'qty=3', '--entry', ENTRY, '--state', state]),
      sluiceAwait(['send', 'events', '{"event":"matches"}', '--attribute', 'objectType=x', '--entry', ENTRY, '--state', state, '--json']),
      sluiceAwait(['send', 'events', '{"event":"filtered out"}', '--attribute', 'objectType=y', '--entry', ENTRY, '--state', state]),
    ]);
    // WHEN the pipeline runs
    run = sluice(['run', ENTRY, '--state', state]);
    // THEN (read by the tests) what the consumer received
    const keys: string[] = parseJson(cli('ls', 'seen', 'message/', '--json')).objects.map((o: { key: string }) => o.key);
    received = (await Promise.all(keys.map((key) => sluiceAwait(['cat', 'seen', key, '--entry', ENTRY, '--state', state])))).map((r) => JSON.parse(r.stdout));
  });

  after(() => rmSync(state, { recursive: true, force: true }));

  test('confirms each send, in words or as JSON', () => {
    assert.deepEqual(sends.map((s) => s.status), [0, 0, 0], sends.map((s) => s.stderr).join('\n'));
    assert.match(sends[0]!.stdout.trim(), /^sent to 'orders' \(message [0-9a-f-]{36}\)$/);
    const sent = parseJson(sends[1]!);
    assert.deepEqual({ ...sent, messageId: undefined }, { target: 'events', stage: 'local', sent: true, messageId: undefined });
    assert.match(sent.messageId, /^[0-9a-f-]{36}$/);
  });

  test('a message sent to a queue reaches its consumer with its body, and numbers as Number attributes', () => {
    // THEN the consumer got the queue's message with both attributes, typed
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const fromQueue = received.find((m) => m.queue === 'orders');
    assert.ok(fromQueue, `a message from 'orders' among ${JSON.stringify(received)}`);
    assert.equal(fromQueue.body, '{"order":1}');
    assert.deepEqual(fromQueue.attributes, { objectType: { type: 'String', value: 'x' }, qty: { type: 'Number', value: '3' } });
  });

  test("a message published to a topic reaches a subscriber only when its attributes match the filter policy", () => {
    // THEN exactly one message came through the topic: the one with objectType 'x'
    const fromTopic = received.filter((m) => m.topic === 'events');
    assert.deepEqual(fromTopic.map((m) => m.body), ['{"event":"matches"}']);
    assert.deepEqual(fromTopic[0]!.attributes.objectType, { type: 'String', value: 'x' });
    // AND the summary counts two invocations of the consumer: the queue's message and the matching one
    assert.match(run.stdout, /^record\s+fn\s+2\s+2\s+0\s+0\s+0$/m);
    assert.equal(received.length, 2);
  });
});
