/**
 * Durability: `sluice run` killed with SIGKILL part way through thousands of objects, then run again,
 * must leave every input with its output, nothing lost and nothing processed twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, sluice, sluiceAsync, tempDir } from '../helpers/cli.js';

const ENTRY = join(ROOT, 'test/fixtures/chain/pipeline.ts');
const OBJECTS = 5000;

function countObjects(dbPath: string, bucket: string): number {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return Number(db.prepare('SELECT count(*) FROM objects WHERE bucket = ?').pluck().get(bucket));
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet, or busy: try again
  }
}

test('a run killed with SIGKILL mid-way resumes: every input gets exactly one output', { timeout: 180_000 }, async (t) => {
  // GIVEN 5,000 objects put into raw
  const dir = tempDir();
  const input = join(dir, 'input');
  const state = join(dir, 'state');
  mkdirSync(input);
  for (let i = 0; i < OBJECTS; i++) writeFileSync(join(input, `obj-${String(i).padStart(5, '0')}.txt`), `object ${i}`);
  const put = sluice(['put', 'raw', input, '--entry', ENTRY, '--state', state]);
  assert.equal(put.status, 0, put.stderr);

  // WHEN a run is killed with SIGKILL once part of the work has committed
  const db = join(state, 'state.db');
  const run = sluiceAsync(['run', ENTRY, '--state', state]);
  let stderr = '';
  run.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => run.once('exit', () => resolve()));
  let atKill = 0;
  for (;;) {
    atKill = countObjects(db, 'curated');
    if (atKill >= OBJECTS / 10 || run.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  run.kill('SIGKILL');
  await exited;
  assert.ok(atKill < OBJECTS, `the run finished before it could be killed (${atKill} outputs); the test needs more objects. stderr: ${stderr}`);

  t.diagnostic(`killed with ${atKill} of ${OBJECTS} outputs committed`);

  // AND the pipeline is run again
  const again = sluice(['run', ENTRY, '--state', state, '--json']);
  assert.equal(again.status, 0, again.stderr + again.stdout);
  // AND it took up, at once, what the killed run had in flight (not after the visibility timeout)
  assert.ok(JSON.parse(again.stdout).resumed > 0, 'messages resumed from the killed run');

  // THEN every input has its output with the right content
  const check = new Database(db, { readonly: true });
  try {
    const keys = check.prepare("SELECT key FROM objects WHERE bucket = 'curated' ORDER BY key").pluck().all();
    // What is left where, to tell a lost message from one never processed when this fails.
    const left = check.prepare('SELECT channel, count(*) AS n, min(visible_at) AS first, max(receive_count) AS receives FROM messages GROUP BY channel').all();
    const diagnosis = `killed at ${atKill}; messages left: ${JSON.stringify(left)}; second run: ${again.stdout.slice(0, 1500)}`;
    assert.equal(keys.length, OBJECTS, `outputs after restart: ${diagnosis}`);
    assert.equal(keys[0], 'obj-00000.txt');
    // AND no input crossed the queue twice: each put queued one async event and each extract sent
    // exactly one message, so the message sequence holds exactly 2 x OBJECTS inserts.
    const inserted = Number(check.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").pluck().get());
    assert.equal(inserted, 2 * OBJECTS, 'messages ever enqueued');
    // AND nothing is left in flight or dead-lettered
    assert.equal(Number(check.prepare('SELECT count(*) FROM messages').pluck().get()), 0, 'messages left');
  } finally {
    check.close();
  }
  const sample = sluice(['cat', 'curated', 'obj-04321.txt', '--entry', ENTRY, '--state', state]);
  assert.equal(sample.stdout, 'OBJECT 4321');
});

test('a step that kills the process running it is not retried forever: each restart counts an attempt, then the event and the message go to their failure destinations', { timeout: 120_000 }, () => {
  // GIVEN an object and a message for steps that kill their own process (an async-invoked function
  // with 2 retries, LA-02; a queue with maxReceiveCount 2)
  const ENTRY_CRASH = join(ROOT, 'test/fixtures/cli/crash/pipeline.ts');
  const state = join(tempDir(), 'state');
  const data = (args: string[]) => sluice([...args, '--entry', ENTRY_CRASH, '--state', state]);
  assert.equal(data(['put', 'raw', join(ROOT, 'examples/three-node-copy/sample-data/orders.csv')]).status, 0);
  assert.equal(data(['send', 'jobs', '{"id":1}']).status, 0);
  // WHEN the pipeline is run again after each crash
  const runs: Array<{ status: number | null; signal: string | null }> = [];
  for (let i = 0; i < 6; i++) {
    const r = spawnSync(process.execPath, [BIN, 'run', ENTRY_CRASH, '--state', state, '--json'], { encoding: 'utf8', timeout: 60_000 });
    runs.push({ status: r.status, signal: r.signal });
    if (r.signal === null) break;
  }
  // THEN three runs die (the object's three attempts; the message's two receives happen in the first
  // two) and the fourth ends by itself, exit 1: something was dead-lettered
  assert.deepEqual(runs, [...Array(3).fill({ status: null, signal: 'SIGKILL' }), { status: 1, signal: null }]);
  // AND the object's event is in the function's failure destination after 3 attempts, with why
  const failures = JSON.parse(data(['dlq', 'list', 'crash-on-object', '--json']).stdout) as { deadLetters: Array<{ condition: string; attempts: number; error: { errorType: string; errorMessage: string } }> };
  assert.equal(failures.deadLetters.length, 1, JSON.stringify(failures));
  const [letter] = failures.deadLetters;
  assert.equal(letter!.condition, 'RetriesExhausted');
  assert.equal(letter!.attempts, 3);
  assert.equal(letter!.error.errorType, 'Runtime.ExitError', JSON.stringify(letter));
  assert.match(letter!.error.errorMessage, /the process running the step ended during each of its 3 attempt\(s\)/);
  // AND the message is in the queue's DLQ, received twice
  const dlq = JSON.parse(data(['dlq', 'list', 'jobs', '--json']).stdout) as { deadLetters: Array<{ body: string; attempts: number }> };
  assert.equal(dlq.deadLetters.length, 1, JSON.stringify(dlq));
  assert.equal(dlq.deadLetters[0]!.body, '{"id":1}');
  assert.equal(dlq.deadLetters[0]!.attempts, 2);
});
