/**
 * Durability: `sluice run` killed with SIGKILL part way through thousands of objects, then run again,
 * must leave every input with its output, nothing lost and nothing processed twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT, sluice, sluiceAsync, tempDir } from '../helpers/cli.js';

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
