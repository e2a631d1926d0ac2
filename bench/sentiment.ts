/**
 * Issue 14's figures, each beside its baseline in the same run:
 * - the local sentiment service (`ctx.sentiment.batch`'s checks and chunks over the local model) on
 *   10,000 short texts, against the `sentiment` package's `analyze` called directly (goal: within 10%);
 * - `sluice table fang add --file` of 10,000 names on the local stage, the command's work in process
 *   (read, scan, plan, one transaction) and the whole CLI process, against a bare loop of the store's
 *   own puts in one transaction (goal: within 1.5x);
 * - the same command on moto (`--stage`), against the AWS CLI's `batch-write-item`, 25 items a call as
 *   it takes them (goal: not slower).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sentiment from 'sentiment';
import { localSentimentBackend } from '../src/engine/sentiment-model.js';
import { sentimentClient } from '../src/runtime/sentiment.js';
import { loadPipeline } from '../src/cli/load.js';
import { openStage } from '../src/stage/index.js';
import type { LocalStage } from '../src/stage/local.js';
import { keySchemaOf } from '../src/engine/kinds/table.js';
import { keyText, planItems, readItems } from '../src/cli/table-items.js';
import type { Table } from '../src/model/table.js';
import { motoUnavailable, startMoto } from '../test/helpers/moto.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/sluice.js');
const ENTRY = join(ROOT, 'examples/ai-sentiment/pipeline.ts');
const N = 10_000;

const WORDS = ['good', 'bad', 'great', 'terrible', 'service', 'the', 'was', 'food', 'not', 'happy', 'slow', 'love', 'hate', 'price', 'okay'];
const texts = Array.from({ length: N }, (_, i) => Array.from({ length: 8 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '));
const names = Array.from({ length: N }, (_, i) => `name-${String(i).padStart(5, '0')}`);

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function timeAsync(fn: () => Promise<unknown> | unknown, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

function print(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

function sluice(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`sluice ${args.join(' ')} failed: ${r.stderr}${r.stdout.slice(0, 500)}`);
  return ms;
}

export default async function sentiment(): Promise<void> {
  // 1. The local service against the library.
  const analyzer = new Sentiment();
  const direct = await timeAsync(() => texts.map((t) => analyzer.analyze(t)));
  const client = sentimentClient({ pipeline: 'bench', stage: 'local', node: 'bench', environment: {}, buckets: [], queues: [], topics: [], readableBuckets: [], tablesRead: [], tablesWritten: [], tablesDeleted: [], sentiment: [{ name: 'sentiment', language: 'en' }] }, localSentimentBackend);
  const service = await timeAsync(() => client.batch(texts));
  const single = await timeAsync(async () => { for (const t of texts) await client(t); });

  // 2. The local table add against the store's own puts.
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-sentiment-'));
  const file = join(dir, 'names.txt');
  writeFileSync(file, `${names.join('\n')}\n`);
  const cliTimes: number[] = [];
  for (let i = 0; i < 3; i++) cliTimes.push(sluice(['table', 'fang', 'add', '--file', file, '--entry', ENTRY, '--state', join(dir, `state-${i}`), '--json'], {}));
  const { pipeline } = await loadPipeline(ENTRY);
  const fang = pipeline.node('fang') as Table;
  const schema = keySchemaOf(fang as never);
  // The bare loop and the command's own work without the process around it (read the file, scan,
  // plan, write), each on a fresh state folder, interleaved, after one warm-up run of each.
  const loopTimes: number[] = [];
  const inProcess: number[] = [];
  for (let i = 0; i < 6; i++) {
    const bare = (await openStage(pipeline, 'local', { stateDir: join(dir, `bare-${i}`) })) as LocalStage;
    let start = performance.now();
    bare.engine.store.transaction(() => { for (const name of names) bare.engine.store.items.put(schema, { name }); });
    if (i > 0) loopTimes.push(performance.now() - start);
    await bare.close();
    const stage = (await openStage(pipeline, 'local', { stateDir: join(dir, `in-process-${i}`) })) as LocalStage;
    start = performance.now();
    const { items } = readItems(fang, { file });
    const present = new Set((await stage.table('fang').scan(Number.MAX_SAFE_INTEGER)).map((item) => keyText(fang, item)));
    await stage.table('fang').write({ put: planItems(fang, items, present, 'add').changes, delete: [] });
    if (i > 0) inProcess.push(performance.now() - start);
    await stage.close();
  }
  const rows = [
    ['what (10,000)', 'sluice', 'baseline', 'ratio', 'goal'],
    ['local sentiment: ctx.sentiment.batch vs sentiment.analyze', `${service.toFixed(0)} ms`, `${direct.toFixed(0)} ms`, `${(service / direct).toFixed(2)}x`, '<= 1.10x'],
    ['local sentiment: ctx.sentiment one by one vs sentiment.analyze', `${single.toFixed(0)} ms`, `${direct.toFixed(0)} ms`, `${(single / direct).toFixed(2)}x`, '(for reference)'],
    ['table add --file, local (in process: read, scan, plan, write) vs store puts', `${median(inProcess).toFixed(0)} ms`, `${median(loopTimes).toFixed(0)} ms`, `${(median(inProcess) / median(loopTimes)).toFixed(2)}x`, '<= 1.5x'],
    ['table add --file, local (whole CLI) vs store puts', `${median(cliTimes).toFixed(0)} ms`, `${median(loopTimes).toFixed(0)} ms`, `${(median(cliTimes) / median(loopTimes)).toFixed(2)}x`, '(with process start)'],
  ];

  print(rows);
  rows.splice(1);
  // 3. On moto: the same command against the AWS CLI's batch-write-item.
  // SLUICE_BENCH_SKIP_AWS_CLI=1 leaves out this row: the AWS CLI's 400 processes take minutes.
  const skip = process.env.SLUICE_BENCH_SKIP_AWS_CLI === '1' ? 'SLUICE_BENCH_SKIP_AWS_CLI=1' : motoUnavailable();
  if (skip) rows.push(['table add --file, moto', 'skipped', skip, '', '']);
  else {
    const moto = await startMoto();
    const env = { ...moto.env, AWS_EC2_METADATA_DISABLED: 'true' };
    try {
      sluice(['deploy', ENTRY, '--stage', 'bench', '--yes', '--json'], env);
      const ours = sluice(['table', 'fang', 'add', '--file', file, '--entry', ENTRY, '--stage', 'bench', '--json'], env);
      const table = 'ai-sentiment-bench-fang';
      // The same items into a second table through the AWS CLI, 25 a call (batch-write-item's limit).
      const other = 'bench-awscli-fang';
      spawnSync('aws', ['dynamodb', 'create-table', '--table-name', other, '--attribute-definitions', 'AttributeName=name,AttributeType=S', '--key-schema', 'AttributeName=name,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST', '--endpoint-url', moto.endpoint], { env: { ...process.env, ...env }, encoding: 'utf8' });
      const start = performance.now();
      for (let i = 0; i < names.length; i += 25) {
        const request = { [other]: names.slice(i, i + 25).map((name) => ({ PutRequest: { Item: { name: { S: name } } } })) };
        const r = spawnSync('aws', ['dynamodb', 'batch-write-item', '--request-items', JSON.stringify(request), '--endpoint-url', moto.endpoint], { env: { ...process.env, ...env }, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`aws dynamodb batch-write-item failed: ${r.stderr}`);
      }
      const awsCli = performance.now() - start;
      rows.push([`table add --file, moto (${table}) vs aws batch-write-item`, `${ours.toFixed(0)} ms`, `${awsCli.toFixed(0)} ms`, `${(ours / awsCli).toFixed(2)}x`, '<= 1.0x']);
      sluice(['destroy', ENTRY, '--stage', 'bench', '--yes', '--json'], env);
    } finally {
      await moto.stop();
    }
  }
  print(rows);
  rmSync(dir, { recursive: true, force: true });
}
