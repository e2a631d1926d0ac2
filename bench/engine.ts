/**
 * Engine throughput: objects per second through bucket -> fn -> queue -> fn -> bucket on the durable
 * engine (SQLite file, worker threads) and the in-memory engine (in-process handlers), beside a bare
 * baseline: the same two handlers called directly over Maps and an array. Also the time to set up
 * `localPipeline()` and do one put/settle/read of the three-node example.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chain from '../test/fixtures/chain/pipeline.js';
import plainChain from './fixtures/plain-chain/pipeline.js';
import type { Pipeline } from '../src/model/pipeline.js';
import threeNode from '../examples/three-node-copy/pipeline.js';
import extract from '../test/fixtures/chain/handlers/extract.js';
import load from '../test/fixtures/chain/handlers/load.js';
import { openEngine } from '../src/engine/index.js';
import { localPipeline } from '../src/testing/index.js';
import type { Ctx, Output, StepInput } from '../src/runtime/types.js';

const objects = (n: number) => Array.from({ length: n }, (_, i) => ({ bucket: 'raw', key: `obj-${i}.txt`, body: Buffer.from(`object ${i}`) }));

/** The two chain handlers called directly, with Maps for buckets and an array for the queue. */
async function bare(n: number): Promise<number> {
  const raw = new Map<string, Buffer>();
  const curated = new Map<string, Uint8Array>();
  const queue: string[] = [];
  const ctx = {
    body: async (i: StepInput) => (i.kind === 'object' ? raw.get(i.key)! : Buffer.from((i as { body: string }).body)),
    text: async (i: StepInput) => (i.kind === 'object' ? raw.get(i.key)!.toString() : (i as { body: string }).body),
    json: async (i: StepInput) => JSON.parse((i as { body: string }).body),
    object: (key: string, body: string | Uint8Array) => ({ type: 'object', key, body: typeof body === 'string' ? Buffer.from(body) : body }),
    message: (body: unknown) => ({ type: 'message', body: typeof body === 'string' ? body : JSON.stringify(body), attributes: {} }),
  } as unknown as Ctx;
  const start = performance.now();
  for (const o of objects(n)) raw.set(o.key, o.body);
  for (const key of raw.keys()) {
    const out = (await extract.step({ kind: 'object', bucket: 'raw', key, size: 0, eTag: '', eventName: 'ObjectCreated:Put', eventTime: '', via: [] } as unknown as StepInput, ctx)) as Output;
    if (out.type === 'message') queue.push(out.body);
  }
  for (const body of queue.splice(0)) {
    const out = (await load.step({ kind: 'message', id: '', body, attributes: {} } as unknown as StepInput, ctx)) as Output;
    if (out.type === 'object') curated.set(out.key, out.body);
  }
  if (curated.size !== n) throw new Error(`bare baseline produced ${curated.size} of ${n}`);
  return performance.now() - start;
}

/** Objects per second, all put up front (`chunk` = n) or arriving in chunks, each settled before the next. */
async function engine(n: number, durable: boolean, chunk = n, pipe: Pipeline = plainChain): Promise<number> {
  const dir = durable ? mkdtempSync(join(tmpdir(), 'sluice-bench-')) : undefined;
  const e = await openEngine({ pipeline: pipe, ...(dir ? { stateDir: dir } : {}), isolation: durable ? 'worker' : 'in-process' });
  try {
    const all = objects(n);
    const start = performance.now();
    for (let i = 0; i < n; i += chunk) {
      e.putMany(all.slice(i, i + chunk));
      await e.settle();
    }
    const ms = performance.now() - start;
    const done = e.store.objects.count('curated');
    if (done !== n) throw new Error(`engine produced ${done} of ${n}`);
    return ms;
  } finally {
    await e.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function harnessRoundTrip(): Promise<number> {
  const start = performance.now();
  const local = await localPipeline(threeNode);
  await local.put('raw', 'some-key', 'hello');
  await local.settle();
  if ((await local.text('curated', 'some-key')) !== 'hello') throw new Error('round trip failed');
  const ms = performance.now() - start;
  await local.close();
  return ms;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function bench(): Promise<void> {
  const n = Number(process.env.SLUICE_BENCH_OBJECTS ?? 20_000);
  await engine(500, false); // warm up: first imports, JIT
  await engine(500, true);
  const rows: Array<[string, number, string]> = [];
  const bareMs = await bare(n);
  rows.push(['bare baseline (handlers over Maps and an array)', rate(n, bareMs), '']);
  // The engine alone (steps with lineage off), as the foundation's goals are set; then the same chain
  // with lineage on, the default since issue 5 (its own budget: bench/components.ts).
  rows.push(['in-memory engine, all queued up front', rate(n, await engine(n, false)), 'goal >= 20,000']);
  rows.push(['in-memory engine, arriving 1,000 at a time', rate(n, await engine(n, false, 1000)), 'goal >= 20,000']);
  rows.push(['durable engine (SQLite WAL, workers), all up front', rate(n, await engine(n, true)), 'goal >= 5,000']);
  rows.push(['durable engine, arriving 1,000 at a time', rate(n, await engine(n, true, 1000)), 'goal >= 5,000']);
  rows.push(['in-memory engine, lineage on, all up front', rate(n, await engine(n, false, n, chain)), '']);
  rows.push(['durable engine, lineage on, all up front', rate(n, await engine(n, true, n, chain)), '']);
  console.log(`chain bucket -> fn -> queue -> fn -> bucket (steps with lineage off unless said), ${n.toLocaleString('en')} objects`);
  for (const [name, r, goal] of rows) console.log(`  ${name.padEnd(52)} ${r.toLocaleString('en').padStart(8)} objects/s  ${goal}`);
  await harnessRoundTrip(); // first import done above; measure warm set-ups
  const times = [];
  for (let i = 0; i < 20; i++) times.push(await harnessRoundTrip());
  console.log(`  localPipeline() set-up + put/settle/read, three-node example: median ${median(times).toFixed(2)} ms over 20 (goal < 20 ms)`);
}
