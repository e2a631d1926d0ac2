/**
 * `sluice console`'s command line: a bad --port is refused with its code before anything starts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sluice } from '../helpers/cli.js';
import { EXAMPLE_DIR } from '../cli/support.js';

test('sluice console refuses a --port that is not 0..65535', () => {
  // WHEN the console is asked for port 70000
  const r = sluice(['console', '--port', '70000', '--json'], { cwd: EXAMPLE_DIR });
  // THEN it exits 2 with SLUICE_E_CONSOLE_PORT, naming the option and what it takes
  assert.equal(r.status, 2);
  const error = JSON.parse(r.stdout);
  assert.equal(error.code, 'SLUICE_E_CONSOLE_PORT');
  assert.match(error.message, /--port must be a whole number from 0 to 65535 \(given '70000'\)/);
});
