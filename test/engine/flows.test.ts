/**
 * Flows on the local engine: the state machine synth deploys, run by a Step Functions interpreter,
 * each job in a worker thread. Jobs run in the order of their stages; a failing job fails the
 * execution naming it, nothing after it runs and its writes are not committed; retries, timeouts,
 * grants, overlap, schedules, outcome topics and event-driven steps downstream behave as on AWS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { bucket, fn, flow, glueJob, job, pipeline, queue, schedule, secret, topic, type JobProps } from 'sluice';
import { fixture, startLocal, tempDir } from '../helpers/local.js';

const jobFixture = (name: string) => new URL(`../fixtures/jobs/${name}.ts`, import.meta.url);
const copyJob = (name: string, from: string, to: string, extra: Partial<JobProps> = {}) => job(name, { handler: jobFixture('copy-stage'), config: { from, to }, ...extra });

test('GIVEN a chain of jobs over stages WHEN the flow is triggered THEN each job runs after the one whose stage it reads, and the output holds every result', async (t) => {
  const [landing, bronze, silver] = [bucket('landing'), bucket('bronze'), bucket('silver')];
  const extract = copyJob('extract', 'landing', 'bronze');
  const clean = copyJob('clean', 'bronze', 'silver');
  const local = await startLocal(t, pipeline('chain', [landing.to(extract).to(bronze), bronze.to(clean).to(silver), flow('nightly', [clean, extract])]));
  await local.put('landing', 'a.txt', 'alpha');
  await local.put('landing', 'b.txt', 'beta');
  const run = await local.trigger('nightly', { day: '2026-01-05' });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.deepEqual(await local.list('silver'), ['a.txt', 'b.txt']);
  assert.equal(await local.text('silver', 'a.txt'), 'ALPHA');
  assert.deepEqual(run.output, { extract: { copied: 2 }, clean: { copied: 2 } });
  const [first, second] = run.jobs;
  assert.deepEqual(run.jobs.map((j) => [j.job, j.status, j.attempts]), [['extract', 'succeeded', 1], ['clean', 'succeeded', 1]]);
  assert.ok(Date.parse(second!.startedAt!) >= Date.parse(first!.stoppedAt!), 'clean started after extract ended');
  assert.deepEqual((await local.executions('nightly')).map((e) => e.status), ['SUCCEEDED']);
});

test('GIVEN a job that fails after writing WHEN the flow runs THEN the execution fails naming it, its write is not committed and the job after it never runs', async (t) => {
  const [landing, bronze, silver] = [bucket('landing'), bucket('bronze'), bucket('silver')];
  const extract = job('extract', { handler: jobFixture('write-then-fail'), config: { to: 'bronze' } });
  const clean = copyJob('clean', 'bronze', 'silver');
  const local = await startLocal(t, pipeline('fails', [landing.to(extract).to(bronze), bronze.to(clean).to(silver), flow('nightly', [extract, clean])]));
  const run = await local.trigger('nightly');
  assert.equal(run.status, 'FAILED');
  assert.equal(run.failedJob, 'extract');
  assert.equal(run.error, 'JobFailed.extract');
  assert.match(run.cause ?? '', /the source system returned garbage/);
  assert.deepEqual(run.jobs.map((j) => [j.job, j.status]), [['extract', 'failed'], ['clean', 'pending']]);
  assert.deepEqual(await local.list('bronze'), [], "the failed job's write was discarded");
  assert.deepEqual(await local.list('silver'), []);
});

test('GIVEN a job with a retry that fails once WHEN the flow runs THEN the second attempt succeeds and the execution with it', async (t) => {
  const marker = join(tempDir(t), 'tried');
  const [landing, out] = [bucket('landing'), bucket('out')];
  const flaky = job('flaky', { handler: jobFixture('flaky'), config: { marker, to: 'out' }, retry: { attempts: 2, interval: '30s' } });
  const local = await startLocal(t, pipeline('retries', [landing.to(flaky).to(out), flow('nightly', [flaky])]));
  const run = await local.trigger('nightly');
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.equal(run.jobs[0]!.attempts, 2);
  assert.deepEqual(await local.list('out'), ['done.txt']);
});

test('GIVEN a job over its timeout, or writing a stage it has no edge to WHEN the flow runs THEN each fails with the reason', async (t) => {
  const [landing, out, other] = [bucket('landing'), bucket('out'), bucket('other')];
  const slow = job('slow', { handler: jobFixture('sleep'), config: { ms: 5000 }, timeout: 1 });
  const sneaky = job('sneaky', { handler: jobFixture('write-elsewhere'), config: { to: 'other' } });
  const reader = copyJob('reader', 'out', 'other');
  const local = await startLocal(t, pipeline('bad-jobs', [landing.to(slow), landing.to(sneaky).to(out), out.to(reader).to(other), flow('timeout', [slow]), flow('grants', [sneaky, reader])]));
  const timedOut = await local.trigger('timeout');
  assert.equal(timedOut.status, 'FAILED');
  assert.equal(timedOut.failedJob, 'slow');
  assert.match(`${timedOut.error} ${timedOut.cause}`, /Timeout|timed out/i);
  const denied = await local.trigger('grants');
  assert.equal(denied.failedJob, 'sneaky');
  assert.match(denied.cause ?? '', /bucket 'other' is not written by job 'sneaky': declare sneaky\.to\(other\)/);
});

test("GIVEN overlap 'refuse' WHEN a flow is triggered while it runs THEN the second trigger is refused naming the first; with 'queue' both run, one after the other", async (t) => {
  const landing = bucket('landing');
  const napA = job('nap-a', { handler: jobFixture('sleep'), config: { ms: 300 } });
  const napB = job('nap-b', { handler: jobFixture('sleep'), config: { ms: 300 } });
  const local = await startLocal(t, pipeline('overlap', [landing.to(napA), landing.to(napB), flow('refusing', [napA]), flow('queueing', [napB], { overlap: 'queue' })]));
  await local.stage.trigger('refusing', {}, { name: 'first' });
  await assert.rejects(local.stage.trigger('refusing'), (e: Error & { code?: string }) => e.code === 'SLUICE_E_FLOW_RUNNING' && /execution 'first'/.test(e.message));
  await local.stage.trigger('queueing', {}, { name: 'q1' });
  await local.stage.trigger('queueing', {}, { name: 'q2' });
  await assert.rejects(local.stage.trigger('queueing', {}, { name: 'q1' }), (e: Error & { code?: string }) => e.code === 'SLUICE_E_EXECUTION_NAME');
  await local.settle();
  await assert.rejects(local.stage.trigger('queueing', {}, { name: 'q1' }), (e: Error & { code?: string }) => e.code === 'SLUICE_E_EXECUTION_NAME' && /already has an execution named 'q1'/.test(e.message));
  const queued = await local.executions('queueing');
  assert.deepEqual(queued.map((e) => [e.name, e.status]).sort(), [['q1', 'SUCCEEDED'], ['q2', 'SUCCEEDED']]);
  const [q2, q1] = queued;
  assert.ok(Date.parse(q2!.startedAt) >= Date.parse(q1!.stoppedAt!), 'q2 started once q1 ended');
});

test("GIVEN a scheduled flow publishing its outcome WHEN the schedule fires THEN an execution runs with the scheduled event as input, and its outcome reaches the topic's queue", async (t) => {
  const [landing, out] = [bucket('landing'), bucket('out')];
  const echo = job('echo', { handler: jobFixture('echo-input'), config: { to: 'out' } });
  const outcomes = queue('outcomes');
  const nightly = flow('nightly', [echo]);
  const local = await startLocal(t, pipeline('scheduled', [landing.to(echo).to(out), schedule('hourly', 'rate(1 hour)').to(nightly).to(topic('done')).to(outcomes, { rawMessageDelivery: true })]));
  await local.advance('1h');
  const [execution] = await local.executions('nightly');
  assert.equal(execution?.status, 'SUCCEEDED');
  const seen = JSON.parse(await local.text('out', 'input.json')) as { input: { 'detail-type': string; resources: string[] }; flow: string; job: string };
  assert.equal(seen.input['detail-type'], 'Scheduled Event');
  assert.deepEqual([seen.flow, seen.job], ['nightly', 'echo']);
  const [message] = await local.messages('outcomes');
  assert.match(message!.body, /SUCCEEDED/);
  assert.match(message!.body, /nightly/);
});

test('GIVEN a Glue job WHEN its flow is triggered locally THEN its local twin runs in its place; without a twin the trigger stops before starting, naming both ways out', async (t) => {
  const [landing, refs] = [bucket('landing'), bucket('refs')];
  const twin = glueJob('enrich', { script: new URL('../fixtures/jobs/enrich.py', import.meta.url).pathname, local: jobFixture('twin'), type: 'pythonshell' });
  const bare = glueJob('legacy', { script: new URL('../fixtures/jobs/enrich.py', import.meta.url).pathname });
  const local = await startLocal(t, pipeline('glue', [landing.to(twin).to(refs), landing.to(bare), flow('with-twin', [twin]), flow('without-twin', [bare])]));
  await local.put('landing', 'r.txt', 'ref');
  const run = await local.trigger('with-twin');
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  assert.deepEqual(run.jobs.map((j) => [j.job, j.kind, j.status]), [['enrich', 'glueJob', 'succeeded']]);
  assert.deepEqual(await local.list('refs'), ['r.txt']);
  await assert.rejects(local.trigger('without-twin'), (e: Error & { code?: string }) => e.code === 'SLUICE_E_GLUE_NO_LOCAL' && /add one \(glueJob\('legacy'.*local: '\.\/jobs\/legacy\.ts'.*or branch downstream of it/.test(e.message));
});

test("GIVEN an event-driven step on a job's output stage WHEN the job's writes are committed THEN the step runs on each object, as S3 notifications would start it", async (t) => {
  const [landing, bronze, seen] = [bucket('landing'), bucket('bronze'), bucket('seen')];
  const extract = copyJob('extract', 'landing', 'bronze');
  const local = await startLocal(t, pipeline('mixed', [landing.to(extract).to(bronze), bronze.to(fn('notice', { handler: fixture('echo-input') })).to(seen), flow('nightly', [extract])]));
  await local.put('landing', 'a.txt', 'alpha');
  const run = await local.trigger('nightly');
  assert.equal(run.status, 'SUCCEEDED');
  assert.ok((await local.list('seen')).some((k) => k.includes('a.txt')), `the step saw the job's object: ${(await local.list('seen')).join(', ')}`);
});

test("GIVEN a job whose config holds secret('/path') WHEN its flow runs THEN it reads the local secret's value; a secret not set fails the job naming it", async (t) => {
  const [landing, out] = [bucket('landing'), bucket('out')];
  const withSecret = job('with-secret', { handler: jobFixture('echo-input'), config: { to: 'out', token: secret('/orders/token') } });
  const missing = job('missing', { handler: jobFixture('echo-input'), config: { to: 'out', token: secret('/orders/absent') } });
  const leaky = job('leaky', { handler: jobFixture('leak-secret'), config: { token: secret('/orders/token') } });
  const local = await startLocal(t, pipeline('secrets', [landing.to(withSecret).to(out), landing.to(missing).to(out), landing.to(leaky), flow('ok', [withSecret]), flow('broken', [missing]), flow('leaks', [leaky])]), { secrets: { '/orders/token': 's3cr3t-value' } });
  assert.equal((await local.trigger('ok')).status, 'SUCCEEDED');
  // A job that throws with the secret in its message: the execution's cause carries it redacted.
  const leaked = await local.trigger('leaks');
  assert.equal(leaked.failedJob, 'leaky');
  assert.match(leaked.cause ?? '', /login refused for \*\*\*/);
  assert.doesNotMatch(JSON.stringify(leaked), /s3cr3t-value/);
  const run = await local.trigger('broken');
  assert.equal(run.failedJob, 'missing');
  assert.match(run.cause ?? '', /secret '\/orders\/absent' is not set/);
});

test('GIVEN a job run twice WHEN its handler is unchanged THEN the second run finds its sandbox warm (module state kept, as on Lambda); a changed handler starts afresh', async (t) => {
  const dir = tempDir(t);
  const handler = join(dir, 'count.ts');
  const source = (label: string) => `import { job } from 'sluice/runtime';\nlet runs = 0;\nexport default job(async () => ({ runs: ++runs, label: '${label}' }));\n`;
  writeFileSync(handler, source('a'));
  const counter = job('counter', { handler });
  const local = await startLocal(t, pipeline('warm', [bucket('landing').to(counter), flow('count', [counter])]));
  assert.deepEqual((await local.trigger('count')).output, { counter: { runs: 1, label: 'a' } });
  assert.deepEqual((await local.trigger('count')).output, { counter: { runs: 2, label: 'a' } });
  writeFileSync(handler, source('b'));
  assert.deepEqual((await local.trigger('count')).output, { counter: { runs: 1, label: 'b' } });
});
