/**
 * Shared pieces of the CLI tests: fixture paths, awaiting a `sluice` child process with a time
 * limit (so independent commands can run side by side and a hang fails fast), bounded polling, the
 * checks every user-error test makes, and throw-away pipeline folders inside the repository.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sluiceAsync } from '../helpers/cli.js';

/** The three-node example: raw -> copy -> curated. */
export const EXAMPLE_DIR = join(ROOT, 'examples/three-node-copy');
export const EXAMPLE = join(EXAMPLE_DIR, 'pipeline.ts');

/** The pipeline file of a fixture under test/fixtures/cli/. */
export function fixture(name: string): string {
  return join(ROOT, 'test/fixtures/cli', name, 'pipeline.ts');
}

/** What a finished `sluice` process left behind. */
export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Collect a child's output and wait for it to exit; kill it and fail if it takes longer than `timeoutMs`. */
export function completed(child: ChildProcess, timeoutMs = 30_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice (pid ${child.pid}) did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? (signal ? -1 : 0), stdout, stderr });
    });
  });
}

/** Run `sluice ...args` to completion without blocking the test process. */
export function sluiceAwait(args: string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  return completed(sluiceAsync(args, { cwd: options.cwd, env: options.env }), options.timeoutMs);
}

/** Parse the JSON document a command printed, failing with its output when it is not JSON. */
export function parseJson<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    assert.fail(`expected one JSON document on stdout (exit ${result.status})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

/**
 * Poll `probe` every 100 ms until it returns something other than undefined; fail after `timeoutMs`
 * with `what` and the last value seen, so a hang reads as a failure instead of a stuck suite.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Wait for `promise`, failing with `what` if it takes longer than `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Assert a user mistake was reported the way users rely on: exit 2, one `error ... [CODE]` line on
 * stderr naming everything in `mentions`, and no stack trace or "internal error".
 */
export function assertUserError(result: CliResult, code: string, mentions: string[]): void {
  const output = `exit ${result.status}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  assert.equal(result.status, 2, output);
  assert.match(result.stderr, /^error /, output);
  assert.ok(result.stderr.includes(`[${code}]`), `expected code ${code}\n${output}`);
  for (const m of mentions) assert.ok(result.stderr.includes(m), `expected the message to mention ${JSON.stringify(m)}\n${output}`);
  assert.doesNotMatch(result.stderr, /^\s+at \S/m, `no stack trace for a user mistake\n${output}`);
  assert.doesNotMatch(result.stderr, /internal error/, output);
}

/**
 * A fresh folder inside the repository (test/.tmp-*), so pipelines copied into it import 'sluice'
 * from the repository's node_modules. The caller removes it with `removeRepoTempDir`.
 */
export function repoTempDir(): string {
  return mkdtempSync(join(ROOT, 'test', '.tmp-'));
}

/** Copy a pipeline folder (its pipeline.ts and handlers/) into a fresh repository temp folder. */
export function copyPipeline(fromDir: string): string {
  const dir = repoTempDir();
  cpSync(join(fromDir, 'pipeline.ts'), join(dir, 'pipeline.ts'));
  cpSync(join(fromDir, 'handlers'), join(dir, 'handlers'), { recursive: true });
  return dir;
}

/** Remove a folder made by `repoTempDir` or `copyPipeline`. */
export function removeRepoTempDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
