/**
 * Pipeline components: envelope encode + decode per second, and the end-to-end throughput of the
 * Pylon components example (examples/pylon-components: envelopes, lineage, filters, data asset
 * writer, idempotent sink) beside the same chain without envelopes and lineage
 * (bench/fixtures/pylon-plain: same topology, filters, config and secret, plain JSON messages,
 * `lineage: false`) and a bare baseline (the plain handlers called directly over Maps). Goal: with
 * envelope and lineage on, at least 70% of the throughput of the same chain without them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pylon from '../examples/pylon-components/pipeline.js';
import plain from './fixtures/pylon-plain/pipeline.js';
import fetchPlain from './fixtures/pylon-plain/handlers/fetch-resource.js';
import parsePlain from './fixtures/pylon-plain/handlers/parse-incidents.js';
import writePlain from './fixtures/pylon-plain/handlers/write-assets.js';
import recordPlain from './fixtures/pylon-plain/handlers/record-updates.js';
import { openEngine } from '../src/engine/index.js';
import type { Pipeline } from '../src/model/pipeline.js';
import { envelopeAttributes, inlineBody, looksLikeEnvelope, parseEnvelope, validateBody, wireOf } from '../src/envelope/index.js';
import { mustOffload } from '../src/envelope/offload.js';
import type { Ctx, Output, StepInput } from '../src/runtime/types.js';

const SECRETS = { '/incidents/api-key': 'bench-key' };
const RESOURCES = new URL('../examples/pylon-components/sample-data/resources/', import.meta.url);

const requests = (n: number) => Array.from({ length: n }, (_, i) => ({
  bucket: 'requests',
  key: `request-${i}.json`,
  body: Buffer.from(JSON.stringify({ resource: i % 2 ? 'incidents-2026-01-05.csv' : 'incidents-2026-01-06.csv' })),
}));

/** Envelopes encoded (wire object, JSON, attributes, offload check) and decoded (parse, schema, body schema) per second. */
async function codec(n: number): Promise<Array<[string, number]>> {
  const asset = { dataAssetName: 'incident.entityIncident', dataAssetCountry: 'AU', dataAssetPartitionKeys: ['day'], dataAssetUniqueKeys: ['id'], data: [{ id: 1001, day: '2026-01-05', region: 'NSW', kind: 'flood', severity: 3 }, { id: 1002, day: '2026-01-05', region: 'QLD', kind: 'storm', severity: 2 }], ingestionId: 'b9a4c7f0-0000-4000-8000-000000000000' };
  const drafts = [
    ['rawContent (text)', { objectType: 'rawContent', body: 'a line of raw text from a feed', payloadMimeType: 'text/plain' }],
    ['urlResource', { objectType: 'urlResource', body: { destination: 's3://raw/incidents/a.csv', resource: 'https://data.example.org/incidents/a.csv', metadata: { size: 111, timestamp: '2026-01-05T10:00:00.000Z' } }, payloadMimeType: 'application/json' }],
    ['dataAsset (2 rows)', { objectType: 'dataAsset', body: asset, payloadMimeType: 'application/json', dataAssetName: asset.dataAssetName, dataAssetCountry: asset.dataAssetCountry }],
  ] as const;
  const out: Array<[string, number]> = [];
  for (const [name, draft] of drafts) {
    const path = { limit: 262_144, wrapped: true };
    const run = async (count: number) => {
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        const text = JSON.stringify(wireOf(draft, 'b9a4c7f0-0000-4000-8000-000000000000'));
        envelopeAttributes(draft);
        mustOffload(text, 60, path);
        const parsed = JSON.parse(text);
        if (!looksLikeEnvelope(parsed)) throw new Error('not an envelope');
        const wire = parseEnvelope(parsed, 'bench');
        await validateBody(wire.objectType, inlineBody(wire), wire.payloadMimeType, 'bench');
      }
      return performance.now() - start;
    };
    await run(Math.min(n, 5000));
    out.push([name, Math.round((n / (await run(n))) * 1000)]);
  }
  return out;
}

/** Requests per second through a pipeline, all put up front, on the in-memory or the durable engine. */
async function throughput(pipe: Pipeline, n: number, durable: boolean): Promise<number> {
  const dir = durable ? mkdtempSync(join(tmpdir(), 'sluice-bench-')) : undefined;
  const e = await openEngine({ pipeline: pipe, ...(dir ? { stateDir: dir } : {}), isolation: durable ? 'worker' : 'in-process', secrets: SECRETS });
  try {
    const start = performance.now();
    e.putMany(requests(n));
    await e.settle();
    const ms = performance.now() - start;
    const updates = e.store.items.scan({ table: 'updates', partitionKey: { name: 'dataAssetName', type: 'S' }, sortKey: { name: 'ingestionId', type: 'S' } }, n + 1).length;
    if (updates !== n) throw new Error(`${pipe.name}: ${updates} of ${n} requests reached the updates table`);
    return ms;
  } finally {
    await e.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The plain chain's handlers called directly: Maps for buckets and the table, arrays for queues. */
async function bare(n: number): Promise<number> {
  const buckets = new Map<string, Buffer>();
  const table: unknown[] = [];
  const outputs: Output[] = [];
  const config: Record<string, unknown> = { baseUrl: RESOURCES.href, apiKey: 'bench-key', country: 'AU' };
  const ctx = {
    config,
    json: async (i: any) => JSON.parse(i.kind === 'object' ? buckets.get(`${i.bucket}/${i.key}`)!.toString() : i.body),
    read: async (path: string) => buckets.get(path.slice(5))!,
    object: (key: string, body: string | Uint8Array, o: { bucket?: string } = {}) => ({ type: 'object', key, body: typeof body === 'string' ? Buffer.from(body) : body, ...o }),
    message: (body: unknown, o: { attributes?: Record<string, string> } = {}) => ({ type: 'message', body: typeof body === 'string' ? body : JSON.stringify(body), attributes: o.attributes ?? {} }),
    table: () => ({ put: async (item: unknown) => void table.push(item) }),
  } as unknown as Ctx;
  const start = performance.now();
  for (const r of requests(n)) buckets.set(`${r.bucket}/${r.key}`, r.body);
  const toParse: string[] = [];
  const assetWrites: string[] = [];
  const notifications: string[] = [];
  const route = (out: any, messages: Record<string, string[]>, bucket: string) => {
    if (out.type === 'object') buckets.set(`${bucket}/${out.key}`, out.body);
    else messages[out.attributes.objectType]?.push(out.body);
  };
  for (const r of requests(n)) {
    for (const out of (await fetchPlain.step({ kind: 'object', bucket: 'requests', key: r.key } as unknown as StepInput, ctx)) as any[]) route(out, { urlResource: toParse }, 'raw');
  }
  for (const body of toParse) {
    for (const out of (await parsePlain.step({ kind: 'message', body } as unknown as StepInput, ctx)) as any[]) route(out, { dataAsset: assetWrites, updateNotification: notifications }, 'assets');
  }
  for (const body of assetWrites) for (const out of (await writePlain.step({ kind: 'message', body } as unknown as StepInput, ctx)) as any[]) outputs.push(out);
  for (const body of notifications) await recordPlain.step({ kind: 'message', body } as unknown as StepInput, ctx);
  if (table.length !== n) throw new Error(`bare baseline recorded ${table.length} of ${n}`);
  return performance.now() - start;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (x: number) => x.toLocaleString('en').padStart(9);

export default async function bench(): Promise<void> {
  const n = Number(process.env.SLUICE_BENCH_REQUESTS ?? 5000);
  const codecN = Number(process.env.SLUICE_BENCH_ENVELOPES ?? 200_000);
  console.log(`envelope encode + decode (wire object, JSON, attributes, offload check; parse, schema, objectType, body schema), ${codecN.toLocaleString('en')} each`);
  for (const [name, r] of await codec(codecN)) console.log(`  ${name.padEnd(52)} ${fmt(r)} envelopes/s`);

  // Warm up: first imports, bundles, JIT.
  await throughput(pylon, 300, false);
  await throughput(plain, 300, false);
  await throughput(pylon, 300, true);
  await throughput(plain, 300, true);
  const bareMs = await bare(n);
  console.log(`pylon components example (request -> source -> topic -> queue -> component -> topic -> 2 filtered queues -> writer, recorder), ${n.toLocaleString('en')} requests`);
  console.log(`  ${'bare baseline (plain handlers over Maps and arrays)'.padEnd(52)} ${fmt(rate(n, bareMs))} requests/s`);
  for (const durable of [false, true]) {
    // Alternate the two chains and keep each one's best of three, so drift on the machine hits both.
    const with_: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < 3; i++) {
      without.push(await throughput(plain, n, durable));
      with_.push(await throughput(pylon, n, durable));
    }
    const on = rate(n, Math.min(...with_));
    const off = rate(n, Math.min(...without));
    const engine = durable ? 'durable engine (SQLite WAL, workers)' : 'in-memory engine';
    console.log(`  ${`${engine}, without envelopes and lineage`.padEnd(52)} ${fmt(off)} requests/s`);
    console.log(`  ${`${engine}, with envelopes and lineage`.padEnd(52)} ${fmt(on)} requests/s  ${Math.round((on / off) * 100)}% of without (goal >= 70%)`);
  }
}
