/**
 * Synthesis speed: generated chain pipelines (each stage bucket -> fn -> queue -> fn -> next bucket)
 * of 10, 100 and 500 stages, synthesized by sluice and, in the same run, written with AWS CDK and
 * synthesized in-process (with CDK's built-in template validation, its default, and without it).
 * Also times `sluice synth` of a 10-stage pipeline as a whole process, bundles cached.
 * Goals: >= 20x faster than CDK at 100 stages, 500 stages under 2 s, the CLI under 0.5 s.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHandler } from '../src/bundling/bundle.js';
import { summarize, synthesize } from '../src/cloud/synth/index.js';
import { chainPipeline, STEP_HANDLER } from './fixtures/synth/chain.js';
import { synthCdkChain } from './fixtures/synth/cdk-chain.js';

const SIZES = [10, 100, 500];
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeSluice(stages: number, cacheDir: string): Promise<{ ms: number; resources: number; nested: number }> {
  const runs: number[] = [];
  let resources = 0;
  let nested = 0;
  // One untimed run first: the first synth of a size pays for JIT compilation, which CDK's longer
  // runs amortize; then the median of five.
  await synthesize(chainPipeline(stages), { stage: 'dev', cacheDir });
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const s = await synthesize(chainPipeline(stages), { stage: 'dev', cacheDir });
    runs.push(performance.now() - start);
    resources = summarize(s).resources;
    nested = s.nested.length;
  }
  return { ms: median(runs), resources, nested };
}

function timeCdk(stages: number, assetDir: string, validation: boolean): { ms: number; resources: number } {
  const previous = process.env.CDK_VALIDATION;
  if (!validation) process.env.CDK_VALIDATION = 'false';
  // CDK reports its validation findings on stderr; keep the table readable.
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    const start = performance.now();
    const { resources, outdir } = synthCdkChain(stages, assetDir);
    const ms = performance.now() - start;
    rmSync(outdir, { recursive: true, force: true });
    return { ms, resources };
  } finally {
    process.stderr.write = write;
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

function timeCli(cacheOut: string): number {
  const entry = join(ROOT, 'bench/fixtures/synth/chain-10.pipeline.ts');
  const runs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const start = performance.now();
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/sluice.js'), 'synth', entry, '--out', cacheOut, '--json'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`sluice synth failed: ${run.stderr}`);
    if (i > 0) runs.push(performance.now() - start); // the first run fills the bundle cache
  }
  return median(runs);
}

/** Print the synth bench table. */
export default async function bench(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'sluice-bench-synth-'));
  const cacheDir = join(work, 'cache');
  // The CDK side deploys the same bundle sluice builds for the step handler.
  const bundle = await bundleHandler(fileURLToPath(STEP_HANDLER), { cacheDir, target: 'lambda' });
  const assetDir = mkdtempSync(join(work, 'cdk-asset-'));
  copyFileSync(bundle.file, join(assetDir, 'index.mjs'));
  // Sluice first, on a heap CDK has not filled yet; each side warmed up (modules, JIT, bundle cache).
  await synthesize(chainPipeline(10), { stage: 'dev', cacheDir });
  const sluice = new Map<number, Awaited<ReturnType<typeof timeSluice>>>();
  for (const stages of SIZES) sluice.set(stages, await timeSluice(stages, cacheDir));
  timeCdk(10, assetDir, true);
  const rows: string[][] = [];
  const results: Array<{ stages: number; sluice: number; cdk: number; cdkPlain: number }> = [];
  for (const stages of SIZES) {
    const s = sluice.get(stages)!;
    const c = timeCdk(stages, assetDir, true);
    const plain = timeCdk(stages, assetDir, false);
    results.push({ stages, sluice: s.ms, cdk: c.ms, cdkPlain: plain.ms });
    rows.push([
      String(stages),
      `${s.ms.toFixed(0)} ms`,
      `${s.resources}${s.nested ? ` (${s.nested} nested)` : ''}`,
      `${c.ms.toFixed(0)} ms`,
      `${plain.ms.toFixed(0)} ms`,
      String(c.resources),
      `${(c.ms / s.ms).toFixed(1)}x`,
      `${(plain.ms / s.ms).toFixed(1)}x`,
    ]);
  }
  const header = ['stages', 'sluice', 'sluice resources', 'CDK', 'CDK no validation', 'CDK resources', 'ratio', 'ratio no validation'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));

  const cli = timeCli(join(work, 'out'));
  console.log(`\nsluice synth (whole process, 10 stages, bundles cached): ${cli.toFixed(0)} ms`);
  const at100 = results.find((r) => r.stages === 100)!;
  const at500 = results.find((r) => r.stages === 500)!;
  const goal = (ok: boolean, text: string) => console.log(`${ok ? 'met ' : 'MISS'}  ${text}`);
  goal(at100.cdk / at100.sluice >= 20, `>= 20x faster than CDK at 100 stages (${(at100.cdk / at100.sluice).toFixed(1)}x; ${(at100.cdkPlain / at100.sluice).toFixed(1)}x without CDK's validation)`);
  goal(at500.sluice < 2000, `500 stages under 2 s (${at500.sluice.toFixed(0)} ms)`);
  goal(cli < 500, `sluice synth of 10 stages under 0.5 s as a whole process (${cli.toFixed(0)} ms)`);
  rmSync(work, { recursive: true, force: true });
}
