/**
 * `sluice put` of a folder says what it leaves out and resumes: symbolic links, special files and
 * names that are not UTF-8 are skipped and listed; a FIFO given as the path is refused at once (it
 * would block); a folder put again puts only what changed, so an interrupted put resumes and nothing
 * is triggered twice (`--force` puts everything).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluice, tempDir } from '../helpers/cli.js';
import { assertUserError, EXAMPLE, parseJson, sluiceAwait } from './support.js';

test('GIVEN a folder holding links, a FIFO and a name that is not UTF-8 WHEN put THEN its files are put and each left-out entry is named with why', () => {
  const dir = tempDir();
  try {
    const input = join(dir, 'input');
    mkdirSync(join(input, 'sub'), { recursive: true });
    writeFileSync(join(input, 'a.txt'), 'a');
    writeFileSync(join(input, 'sub', 'b.txt'), 'b');
    symlinkSync(join(input, 'a.txt'), join(input, 'link-to-a.txt'));
    symlinkSync(join(input, 'sub'), join(input, 'link-to-sub'));
    assert.equal(spawnSync('mkfifo', [join(input, 'pipe')]).status, 0);
    writeFileSync(Buffer.concat([Buffer.from(`${input}/latin1-`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'not utf-8 name');
    const state = join(dir, 'state');
    const put = sluice(['put', 'raw', input, '--entry', EXAMPLE, '--state', state]);
    assert.equal(put.status, 0, put.stderr);
    assert.match(put.stdout, /^put 2 object\(s\) into 'raw': a\.txt, sub\/b\.txt$/m);
    assert.match(put.stdout, /skipped 2 symbolic links \(not followed\): .*link-to-a\.txt, .*link-to-sub/);
    assert.match(put.stdout, /skipped 1 special file \(FIFO, socket or device\): .*pipe/);
    assert.match(put.stdout, /skipped 1 file whose name is not UTF-8 \(S3 keys are UTF-8\): .*latin1-\uFFFD\.txt/);
    const json = parseJson(sluice(['put', 'raw', input, '--entry', EXAMPLE, '--state', state, '--json', '--force']));
    assert.deepEqual(json.skipped.map((s: { why: string }) => s.why).sort(), ['name not UTF-8', 'special file', 'symbolic link', 'symbolic link']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GIVEN a FIFO WHEN given to put THEN it is refused at once, naming what it is', async () => {
  const dir = tempDir();
  try {
    const fifo = join(dir, 'pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const result = await sluiceAwait(['put', 'raw', fifo, '--entry', EXAMPLE, '--state', join(dir, 'state')], { timeoutMs: 15_000 });
    assertUserError(result, 'SLUICE_E_FILE_KIND', [`'${fifo}' is a FIFO (named pipe), not a file or a folder`, 'copy what it holds into a file']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GIVEN a folder put before WHEN put again after a change THEN only new and changed files are put, and said; --force puts all; run --put resumes the same way', () => {
  const dir = tempDir();
  try {
    const input = join(dir, 'input');
    mkdirSync(input);
    for (const name of ['one.txt', 'two.txt', 'three.txt']) writeFileSync(join(input, name), name);
    const state = join(dir, 'state');
    const put = (...extra: string[]) => parseJson(sluice(['put', 'raw', input, '--entry', EXAMPLE, '--state', state, '--json', ...extra]));
    assert.deepEqual(put().objects, ['one.txt', 'three.txt', 'two.txt']);
    // WHEN one file changes and one is added
    writeFileSync(join(input, 'two.txt'), 'two, changed');
    writeFileSync(join(input, 'four.txt'), 'four');
    const again = put();
    // THEN only those two are put; the rest are reported unchanged
    assert.deepEqual(again.objects, ['four.txt', 'two.txt']);
    assert.deepEqual([...again.unchanged].sort(), ['one.txt', 'three.txt']);
    const human = sluice(['put', 'raw', input, '--entry', EXAMPLE, '--state', state]);
    assert.match(human.stdout, /^put 0 object\(s\) into 'raw'\n4 file\(s\) already there with the same content, not put again \(--force puts them\)$/m);
    // AND --force puts every file
    assert.equal(put('--force').objects.length, 4);
    // AND a run with --put of the same folder triggers nothing new
    const run = parseJson(sluice(['run', EXAMPLE, '--put', `raw=${input}`, '--state', state, '--json']));
    const rerun = parseJson(sluice(['run', EXAMPLE, '--put', `raw=${input}`, '--state', state, '--json']));
    assert.equal(rerun.put, 0, JSON.stringify(rerun));
    assert.equal(rerun.invocations, 0);
    assert.ok(run.invocations > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
