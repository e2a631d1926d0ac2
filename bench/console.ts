/**
 * The console and plot at scale (issue 15), each beside its baseline in the same run:
 * - graph layout of a 500-node pipeline by `layoutGraph` (graph building included) against elkjs
 *   called directly on the same ELK input (goal: within 1.2x of the library alone);
 * - the console's first load of that pipeline in Chromium, from navigation to a drawn graph with its
 *   counts (goal: under 1 s);
 * - the live update: from an object put (committed by another connection to the state, as
 *   `sluice put` does) to the count changing on the open page (goal: under 500 ms).
 * Needs Debian's Chromium (apt-get install -y chromium) for the last two.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ELK } from 'elkjs/lib/elk-api.js';
import { chromium } from 'playwright-core';
import { widePipeline } from './fixtures/wide-pipeline.js';
import { pipelineGraph } from '../src/console/graph.js';
import { elkInput, layoutGraph } from '../src/console/layout.js';
import { startConsole } from '../src/console/server.js';
import { openStage } from '../src/stage/index.js';

const RUNS = 5;
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export default async function consoleBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-console-'));
  try {
    const handler = join(dir, 'handler.ts');
    writeFileSync(handler, 'export default async () => [];\n');
    const pipe = widePipeline(500, handler);
    const graph = pipelineGraph(pipe);
    console.log(`pipeline: ${graph.nodes.length} nodes, ${graph.edges.length} edges`);

    const ElkConstructor = ((elkModule as unknown as { default?: unknown }).default ?? elkModule) as new () => ELK;
    const elk = new ElkConstructor();
    await elk.layout(elkInput(graph));
    await layoutGraph(graph);
    // Alternated, so neither side gets the warmer JIT or the quieter moment.
    const directRuns: number[] = [];
    const ourRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      directRuns.push(await timed(() => elk.layout(elkInput(graph))));
      ourRuns.push(await timed(() => layoutGraph(pipelineGraph(pipe))));
    }
    const direct = median(directRuns);
    const ours = median(ourRuns);
    console.log(`layout of ${graph.nodes.length} nodes: sluice ${ours.toFixed(0)} ms, elkjs directly ${direct.toFixed(0)} ms (${(ours / direct).toFixed(2)}x; goal within 1.2x)`);

    if (!CHROMIUM) {
      console.log('first load and live update: skipped, Chromium is not installed (apt-get install -y chromium)');
      return;
    }
    const stateDir = join(dir, 'state');
    const stage = await openStage(pipe, 'local', { stateDir });
    const writer = await openStage(pipe, 'local', { stateDir });
    const running = await startConsole({ stage, stateDir });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const loads: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        loads.push(await timed(async () => {
          await page.goto(running.url);
          await page.locator('body[data-drawn="1"]').waitFor({ timeout: 60_000 });
        }));
        await page.close();
      }
      console.log(`first load of ${graph.nodes.length} nodes in Chromium to a drawn graph: median ${median(loads).toFixed(0)} ms of ${RUNS} (goal under 1000 ms)`);

      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(running.url);
      await page.locator('#live.on').waitFor({ timeout: 60_000 });
      await page.locator('[data-counts="in-0"]', { hasText: '0 objects' }).waitFor({ timeout: 60_000 });
      const delays: number[] = [];
      for (let i = 1; i <= RUNS; i++) {
        delays.push(await timed(async () => {
          await writer.put('in-0', [{ key: `k${i}`, body: Buffer.from('x') }]);
          await page.locator('[data-counts="in-0"]', { hasText: `${i} objects` }).waitFor({ timeout: 60_000 });
        }));
      }
      console.log(`live update, put to count changed on the page: median ${median(delays).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms of ${RUNS} (goal under 500 ms)`);
    } finally {
      await browser.close();
      await running.close();
      await writer.close();
      await stage.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
