/**
 * `sluice ls` never writes a key's control characters to the terminal: a key holding an escape
 * sequence, a newline, NUL or a bidirectional override is shown quoted and escaped, one line per
 * object, and `--json` gives every key exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluice, tempDir } from '../helpers/cli.js';
import { EXAMPLE, parseJson } from './support.js';
import { openEngine } from '../../src/engine/index.js';
import threeNode from '../../examples/three-node-copy/pipeline.js';

const KEYS = ['plain/name.txt', 'line\nbreak.txt', '\u001b[31mred\u001b[0m.txt', 'nul\u0000byte', 'tab\there', 'rtl\u202eexe.txt', 'quote"and\\slash\u0007'];

test('GIVEN keys holding control characters WHEN listed THEN each shows escaped on one line, and --json gives them exactly', async () => {
  const dir = tempDir();
  try {
    const state = join(dir, 'state');
    const file = join(dir, 'body.txt');
    writeFileSync(file, 'x');
    // A NUL cannot cross a command line: that key is put through the engine, on the same state.
    for (const key of KEYS.filter((k) => !k.includes('\u0000'))) {
      const put = sluice(['put', 'raw', file, '--key', key, '--entry', EXAMPLE, '--state', state]);
      assert.equal(put.status, 0, `${JSON.stringify(key)}: ${put.stderr}`);
    }
    const engine = await openEngine({ pipeline: threeNode, stateDir: state, handlers: false });
    engine.put('raw', 'nul\u0000byte', 'x');
    await engine.close();
    // WHEN listed for people
    const ls = sluice(['ls', 'raw', '--entry', EXAMPLE, '--state', state]);
    assert.equal(ls.status, 0, ls.stderr);
    // THEN no control character reaches the terminal, and each object is one line
    assert.doesNotMatch(ls.stdout.replaceAll('\n', ''), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    const lines = ls.stdout.trimEnd().split('\n');
    assert.equal(lines.length, KEYS.length, ls.stdout);
    for (const shown of ['plain/name.txt', '"line\\nbreak.txt"', '"\\e[31mred\\e[0m.txt"', '"nul\\0byte"', '"tab\\there"', '"rtl\\u202eexe.txt"', '"quote\\"and\\\\slash\\u0007"']) {
      assert.ok(lines.some((l) => l.endsWith(`  ${shown}`)), `expected a line ending in ${shown}:\n${ls.stdout}`);
    }
    // AND --json holds the keys exactly
    const listed = parseJson(sluice(['ls', 'raw', '--entry', EXAMPLE, '--state', state, '--json'])).objects.map((o: { key: string }) => o.key);
    assert.deepEqual([...listed].sort(), [...KEYS].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
