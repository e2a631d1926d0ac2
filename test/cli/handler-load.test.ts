/**
 * Handler files that fail to load end the command with a coded error naming the function and the
 * file: one that throws, one that exports no handler, and two whose top-level code never finishes (an
 * endless loop, a top-level await that never settles), which are stopped at Lambda's 10-second Init
 * limit. The processes exit by themselves: no worker, timer or lock outlives the failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { ROOT } from '../helpers/cli.js';
import { assertUserError, sluiceAwait } from './support.js';
import { tempDir } from '../helpers/cli.js';

const FIXTURE = join(ROOT, 'test/fixtures/cli/handler-load');

test('GIVEN handler files that throw, export nothing, loop or wait forever WHEN sluice run and sluice dev start THEN each exits 2 listing every function with its code', async () => {
  const state = tempDir();
  try {
    // WHEN the pipeline is run, and developed, with a 30-second limit on each process
    const [run, dev] = await Promise.all([
      sluiceAwait(['run', join(FIXTURE, 'pipeline.ts'), '--state', join(state, 'run')], { timeoutMs: 30_000 }),
      sluiceAwait(['dev', join(FIXTURE, 'pipeline.ts'), '--state', join(state, 'dev')], { timeoutMs: 30_000 }),
    ]);
    for (const result of [run, dev]) {
      // THEN both exit by themselves with every problem at once
      assertUserError(result, 'SLUICE_E_PIPELINE_INVALID', [
        // The cause, and where in the user's file it was thrown.
        "fn 'throws': handler file './handlers/throws.ts' failed to load: the handler broke on purpose while loading (at test/fixtures/cli/handler-load/handlers/throws.ts:2:7) [SLUICE_E_HANDLER_LOAD]",
        "fn 'no-export': handler file './handlers/no-export.ts' exports neither a default component()/source()/sink() nor a 'handler' function",
        "fn 'endless-loop': handler file './handlers/endless-loop.ts' did not finish loading within 10 seconds (Lambda's limit for a function's Init phase)",
        "fn 'unsettled': handler file './handlers/unsettled.ts' did not finish loading within 10 seconds",
      ]);
      assert.equal(result.stderr.match(/\[SLUICE_E_HANDLER_INIT_TIMEOUT\]/g)?.length, 2, result.stderr);
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test('GIVEN a handler whose top-level code never finishes WHEN synthesized THEN synth stops it and names the function and the file', async () => {
  const out = tempDir();
  try {
    const [loop, unsettled] = await Promise.all(['endless-loop', 'unsettled'].map((name) =>
      sluiceAwait(['synth', join(FIXTURE, `${name}.pipeline.ts`), '--out', join(out, name)], { timeoutMs: 30_000 })));
    assertUserError(loop!, 'SLUICE_E_HANDLER_INIT_TIMEOUT', ["fn 'endless-loop': its handler file", 'handlers/endless-loop.ts', 'did not finish loading within 10 seconds while synthesizing']);
    assertUserError(unsettled!, 'SLUICE_E_HANDLER_INIT_TIMEOUT', ["fn 'unsettled': its handler file", 'handlers/unsettled.ts', 'a top-level await waits on a promise that can never settle']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('GIVEN a pipeline file and a handler with syntax errors WHEN loaded THEN each error names the file, line and column, with no stack trace', async () => {
  const dir = tempDir();
  try {
    mkdirSync(join(dir, 'handlers'));
    writeFileSync(join(dir, 'broken-pipeline.ts'), "import { pipeline } from 'sluice';\nconst x = ;\nexport default pipeline('x', []);\n");
    writeFileSync(join(dir, 'pipeline.ts'), "import { bucket, fn, pipeline } from 'sluice';\nexport default pipeline('syntax', [bucket('raw').to(fn('copy', { handler: './handlers/copy.ts' }))]);\n");
    writeFileSync(join(dir, 'handlers', 'copy.ts'), "import { component } from 'sluice/runtime';\nexport default component(async () => { return [ });\n");
    const [pipelineError, handlerError] = await Promise.all([
      sluiceAwait(['nodes', 'broken-pipeline.ts'], { cwd: dir }),
      sluiceAwait(['run', 'pipeline.ts', '--state', join(dir, 'state')], { cwd: dir }),
    ]);
    assertUserError(pipelineError, 'SLUICE_E_ENTRY_LOAD', ['failed to load: broken-pipeline.ts:2:11: Unexpected ";"']);
    assertUserError(handlerError, 'SLUICE_E_PIPELINE_INVALID', ["fn 'copy': handler file './handlers/copy.ts' does not build: handlers/copy.ts:2:49: Unexpected \"}\" [SLUICE_E_HANDLER_LOAD]"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
