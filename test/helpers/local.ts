/**
 * Shared factories for the engine behaviour suite: a started `localPipeline()` that closes itself
 * when the test ends, fixture handler locations, a fixed start time, and temporary state folders.
 */
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localPipeline, type LocalPipeline, type LocalPipelineOptions } from 'sluice/testing';
import type { Pipeline } from 'sluice';

/** A fixed UTC start time, on a whole hour, so schedule and retry times are easy to state. */
export const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

/**
 * The location of a handler in `test/fixtures/handlers/`, usable as `fn(..., { handler })`.
 * @example fn('copy', { handler: fixture('copy-or-throw') })
 */
export function fixture(name: string): URL {
  return new URL(`../fixtures/handlers/${name}.ts`, import.meta.url);
}

/**
 * The in-memory store the suite runs on: `SLUICE_TEST_BACKEND=sqlite` runs every case against the
 * SQLite store instead of the default JavaScript one, so both backends answer to the same suite.
 * `npm test` runs the engine suite once on each (`npm run test:sqlite` is its second half).
 */
export const TEST_BACKEND: 'memory' | 'sqlite' = process.env.SLUICE_TEST_BACKEND === 'sqlite' ? 'sqlite' : 'memory';

/**
 * Start a pipeline on the in-memory engine at {@link T0}; it is closed when the test ends.
 * @example const local = await startLocal(t, pipe);
 */
export async function startLocal(t: TestContext, pipe: Pipeline, options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const local = await localPipeline(pipe, { startTime: T0, backend: TEST_BACKEND, ...options });
  t.after(() => local.close());
  return local;
}

/** A fresh temporary folder, removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'sluice-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** How many times a function has been invoked so far. */
export function invocations(local: LocalPipeline, fn: string): number {
  return local.stats()[fn]?.invocations ?? 0;
}
