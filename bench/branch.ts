/**
 * Sampled branch triggers (issue 12): a branch of the three-node example's `copy` over a main stage
 * whose `raw` holds 100,000 objects, triggered in full and on a 1% sample (by key hash), side by side
 * in one run. Goal: the sample replays about 1,000 objects and takes about 1% of the full trigger's
 * time (the fixed part, opening the branch's engine and listing main's bucket, stays).
 * BENCH_BRANCH_OBJECTS sets the size (default 100000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../src/engine/index.js';
import { LocalBranchBackend, mainStateOf } from '../src/branch/local.js';
import { planBranch } from '../src/branch/plan.js';
import pipe from '../examples/three-node-copy/pipeline.js';

const OBJECTS = Number(process.env.BENCH_BRANCH_OBJECTS ?? 100_000);

export default async function bench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'sluice-bench-branch-'));
  try {
    // GIVEN main's raw holds OBJECTS objects (put store-only: main's own steps never ran, which a replay does not need)
    const mainDir = join(root, 'main');
    const main = await openEngine({ pipeline: pipe, stateDir: mainDir, handlers: false });
    const started = performance.now();
    main.putMany(Array.from({ length: OBJECTS }, (_, i) => ({ bucket: 'raw', key: `orders/2026-01-05/order-${String(i).padStart(6, '0')}.json`, body: `{"order":${i},"items":${i % 7}}` })), 1000);
    await main.close();
    console.log(`main: ${OBJECTS.toLocaleString('en')} objects in raw (${((performance.now() - started) / 1000).toFixed(1)} s to put)`);

    const run = async (name: string, sample: number | undefined) => {
      const plan = planBranch(pipe, 'copy', name, 'local');
      const stateDir = join(root, name);
      const backend = new LocalBranchBackend({
        main: mainStateOf(mainDir, plan),
        stateDir,
        open: (pipeline, { storeOnly }) => openEngine({ pipeline, stateDir, isolation: 'in-process', ...(storeOnly ? { handlers: false } : {}) }),
      });
      await backend.deploy(plan, pipe);
      const t = performance.now();
      const report = await backend.trigger(plan, pipe, sample === undefined ? {} : { sample });
      const ms = performance.now() - t;
      await backend.destroy(plan, pipe);
      return { ms, ...report };
    };
    const full = await run('full', undefined);
    const sampled = await run('one-percent', 1);
    const row = (label: string, r: { ms: number; replayed: number; skipped: number; failed: number }) => `${label.padEnd(22)} ${r.replayed.toLocaleString('en').padStart(8)} ${r.skipped.toLocaleString('en').padStart(8)} ${(r.ms / 1000).toFixed(2).padStart(8)} s  ${r.failed} failed`;
    console.log(`${'trigger'.padEnd(22)} ${'replayed'.padStart(8)} ${'skipped'.padStart(8)} ${'time'.padStart(10)}`);
    console.log(row('full (baseline)', full));
    console.log(row('--sample 1', sampled));
    console.log(`sample/full: ${((sampled.replayed / full.replayed) * 100).toFixed(2)}% of the objects, ${((sampled.ms / full.ms) * 100).toFixed(2)}% of the time`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
