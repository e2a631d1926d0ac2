/**
 * Job handlers through `ctx`: list/read/open/write and the row helpers over a JobIo, every call
 * checked against the job's grants (a bucket with no edge fails naming the edge to declare).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { PermissionDeniedError, type SluiceError } from 'sluice';
import { createJobCtx, isJobHandler, job, jobHandlerOf, memoryJobIo, type JobCtx, type MemoryJobIo } from 'sluice/runtime';

function setup(): { io: MemoryJobIo; ctx: JobCtx; logs: Array<[string, unknown]> } {
  const io = memoryJobIo(['landing', 'bronze', 'silver']);
  const logs: Array<[string, unknown]> = [];
  const ctx = createJobCtx({
    job: 'clean', flow: 'nightly', execution: 'exec-1', input: { day: '2026-01-02' }, config: { threshold: 3 },
    io, grants: { reads: ['bronze'], writes: ['silver'] }, log: (m, d) => logs.push([m, d]),
  });
  return { io, ctx, logs };
}

test('job() makes a handler the runtime recognises; a module must export one as its default', () => {
  const handler = job(async () => 1);
  assert.ok(isJobHandler(handler));
  assert.equal(jobHandlerOf({ default: handler }, 'clean'), handler);
  assert.equal(jobHandlerOf({ default: { default: handler } }, 'clean'), handler);
  assert.throws(() => jobHandlerOf({ handler: () => 1 }, 'clean'), (e: SluiceError) => e.code === 'SLUICE_E_JOB_HANDLER' && /job 'clean' does not export a job\(\)/.test(e.message));
  assert.throws(() => job('nope' as never), (e: SluiceError) => e.code === 'SLUICE_E_JOB_HANDLER' && /given string/.test(e.message));
});

test('ctx carries the run: job, flow, execution, input, config, and logs', () => {
  const { ctx, logs } = setup();
  assert.deepEqual([ctx.job, ctx.flow, ctx.execution, ctx.input, ctx.config], ['clean', 'nightly', 'exec-1', { day: '2026-01-02' }, { threshold: 3 }]);
  ctx.log('started', { files: 2 });
  assert.deepEqual(logs, [['started', { files: 2 }]]);
});

test('list, read and open a bucket the job reads; write a bucket it writes (text, bytes, chunks, a stream)', async () => {
  const { io, ctx } = setup();
  io.put('bronze', 'orders/b.csv', 'B');
  io.put('bronze', 'orders/a.csv', 'AA');
  io.put('bronze', 'other.csv', 'x');
  const listed = [];
  for await (const o of ctx.list('bronze', 'orders/')) listed.push([o.key, o.size]);
  assert.deepEqual(listed, [['orders/a.csv', 2], ['orders/b.csv', 1]]);
  assert.equal((await ctx.read('bronze', 'orders/a.csv')).toString(), 'AA');
  assert.deepEqual(await ctx.write('silver', 'one.txt', 'hé'), { key: 'one.txt', size: 3 });
  await ctx.write('silver', 'two.bin', new Uint8Array([1, 2]));
  await ctx.write('silver', 'three.txt', (async function* () { yield Buffer.from('a'); yield Buffer.from('b'); })());
  await ctx.write('silver', 'four.txt', await ctx.open('bronze', 'orders/b.csv'));
  await ctx.write('silver', 'five.txt', Readable.from(['x', 'y']));
  assert.deepEqual(io.keys('silver'), ['five.txt', 'four.txt', 'one.txt', 'three.txt', 'two.bin']);
  assert.equal(io.get('silver', 'three.txt')!.toString(), 'ab');
  assert.equal(io.get('silver', 'four.txt')!.toString(), 'B');
  assert.equal(io.get('silver', 'five.txt')!.toString(), 'xy');
});

test('a bucket the job has no edge for fails with PermissionDeniedError naming the edge to declare', async () => {
  const { io, ctx } = setup();
  io.put('landing', 'a.csv', 'id\n1\n');
  const readDenied = (e: SluiceError) => e instanceof PermissionDeniedError && e.code === 'SLUICE_E_PERMISSION' && e.message === "bucket 'landing' is not read by job 'clean': declare landing.to(clean)";
  assert.throws(() => ctx.list('landing'), readDenied);
  await assert.rejects(ctx.read('landing', 'a.csv'), readDenied);
  await assert.rejects(ctx.open('landing', 'a.csv'), readDenied);
  const rows = ctx.rows.csv.read('landing', 'a.csv');
  await assert.rejects(async () => { for await (const _ of rows) { /* denied before any row */ } }, readDenied);
  // Reading a stage it writes is not reading it: silver.to(clean) is a separate edge.
  await assert.rejects(ctx.read('silver', 'x'), (e: SluiceError) => e.message === "bucket 'silver' is not read by job 'clean': declare silver.to(clean)");
  const writeDenied = (e: SluiceError) => e instanceof PermissionDeniedError && e.message === "bucket 'bronze' is not written by job 'clean': declare clean.to(bronze)";
  await assert.rejects(ctx.write('bronze', 'x', 'y'), writeDenied);
  await assert.rejects(ctx.rows.parquet.write('bronze', 'x', [{ a: 1 }]), writeDenied);
  // Nothing was written anywhere
  assert.deepEqual(io.keys('bronze'), []);
});

test('rows: CSV in bronze to Parquet and JSON Lines in silver, counted, and read back', async () => {
  const { io, ctx } = setup();
  io.put('bronze', 'orders.csv', 'id,amount\n1,2.5\n2,4\n');
  async function* typed() {
    for await (const r of ctx.rows.csv.read('bronze', 'orders.csv')) yield { id: Number(r.id), amount: Number(r.amount) };
  }
  const written = await ctx.rows.parquet.write('silver', 'orders.parquet', typed(), { schema: { id: 'INT64', amount: 'DOUBLE' } });
  assert.equal(written.rows, 2);
  assert.equal(written.key, 'orders.parquet');
  assert.equal(written.size, io.get('silver', 'orders.parquet')!.length);
  assert.equal(io.get('silver', 'orders.parquet')!.subarray(0, 4).toString(), 'PAR1');
  await ctx.rows.jsonl.write('silver', 'orders.jsonl', [{ id: 1 }, { id: 2 }]);
  await ctx.rows.csv.write('silver', 'orders.csv', [{ id: 1, ok: true }]);
  assert.equal(io.get('silver', 'orders.jsonl')!.toString(), '{"id":1}\n{"id":2}\n');
  assert.equal(io.get('silver', 'orders.csv')!.toString(), 'id,ok\n1,true\n');
  // Read back through a ctx that reads silver
  const reader = createJobCtx({ job: 'aggregate', flow: 'nightly', execution: 'e', input: null, io, grants: { reads: ['silver'], writes: [] } });
  const back = [];
  for await (const r of reader.rows.parquet.read('silver', 'orders.parquet')) back.push(r);
  assert.deepEqual(back, [{ id: 1n, amount: 2.5 }, { id: 2n, amount: 4 }]);
  const lines = [];
  for await (const r of reader.rows.jsonl.read('silver', 'orders.jsonl')) lines.push(r);
  assert.deepEqual(lines, [{ id: 1 }, { id: 2 }]);
});

test('a row source that throws fails the write, and the object is not written', async () => {
  const { io, ctx } = setup();
  async function* broken() {
    yield { a: 1 };
    throw new Error('upstream broke');
  }
  await assert.rejects(ctx.rows.csv.write('silver', 'bad.csv', broken()), /upstream broke/);
  await assert.rejects(ctx.rows.parquet.write('silver', 'bad.parquet', broken()), /upstream broke/);
  await assert.rejects(ctx.rows.jsonl.write('silver', 'bad.jsonl', broken()), /upstream broke/);
  assert.deepEqual(io.keys('silver'), []);
});

test('reading a missing object fails naming it', async () => {
  const { ctx } = setup();
  await assert.rejects(ctx.read('bronze', 'nope.csv'), (e: SluiceError) => e.code === 'SLUICE_E_NO_SUCH_KEY' && /object 'nope.csv' does not exist in bucket 'bronze'/.test(e.message));
});

test('a key S3 would refuse (empty, over 1,024 bytes) fails the write with SLUICE_E_OBJECT_KEY before anything is written', async () => {
  const { io, ctx } = setup();
  const badKey = (e: SluiceError) => e.code === 'SLUICE_E_OBJECT_KEY' && /job 'clean' writing to bucket 'silver'/.test(e.message);
  await assert.rejects(ctx.write('silver', '', 'y'), badKey);
  await assert.rejects(ctx.rows.jsonl.write('silver', 'k'.repeat(1025), [{ a: 1 }]), badKey);
  assert.deepEqual(io.keys('silver'), []);
});
