/**
 * The engine lock of a state folder is held by the operating system for the engine's life, so a
 * process id left behind (and reused by the system for another process) never blocks a new engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluice, tempDir } from '../helpers/cli.js';
import { EXAMPLE } from './support.js';

test('GIVEN a lock left by an older engine whose pid now belongs to another live process WHEN sluice run starts THEN it takes the state and runs', async () => {
  const dir = tempDir();
  // A live process that is not a sluice engine: what a reused pid looks like.
  const other = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    const state = join(dir, 'state');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'engine.lock'), String(other.pid));
    writeFileSync(join(state, 'engine.pid'), String(other.pid));
    const run = sluice(['run', EXAMPLE, '--state', state, '--json']);
    assert.equal(run.status, 0, run.stderr);
  } finally {
    other.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
