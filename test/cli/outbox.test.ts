/**
 * `sluice outbox` on the local stage, as a user runs it: empty until a watched queue dead-letters,
 * then the alarm email (subject, recipient, text), once per transition into ALARM; `--json` is one
 * document; a name that is not a notify node is a coded error. `sluice status` counts the emails the
 * outbox holds on the notify node's row.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { copyPipeline, fixture, parseJson, removeRepoTempDir, sluiceAwait } from './support.js';

let dir: string;
const cli = (...args: string[]) => sluiceAwait(args, { cwd: dir, timeoutMs: 60_000 });

before(() => {
  dir = copyPipeline(dirname(fixture('notify')));
});
after(() => removeRepoTempDir(dir));

test('GIVEN nothing dead-lettered WHEN sluice outbox runs THEN it lists the address and says no email was sent', async () => {
  const out = await cli('outbox');
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /alerts -> ops@example\.org/);
  assert.match(out.stdout, /no email sent/);
});

test('GIVEN nothing dead-lettered WHEN sluice status runs THEN the notify node\'s outbox holds no email', async () => {
  const json = parseJson<{ nodes: Array<{ node: string; kind: string; emails?: number; subscriptions?: unknown }> }>(await cli('status', '--json'));
  assert.deepEqual(json.nodes.find((n) => n.node === 'alerts'), { node: 'alerts', kind: 'notify', emails: 0 });
});

test('GIVEN poison messages run to the DLQ WHEN sluice outbox runs THEN one alarm email is listed, in text and as JSON', async () => {
  assert.equal((await cli('send', 'work', 'poison-a')).status, 0);
  assert.equal((await cli('send', 'work', 'poison-b')).status, 0);
  // sluice run exits 1: inputs failed into the DLQ
  const run = await cli('run');
  assert.equal(run.status, 1, run.stderr);
  const out = await cli('outbox', 'alerts');
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /subject: ALARM: dead letters in queue 'work' of pipeline mailer/);
  assert.match(out.stdout, /sluice dlq list work/);
  assert.match(out.stdout, /why: queue 'work' holds 2 dead letters \(alarm\)/);
  const json = parseJson<{ stage: string; emails: Array<{ to: string[]; cause: { node: string } }>; subscriptions: Array<{ state: string }> }>(await cli('outbox', '--json'));
  assert.equal(json.stage, 'local');
  assert.deepEqual(json.emails.map((e) => [e.to, e.cause.node]), [[['ops@example.org'], 'work']]);
  assert.deepEqual(json.subscriptions.map((s) => s.state), ['local']);
  // AND sluice status counts that email on the notify node's row, in text and as JSON
  const status = await cli('status');
  assert.equal(status.status, 0, status.stderr);
  assert.match(stripVTControlCharacters(status.stdout), /^alerts\s+notify\s+1 email\(s\) in outbox$/m);
  const statusJson = parseJson<{ nodes: Array<{ node: string; emails?: number }> }>(await cli('status', '--json'));
  assert.equal(statusJson.nodes.find((n) => n.node === 'alerts')!.emails, 1);
});

test('GIVEN a node that is not a notify node WHEN its outbox is asked for THEN exit 2 with SLUICE_E_NOTIFY_UNKNOWN', async () => {
  const out = await cli('outbox', 'work');
  assert.equal(out.status, 2);
  assert.match(out.stderr, /'work' is not a notify node of pipeline 'mailer' \(its notify nodes: alerts\).*SLUICE_E_NOTIFY_UNKNOWN/s);
});
