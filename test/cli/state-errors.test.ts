/**
 * A local state that is not what it should be gets a coded error, never a stack trace, and is never
 * changed: a --state that is a file, and a state database that is damaged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tempDir } from '../helpers/cli.js';
import { assertUserError, EXAMPLE, sluiceAwait } from './support.js';

test('GIVEN --state naming a file WHEN a data command or run uses it THEN each says it is a file, not a folder', async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'mine');
    const [ls, run] = await Promise.all([
      sluiceAwait(['ls', 'raw', '--entry', EXAMPLE, '--state', file]),
      sluiceAwait(['run', EXAMPLE, '--state', file]),
    ]);
    for (const result of [ls, run]) assertUserError(result, 'SLUICE_E_STATE_DIR', [`the local state folder '${file}' is a file, not a folder`, 'give --state a folder']);
    assert.equal(readFileSync(file, 'utf8'), 'mine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GIVEN a state database that is damaged WHEN a command opens it THEN it says so, how to move it aside, and leaves every byte as it was', async () => {
  const dir = tempDir();
  try {
    const state = join(dir, 'state');
    mkdirSync(state);
    const garbage = randomBytes(8192);
    writeFileSync(join(state, 'state.db'), garbage);
    const [ls, run] = await Promise.all([
      sluiceAwait(['ls', 'raw', '--entry', EXAMPLE, '--state', state]),
      sluiceAwait(['run', EXAMPLE, '--state', state]),
    ]);
    for (const result of [ls, run]) {
      assertUserError(result, 'SLUICE_E_STATE_CORRUPT', [`the local state database '${join(state, 'state.db')}' is damaged`, `mv '${join(state, 'state.db')}' '${join(state, 'state.db')}.damaged'`]);
    }
    assert.ok(readFileSync(join(state, 'state.db')).equals(garbage), 'the damaged database was changed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
