/**
 * Unit tests of the medallion example, on the in-memory engine: the nightly flow over the sample
 * exports (row counts per stage, duplicates removed, malformed rows kept aside with their reasons, gold
 * against a computation of its own), a job that fails (the execution names it, nothing after it runs,
 * its writes are discarded, a rerun on the corrected file succeeds), a retry, and the sample data and
 * Glue script the README relies on.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import type { GlueJob } from 'sluice';
import { localPipeline, type LocalPipeline } from 'sluice/testing';
import pipe from './pipeline.js';
import { generateLanding } from './scripts/generate.js';

const LANDING = fileURLToPath(new URL('./sample-data/landing/orders/', import.meta.url));
const landingFiles = () => readdirSync(LANDING).filter((f) => f.endsWith('.csv')).sort().map((f) => ({ key: `orders/${f}`, text: readFileSync(join(LANDING, f), 'utf8') }));

/** The pipeline on the in-memory engine, the sample exports in landing; closed after the test. */
async function start(t: Pick<TestContext, 'after'>): Promise<LocalPipeline> {
  const local = await localPipeline(pipe, { startTime: '2026-01-10T02:00:00Z' });
  t.after(() => local.close());
  for (const f of landingFiles()) await local.put('landing', f.key, f.text);
  return local;
}

/** The rows of a Parquet object, read with hyparquet (not through sluice's row helpers). */
async function parquet(local: LocalPipeline, bucket: string, key: string): Promise<Array<Record<string, unknown>>> {
  const bytes = await local.get(bucket, key);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
}

async function jsonl(local: LocalPipeline, bucket: string, key: string): Promise<Array<Record<string, any>>> {
  return (await local.text(bucket, key)).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** Every object of a bucket under a prefix, key to bytes (to tell whether a run changed it). */
async function snapshot(local: LocalPipeline, bucket: string, prefix = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await local.list(bucket, prefix)) out.set(key, (await local.get(bucket, key)).toString('base64'));
  return out;
}

/**
 * What the flow should make of the exports, worked out here on its own: a CSV parser other than the
 * jobs', the rules written again, integer cents. Agreement between the two is the check.
 */
function expected(files: Array<{ key: string; text: string }>) {
  const perFile: Array<{ key: string; records: number; readable: number }> = [];
  const rejected: Array<{ file: string; row: number; fields: string[] }> = [];
  const latest = new Map<string, { file: string; row: number; values: Record<string, string> }>();
  const copies = new Map<string, Array<Record<string, string>>>();
  let valid = 0;
  for (const f of files) {
    const [header, ...records] = parse(f.text, { relax_column_count: true }) as string[][];
    const readable = records.filter((r) => r.length === header!.length);
    perFile.push({ key: f.key, records: records.length, readable: readable.length });
    readable.forEach((cells, i) => {
      const v = Object.fromEntries(header!.map((h, c) => [h, cells[c]!.trim()]));
      const bad = ['order_id', 'customer_id', 'customer_name', 'product', 'country', 'currency'].filter((c) => v[c] === '');
      if (v.country && !/^[A-Z]{2}$/.test(v.country)) bad.push('country');
      if (v.currency && !/^[A-Z]{3}$/.test(v.currency)) bad.push('currency');
      const at = new Date(v.ordered_at!);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(v.ordered_at!) || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 19) + 'Z' !== v.ordered_at) bad.push('ordered_at');
      if (!/^[1-9]\d{0,4}$/.test(v.quantity!)) bad.push('quantity');
      if (!/^\d{1,9}(\.\d{1,2})?$/.test(v.unit_price!)) bad.push('unit_price');
      if (bad.length) return void rejected.push({ file: f.key, row: i + 1, fields: bad });
      valid++;
      // Files come in day order and rows in file order, so the last copy seen is the latest.
      latest.set(v.order_id!, { file: f.key, row: i + 1, values: v });
      copies.set(v.order_id!, [...(copies.get(v.order_id!) ?? []), v]);
    });
  }
  const gold = new Map<string, { order_date: string; customer_id: string; currency: string; orders: number; units: number; cents: number }>();
  for (const { values: v } of latest.values()) {
    const id = `${v.ordered_at!.slice(0, 10)}|${v.customer_id}|${v.currency}`;
    const g = gold.get(id) ?? { order_date: v.ordered_at!.slice(0, 10), customer_id: v.customer_id!, currency: v.currency!, orders: 0, units: 0, cents: 0 };
    const [whole, fraction = ''] = v.unit_price!.split('.');
    g.orders++;
    g.units += Number(v.quantity);
    g.cents += Number(v.quantity) * (Number(whole) * 100 + Number(fraction.padEnd(2, '0')));
    gold.set(id, g);
  }
  return { perFile, rejected, latest, copies, valid, gold: [...gold.values()].sort((a, b) => (a.order_date + a.customer_id + a.currency < b.order_date + b.customer_id + b.currency ? -1 : 1)) };
}

describe('the nightly flow over the sample exports', () => {
  const want = expected(landingFiles());
  let local: LocalPipeline;
  let run: Awaited<ReturnType<LocalPipeline['trigger']>>;
  const closing: Array<() => Promise<void>> = [];

  before(async () => {
    // GIVEN the five daily exports in landing
    local = await start({ after: (fn: () => Promise<void>) => void closing.push(fn) } as Pick<TestContext, 'after'>);
    // WHEN the nightly flow runs
    run = await local.trigger('nightly');
  });
  after(async () => {
    for (const close of closing) await close();
  });

  test('succeeds, running extract, then clean and enrich, then aggregate, each once', () => {
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.deepEqual(run.jobs.map((j) => [j.job, j.status, j.attempts]), [['extract', 'succeeded', 1], ['clean', 'succeeded', 1], ['enrich', 'succeeded', 1], ['aggregate', 'succeeded', 1]]);
  });

  test('bronze holds one Parquet file per export, row for row, every field as text', async () => {
    assert.deepEqual(await local.list('bronze'), want.perFile.map((f) => f.key.replace('.csv', '.parquet')));
    for (const f of want.perFile) {
      const rows = await parquet(local, 'bronze', f.key.replace('.csv', '.parquet'));
      assert.equal(rows.length, f.readable, `${f.key}: every readable record`);
      assert.ok(rows.every((r) => Object.values(r).every((v) => typeof v === 'string')), `${f.key}: text only`);
    }
    assert.deepEqual((run.output as any).extract.files.map((f: any) => f.rows), want.perFile.map((f) => f.readable));
  });

  test('records that are not CSV (a field too many) are kept in quarantine with their line and reason', async () => {
    const unreadable = (await Promise.all(want.perFile.map((f) => jsonl(local, 'quarantine', `unreadable/${f.key.replace('.csv', '.jsonl')}`)))).flat();
    assert.equal(unreadable.length, want.perFile.reduce((n, f) => n + f.records - f.readable, 0));
    assert.ok(unreadable.length >= 2, 'the sample has some');
    for (const u of unreadable) {
      assert.match(u.reason, /Invalid Record Length/);
      assert.ok(u.line > 1 && typeof u.source_file === 'string');
    }
  });

  test('silver holds each valid order once, its latest copy, typed, by day', async () => {
    const keys = await local.list('silver', 'orders/');
    const days = [...new Set([...want.latest.values()].map((o) => o.values.ordered_at!.slice(0, 10)))].sort();
    assert.deepEqual(keys, days.map((d) => `orders/order_date=${d}/part-00000.parquet`));
    const orders = (await Promise.all(keys.map((k) => parquet(local, 'silver', k)))).flat();
    assert.equal(orders.length, want.latest.size);
    assert.equal(new Set(orders.map((o) => o.order_id)).size, orders.length, 'no order id twice');
    const first = orders[0]!;
    assert.ok(first.ordered_at instanceof Date && typeof first.quantity === 'number' && typeof first.unit_price === 'number');
    // A re-sent order whose quantity was corrected: silver has the correction.
    const corrected = [...want.copies].find(([, copies]) => copies.length > 1 && copies.at(-1)!.quantity !== copies[0]!.quantity);
    assert.ok(corrected, 'the sample has a corrected order');
    const [id, copies] = corrected;
    assert.equal(orders.find((o) => o.order_id === id)!.quantity, Number(copies.at(-1)!.quantity));
    // Every row read is an order, a rejected row, or an older copy.
    const clean = (run.output as any).clean;
    assert.deepEqual([clean.rows, clean.orders, clean.rejected, clean.duplicates], [want.valid + want.rejected.length, want.latest.size, want.rejected.length, want.valid - want.latest.size]);
    assert.ok(clean.duplicates > 20, `the sample re-sends orders (${clean.duplicates})`);
  });

  test('rows that break a rule are counted and kept in quarantine, each with every reason', async () => {
    const rejected = await jsonl(local, 'quarantine', 'rejected/orders.jsonl');
    assert.deepEqual(rejected.map((r) => [r.source_file, r.source_row, r.problems.map((p: any) => p.field).sort()]), want.rejected.map((r) => [r.file, r.row, r.fields.sort()]));
    const byField: Record<string, number> = {};
    for (const r of want.rejected) for (const f of r.fields) byField[f] = (byField[f] ?? 0) + 1;
    assert.deepEqual((run.output as any).clean.rejectedBy, byField);
    assert.deepEqual(Object.keys(byField).sort(), ['currency', 'customer_id', 'order_id', 'ordered_at', 'quantity', 'unit_price']);
    // Each row keeps what arrived, and the reason says what was wrong with which value.
    const word = rejected.find((r) => r.row.quantity === 'two')!;
    assert.deepEqual(word.problems, [{ field: 'quantity', reason: 'quantity is not a whole number from 1 to 99999 (given "two")' }]);
    const date = rejected.find((r) => r.row.ordered_at === '2026-02-30T10:00:00Z');
    if (date) assert.match(date.problems[0].reason, /^ordered_at is not a UTC time like/);
  });

  test('gold holds the daily revenue per customer and currency, as computed here from the exports', async () => {
    const keys = await local.list('gold', 'daily_revenue/');
    const gold = (await Promise.all(keys.map((k) => parquet(local, 'gold', k)))).flat();
    assert.deepEqual(
      gold.map((g) => ({ order_date: g.order_date, customer_id: g.customer_id, currency: g.currency, orders: g.orders, units: g.units, cents: Math.round((g.revenue as number) * 100) })),
      want.gold,
    );
    // Names and regions come from the customers dimension (enrich's local twin).
    const customers = await parquet(local, 'silver', 'customers/part-00000.parquet');
    const regions = JSON.parse(readFileSync(new URL('./jobs/regions.json', import.meta.url), 'utf8')) as Record<string, string>;
    for (const c of customers) assert.equal(c.region, regions[c.country as string] ?? 'Unknown');
    assert.ok(customers.some((c) => c.country === 'MX' && c.region === 'Unknown'), 'a country regions.json does not list');
    const byCustomer = new Map(customers.map((c) => [c.customer_id, c]));
    assert.ok(gold.every((g) => g.region === byCustomer.get(g.customer_id as string)!.region));
  });

  test("the execution's outcome is published to the outcomes topic", async () => {
    const [message] = await local.messages('outcome-log', { unwrap: true });
    const outcome = JSON.parse(String(message!.body));
    assert.equal(outcome.flow, 'nightly');
    assert.equal(outcome.status, 'SUCCEEDED');
  });
});

/** An export from a system that writes decimal commas: every price is "12,50", so every row is rejected. */
function decimalCommaExport(): string {
  const [header, ...rows] = parse(landingFiles().at(-1)!.text, { relax_column_count: true }) as string[][];
  // Rows with nothing else wrong with them, so the decimal comma is the only fault.
  const sound = rows.filter((r) => r.length === header!.length && r.every((c) => c !== '') && /^[1-9]\d*$/.test(r[6]!) && /^\d+\.\d\d$/.test(r[7]!) && /^2026-01-09T/.test(r[1]!));
  const day = sound.slice(0, 40).map((r, i) => {
    const v = [...r];
    v[0] = `ORD-9${String(i).padStart(5, '0')}`;
    v[1] = `2026-01-10${v[1]!.slice(10)}`;
    v[7] = v[7]!.replace('.', ',');
    return v.map((c) => (/[",]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
  });
  return [header!.join(','), ...day].join('\n') + '\n';
}

test('a failing clean fails the execution, naming it; aggregate never runs, gold and silver are untouched, and a rerun on the fixed file succeeds', async (t) => {
  // GIVEN a completed night
  const local = await start(t);
  assert.equal((await local.trigger('nightly')).status, 'SUCCEEDED');
  const gold = await snapshot(local, 'gold');
  const silverOrders = await snapshot(local, 'silver', 'orders/');
  const rejected = await local.text('quarantine', 'rejected/orders.jsonl');
  // AND a new export whose prices all have decimal commas
  await local.put('landing', 'orders/2026-01-10.csv', decimalCommaExport());
  // WHEN the flow runs again
  const run = await local.trigger('nightly');
  // THEN clean fails it, naming the file, the share and the reason
  assert.equal(run.status, 'FAILED');
  assert.equal(run.failedJob, 'clean');
  assert.equal(run.error, 'JobFailed.clean');
  assert.match(run.cause!, /40 of 40 rows of bronze 'orders\/2026-01-10\.parquet' were rejected \(100%, above maxRejectedShare 5%\); most often unit_price \(40 rows, such as: unit_price is not an amount like 12\.50 \(given \\?"[0-9]+,[0-9]+\\?"\)\)/);
  const jobs = Object.fromEntries(run.jobs.map((j) => [j.job, j.status]));
  assert.equal(jobs.extract, 'succeeded');
  assert.equal(jobs.clean, 'failed');
  assert.equal(jobs.aggregate, 'pending', 'nothing after clean runs');
  // AND gold is as the last good night left it; so are silver's orders and the quarantine clean had rewritten before failing
  assert.deepEqual(await snapshot(local, 'gold'), gold);
  assert.deepEqual(await snapshot(local, 'silver', 'orders/'), silverOrders);
  assert.equal(await local.text('quarantine', 'rejected/orders.jsonl'), rejected, "the failed clean's writes are discarded");
  // AND the executions list and the outcome say which job failed
  const [latest] = await local.executions('nightly');
  assert.deepEqual([latest!.status, latest!.failedJob], ['FAILED', 'clean']);
  const outcomes = (await local.messages('outcome-log', { unwrap: true })).map((m) => JSON.parse(String(m.body)));
  assert.deepEqual(outcomes.map((o) => [o.status, o.failedJob]), [['SUCCEEDED', undefined], ['FAILED', 'clean']]);

  // WHEN the source sends the file again, fixed, under the same key, and the flow is rerun
  await local.put('landing', 'orders/2026-01-10.csv', decimalCommaExport().replace(/"(\d+),(\d+)"/g, '$1.$2'));
  const rerun = await local.trigger('nightly');
  // THEN it succeeds, and gold has the new day
  assert.equal(rerun.status, 'SUCCEEDED', `${rerun.error}: ${rerun.cause}`);
  assert.ok((await local.list('gold')).includes('daily_revenue/order_date=2026-01-10/part-00000.parquet'));
  assert.equal((await jsonl(local, 'quarantine', 'rejected/orders.jsonl')).length, rejected.trimEnd().split('\n').length, 'no new rejected rows');
});

test('extract retries: its first attempt fails, the second succeeds, and the flow goes on', async (t) => {
  // GIVEN an execution input asking extract to fail once (a marker file tells the attempts apart)
  const dir = mkdtempSync(join(tmpdir(), 'medallion-retry-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, 'failed-once');
  const local = await start(t);
  // WHEN the flow runs
  const run = await local.trigger('nightly', { failOnce: { job: 'extract', marker } });
  // THEN extract took two attempts, the first one's error kept, and the flow succeeded
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  const extract = run.jobs.find((j) => j.job === 'extract')!;
  assert.equal(extract.attempts, 2);
  assert.equal(extract.status, 'succeeded');
  assert.ok(existsSync(marker));
  assert.deepEqual(run.jobs.filter((j) => j.job !== 'extract').map((j) => j.attempts), [1, 1, 1]);
  assert.equal((await local.list('gold', 'daily_revenue/')).length, 5);
});

test('the checked-in exports are what the generator writes with its default seed', () => {
  const generated = generateLanding();
  assert.deepEqual([...generated.keys()], landingFiles().map((f) => f.key));
  for (const f of landingFiles()) assert.equal(generated.get(f.key), f.text, `${f.key} differs: rerun scripts/generate.ts`);
  const bytes = landingFiles().reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  assert.ok(bytes < 500_000, `sample data stays small (${bytes} bytes)`);
});

test('the Glue job ships regions.json beside its script, which is valid Python', (t) => {
  const enrich = pipe.nodes.get('enrich') as GlueJob;
  assert.deepEqual(enrich.resolved.extraFiles, [fileURLToPath(new URL('./jobs/regions.json', import.meta.url))]);
  assert.match(readFileSync(enrich.resolved.scriptPath, 'utf8'), /REGIONS_FILE = "regions\.json"/);
  const python = spawnSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', enrich.resolved.scriptPath], { encoding: 'utf8' });
  if (python.error) return t.skip('python3 is not installed');
  assert.equal(python.status, 0, python.stderr);
});
