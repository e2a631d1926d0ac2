/**
 * A job on Lambda against moto_server: the Step Functions payload runs the handler over S3 (listing
 * pages, streamed GetObject bodies, a multipart Upload), buckets named by node and mapped to physical
 * names by the bindings, grants from the bindings, the result returned as JSON, errors thrown with
 * secrets redacted.
 * moto gaps met here: none (moto does not run Lambda or Step Functions, so the adapter is called in
 * process with the payload the state machine sends).
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { job, type JobCtx } from 'sluice/runtime';
import type { SluiceError } from 'sluice';
import { jobLambdaHandler } from '../../src/runtime/aws/job-lambda.js';
import { s3JobIo } from '../../src/runtime/aws/job-io.js';
import { readParquet } from '../../src/runtime/rows/parquet.js';
import { motoUnavailable, type Moto } from '../helpers/moto.js';
import { captureOutput, deployedEnv, startTestAws, type OutputCapture } from './aws-helpers.js';
import { lambdaHandler } from '../../src/runtime/aws/lambda.js';

const skip = motoUnavailable();
let moto: Moto;
let s3: S3Client;
let ssm: SSMClient;
let stdout: OutputCapture;

const BINDINGS = {
  landing: { kind: 'bucket', name: 'p-dev-landing', uses: ['read'] },
  bronze: { kind: 'bucket', name: 'p-dev-bronze', uses: ['write'] },
};
const payload = (input: unknown = {}) => ({ flow: 'nightly', job: 'extract', execution: 'arn:aws:states:us-east-1:123456789012:execution:p-dev-nightly:e1', input });

before(async () => {
  stdout = captureOutput();
  if (skip) return;
  ({ moto, s3, ssm } = await startTestAws());
  for (const b of ['p-dev-landing', 'p-dev-bronze']) await s3.send(new CreateBucketCommand({ Bucket: b }));
});
after(async () => {
  stdout.restore();
  await moto?.stop();
});
beforeEach(() => stdout.clear());

async function objectBytes(Bucket: string, Key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

test('a job reads CSV from S3 and writes Parquet: the result returns as JSON, the objects land in the physical buckets', { skip }, async () => {
  // GIVEN two CSV files in the landing bucket and one under another prefix
  await s3.send(new PutObjectCommand({ Bucket: 'p-dev-landing', Key: 'orders/2026-01-01.csv', Body: 'id,amount\n1,2.5\n2,3\n' }));
  await s3.send(new PutObjectCommand({ Bucket: 'p-dev-landing', Key: 'orders/2026-01-02.csv', Body: 'id,amount\n3,10\n' }));
  await s3.send(new PutObjectCommand({ Bucket: 'p-dev-landing', Key: 'other/x.csv', Body: 'id\n9\n' }));
  const extract = job(async (ctx: JobCtx) => {
    const files: string[] = [];
    let rows = 0;
    for await (const o of ctx.list('landing', 'orders/')) {
      async function* typed() {
        for await (const r of ctx.rows.csv.read('landing', o.key)) yield { id: BigInt(r.id!), amount: Number(r.amount), day: o.key.slice(7, 17) };
      }
      const written = await ctx.rows.parquet.write('bronze', o.key.replace(/\.csv$/, '.parquet'), typed());
      files.push(written.key);
      rows += written.rows;
    }
    ctx.log('extracted', { rows, input: ctx.input, lastId: 2n });
    return { files, rows };
  });
  const handler = jobLambdaHandler({ default: extract }, { env: deployedEnv('extract', BINDINGS) });
  // (a job's module given to the steps' adapter is refused, naming the declaration to use)
  assert.throws(() => lambdaHandler({ default: extract }, { env: deployedEnv('extract', BINDINGS) }), /exports a job\(\): declare it with job\(name, \{ handler \}\)/);
  // WHEN the state machine invokes it
  const result = await handler(payload({ day: '2026-01-02' }), { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 60_000 });
  // THEN it returns what the job returned
  assert.deepEqual(result, { files: ['orders/2026-01-01.parquet', 'orders/2026-01-02.parquet'], rows: 3 });
  // AND the Parquet objects are in the physical bronze bucket, with their rows
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'p-dev-bronze' }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), ['orders/2026-01-01.parquet', 'orders/2026-01-02.parquet']);
  const head = await s3.send(new GetObjectCommand({ Bucket: 'p-dev-bronze', Key: 'orders/2026-01-01.parquet' }));
  assert.equal(head.ContentType, 'application/vnd.apache.parquet');
  const rows = [];
  for await (const r of readParquet((head.Body as NodeJS.ReadableStream), { bucket: 'bronze', key: 'orders/2026-01-01.parquet' })) rows.push(r);
  assert.deepEqual(rows, [{ id: 1n, amount: 2.5, day: '2026-01-01' }, { id: 2n, amount: 3, day: '2026-01-01' }]);
  // AND its log line names the flow, job and execution
  const line = stdout.lines.find((l) => l.message === 'extracted');
  assert.deepEqual({ ...line }, { level: 'INFO', flow: 'nightly', job: 'extract', execution: payload().execution, message: 'extracted', rows: 3, input: { day: '2026-01-02' }, lastId: '2' });
});

test('a job writing a bucket it has no edge to fails the invocation with the edge to declare, and writes nothing', { skip }, async () => {
  const handler = jobLambdaHandler({ default: job(async (ctx) => ctx.write('landing', 'x.txt', 'no')) }, { env: deployedEnv('extract', BINDINGS) });
  await assert.rejects(handler(payload()), (e: SluiceError) => e.name === 'PermissionDeniedError' && e.message === "bucket 'landing' is not written by job 'extract': declare extract.to(landing)");
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'p-dev-landing', Prefix: 'x.txt' }));
  assert.equal(listed.KeyCount, 0);
});

test("a failing job's error reaches the state machine with its type and message, its config's secret redacted", { skip }, async () => {
  await ssm.send(new PutParameterCommand({ Name: '/p/db-password', Value: 'hunter2-secret', Type: 'SecureString' }));
  const env = deployedEnv('extract', BINDINGS, { SLUICE_STEP_CONFIG: JSON.stringify({ password: { 'sluice:secret': '/p/db-password' } }) });
  const handler = jobLambdaHandler({
    default: job(async (ctx) => {
      ctx.log(`connecting with ${String(ctx.config.password)}`);
      throw new TypeError(`login failed for ${String(ctx.config.password)}`);
    }),
  }, { env });
  await assert.rejects(handler(payload()), (e: Error) => e.name === 'TypeError' && e.message === 'login failed for ***');
  assert.ok(stdout.lines.some((l) => l.message === 'connecting with ***'));
  assert.ok(!stdout.text().includes('hunter2-secret'));
});

test('an invocation without the flow payload is refused with how to run the job', { skip }, async () => {
  const handler = jobLambdaHandler({ default: job(() => 1) }, { env: deployedEnv('extract', BINDINGS) });
  await assert.rejects(handler({ Records: [] }), (e: SluiceError) => e.code === 'SLUICE_E_JOB_PAYLOAD' && /missing flow, job, execution.*sluice trigger/.test(e.message));
});

test('S3 JobIo: listing pages past 1,000 keys, a multipart upload of a stream, a missing key named', { skip }, async () => {
  const io = s3JobIo(s3, BINDINGS as never, { partSize: 5 * 1024 * 1024 });
  // GIVEN 1,005 objects (ListObjectsV2 returns 1,000 a page)
  await Promise.all(Array.from({ length: 1005 }, (_, i) => s3.send(new PutObjectCommand({ Bucket: 'p-dev-landing', Key: `many/${String(i).padStart(4, '0')}`, Body: 'x' }))));
  let n = 0;
  for await (const o of io.list('landing', 'many/')) if (o.size === 1) n++;
  assert.equal(n, 1005);
  // WHEN 12 MiB are written as a stream of 1 MiB chunks (three 5 MiB parts)
  const chunk = Buffer.alloc(1024 * 1024, 7);
  async function* body() { for (let i = 0; i < 12; i++) yield chunk; }
  const { Readable } = await import('node:stream');
  const { size } = await io.write('bronze', 'big.bin', Readable.from(body(), { objectMode: false }), {});
  // THEN the object holds every byte
  assert.equal(size, 12 * 1024 * 1024);
  const back = await objectBytes('p-dev-bronze', 'big.bin');
  assert.equal(back.length, 12 * 1024 * 1024);
  assert.equal(back[12 * 1024 * 1024 - 1], 7);
  // AND a stream that fails mid-way leaves no object and no open multipart upload
  async function* broken() { yield chunk; yield chunk; yield chunk; yield chunk; yield chunk; yield chunk; throw new Error('source failed'); }
  await assert.rejects(io.write('bronze', 'broken.bin', Readable.from(broken(), { objectMode: false }), {}), /source failed/);
  const keys = (await s3.send(new ListObjectsV2Command({ Bucket: 'p-dev-bronze', Prefix: 'broken' }))).KeyCount;
  assert.equal(keys, 0);
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'p-dev-bronze' }));
  assert.equal(uploads.Uploads?.length ?? 0, 0);
  // AND a missing object is named
  await assert.rejects(io.open('landing', 'nope.csv'), (e: SluiceError) => e.code === 'SLUICE_E_NO_SUCH_KEY' && /'nope.csv' does not exist in bucket 'landing' \(p-dev-landing/.test(e.message));
});
