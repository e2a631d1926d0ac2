/**
 * `sluice dev` as a user runs it: in the pipeline's folder, in the background, while they put files
 * from another shell, edit a handler, and finally press Ctrl-C. Runs on a copy of the three-node
 * example under test/.tmp-* (inside the repository, so its imports of 'sluice' resolve), with every
 * default: entry ./pipeline.ts, state .sluice/local beside it. Every wait is bounded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluice, sluiceAsync } from '../helpers/cli.js';
import { assertUserError, completed, copyPipeline, EXAMPLE_DIR, parseJson, removeRepoTempDir, sluiceAwait, waitFor, within, type CliResult } from './support.js';

const UPPER_CASE_HANDLER = `import { component } from 'sluice/runtime';

export default component(async (input, ctx) => {
  if (input.kind !== 'object') return [];
  ctx.log('upper-cased', { key: input.key });
  return [ctx.object(input.key, (await ctx.text(input)).toUpperCase())];
});
`;

describe('sluice dev', () => {
  let dir: string;
  let dev: ChildProcess;
  let exit: Promise<CliResult>;
  let stdout = '';
  let stderr = '';
  const cli = (...args: string[]) => sluice(args, { cwd: dir });
  const output = () => `\ndev stdout:\n${stdout}\ndev stderr:\n${stderr}`;
  /** The body of curated/<key> once it exists (polled: dev prints an invocation just before committing it). */
  const curatedBody = (key: string) =>
    waitFor(`curated/${key} to be listed${output()}`, async () => {
      const listed = await sluiceAwait(['ls', 'curated', key], { cwd: dir });
      if (!listed.stdout.includes(key)) return undefined;
      return (await sluiceAwait(['cat', 'curated', key], { cwd: dir })).stdout;
    });

  before(async () => {
    // GIVEN a copy of the three-node example, and `sluice dev` started in its folder
    dir = copyPipeline(EXAMPLE_DIR);
    writeFileSync(join(dir, 'first.txt'), 'first file\n');
    writeFileSync(join(dir, 'second.txt'), 'second file\n');
    dev = sluiceAsync(['dev'], { cwd: dir });
    dev.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    dev.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    exit = completed(dev, 60_000);
    await waitFor(`dev to say it is waiting${output()}`, () => (stderr.includes('waiting for inputs') ? true : dev.exitCode !== null ? assert.fail(`dev exited early${output()}`) : undefined));
  });

  after(async () => {
    if (dev && dev.exitCode === null && dev.signalCode === null) dev.kill('SIGKILL');
    await exit?.catch(() => undefined);
    removeRepoTempDir(dir);
  });

  test('announces the pipeline it runs and how to feed it', () => {
    assert.match(stderr, /sluice dev three-node-pipe \(.*pipeline\.ts\): waiting for inputs; put some with sluice put <bucket> <file> in another shell\. Ctrl-C stops\./);
    // AND its state lives beside the pipeline file by default
    assert.ok(existsSync(join(dir, '.sluice', 'local', 'state.db')), 'state.db in .sluice/local beside pipeline.ts');
  });

  test('processes a file put from another process: prints the invocation and its logs, and the copy can be read', async () => {
    // WHEN the user puts a file from another shell
    const put = cli('put', 'raw', 'first.txt');
    assert.equal(put.status, 0, put.stderr);
    assert.match(put.stdout, /processed by a running 'sluice dev'/);
    // THEN dev prints the invocation, then the handler's log line
    await waitFor(`dev to print the invocation of copy${output()}`, () => (/✓ copy [\d.]+ ms, 1 record\(s\)\n.*copy copied \{"key":"first\.txt","bytes":11\}/.test(stdout) ? true : undefined));
    // AND `sluice ls`/`cat` on the same state show the copy while dev keeps running
    assert.equal(await curatedBody('first.txt'), 'first file\n');
  });

  test('refuses a second engine on the same state while dev runs, naming the running one', async () => {
    // WHEN the user starts another dev, or a run, on the state dev holds
    const [secondDev, run] = await Promise.all([sluiceAwait(['dev'], { cwd: dir, timeoutMs: 15_000 }), sluiceAwait(['run'], { cwd: dir, timeoutMs: 15_000 })]);
    // THEN both stop at once with a message naming the running engine and the way out
    for (const result of [secondDev, run]) {
      assertUserError(result, 'SLUICE_E_STATE_LOCKED', [`another sluice engine (pid ${dev.pid}) is running on ${join(dir, '.sluice', 'local')}`, 'give this one its own --state DIR']);
    }
    // AND with --json the same error is data
    const json = await sluiceAwait(['run', '--json'], { cwd: dir, timeoutMs: 15_000 });
    assert.equal(parseJson(json).code, 'SLUICE_E_STATE_LOCKED');
  });

  test('reloads an edited handler: prints a reload line and processes the next file with the new code', async () => {
    // WHEN the user edits the handler to upper-case bodies
    writeFileSync(join(dir, 'handlers', 'copy.ts'), UPPER_CASE_HANDLER);
    // THEN dev says it reloaded the function
    await waitFor(`dev to print a reload line${output()}`, () => (stdout.includes("reloaded 'copy'") ? true : undefined));
    // WHEN another file is put
    assert.equal(cli('put', 'raw', 'second.txt').status, 0);
    // THEN the new handler processed it AND its log line is the new one
    assert.equal(await curatedBody('second.txt'), 'SECOND FILE\n');
    assert.match(stdout, /copy upper-cased \{"key":"second\.txt"\}/);
    // AND the earlier copy is untouched
    assert.equal(cli('cat', 'curated', 'first.txt').stdout, 'first file\n');
  });

  test('stops on Ctrl-C (SIGINT) with exit 0 and releases its lock: a run on the same state then works', async () => {
    // WHEN the user presses Ctrl-C
    dev.kill('SIGINT');
    // THEN dev exits 0, promptly
    const result = await within(exit, 10_000, `dev to exit after SIGINT${output()}`);
    assert.equal(result.status, 0, output());
    // AND its lock is gone, so a run on the same state starts, finds nothing pending, and succeeds
    assert.equal(existsSync(join(dir, '.sluice', 'local', 'engine.pid')), false, 'engine.pid removed');
    const run = cli('run', '--json');
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(parseJson(run).invocations, 0);
  });
});
