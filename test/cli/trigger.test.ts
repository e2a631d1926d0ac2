/**
 * `sluice trigger` and `sluice executions` on the local stage, as a user runs them: the flow runs on
 * the engine this process opens, each job's progress is shown, a failure names the job and exits 1,
 * `--json` is one document, the executions list and one execution's jobs read back from the state,
 * and a flow's email in `sluice outbox` gives a command that shows its execution.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { copyPipeline, fixture, parseJson, removeRepoTempDir, sluiceAwait } from './support.js';

let dir: string;
const cli = (...args: string[]) => sluiceAwait(args, { cwd: dir, timeoutMs: 60_000 });

before(() => {
  dir = copyPipeline(dirname(fixture('flows')));
  writeFileSync(join(dir, 'a.txt'), 'alpha');
});
after(() => removeRepoTempDir(dir));

test('GIVEN objects put in the landing stage WHEN sluice trigger runs the flow THEN each job is shown as it succeeds and the stages are written', async () => {
  assert.equal((await cli('put', 'landing', 'a.txt')).status, 0);
  const run = await cli('trigger', 'nightly', '--name', 'first');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /✓ extract/);
  assert.match(run.stderr, /✓ clean/);
  assert.match(run.stdout, /flow 'nightly' succeeded in .* \(execution first\)/);
  const ls = await cli('ls', 'silver', '--json');
  assert.deepEqual(parseJson<{ objects: Array<{ key: string }> }>(ls).objects.map((o) => o.key), ['a.txt']);
});

test('GIVEN a job that fails WHEN its flow is triggered with --json THEN it exits 1 with the execution naming the job, and its write is not in the stage', async () => {
  const run = await cli('trigger', 'fragile', '--json', '--name', 'broke');
  assert.equal(run.status, 1, run.stderr);
  const detail = parseJson<{ status: string; failedJob: string; cause: string; jobs: Array<{ job: string; status: string }> }>(run);
  assert.equal(detail.status, 'FAILED');
  assert.equal(detail.failedJob, 'broken');
  assert.match(detail.cause, /upstream export is empty/);
  const ls = parseJson<{ objects: Array<{ key: string }> }>(await cli('ls', 'silver', '--json'));
  assert.ok(!ls.objects.some((o) => o.key === 'half.txt'), 'the failed job wrote nothing');
});

test('GIVEN the failed flow emails a notify node WHEN sluice outbox runs THEN the email names the job and the cause, and the command it gives shows the execution', async () => {
  const outbox = parseJson<{ emails: Array<{ to: string[]; subject: string; text: string; cause: { type: string; node: string } }> }>(await cli('outbox', 'oncall', '--json'));
  assert.equal(outbox.emails.length, 1);
  const [email] = outbox.emails;
  assert.deepEqual([email!.to, email!.subject, email!.cause], [['oncall@example.org'], 'fragile of flows FAILED', { type: 'message', node: 'fragile' }]);
  assert.match(email!.text, /^Flow 'fragile' of pipeline 'flows' FAILED: job 'broken' failed\.$/m);
  assert.match(email!.text, /^Cause: .*upstream export is empty/m);
  // WHEN the reader runs the command the email ends with THEN it shows that execution
  const command = /^See it with: sluice (.+)$/m.exec(email!.text)![1]!.split(' ');
  assert.deepEqual(command, ['executions', 'fragile', '--id', 'broke']);
  const shown = await cli(...command, '--json');
  assert.equal(shown.status, 0, shown.stderr);
  assert.deepEqual([parseJson<{ name: string; status: string }>(shown).name, parseJson<{ status: string }>(shown).status], ['broke', 'FAILED']);
});

test('WHEN sluice executions lists a flow and shows one execution THEN status, duration and each job read back from the state', async () => {
  const list = await cli('executions', 'nightly');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^first\s+SUCCEEDED\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\S+/m);
  const one = parseJson<{ name: string; jobs: Array<{ job: string; status: string; attempts: number }> }>(await cli('executions', 'nightly', '--id', 'first', '--json'));
  assert.deepEqual(one.jobs.map((j) => [j.job, j.status, j.attempts]), [['extract', 'succeeded', 1], ['clean', 'succeeded', 1]]);
  const unknown = await cli('executions', 'nightly', '--id', 'nope');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /flow 'nightly' has no execution 'nope'.*SLUICE_E_EXECUTION_UNKNOWN/s);
  const notFlow = await cli('trigger', 'extract');
  assert.equal(notFlow.status, 2);
  assert.match(notFlow.stderr, /'extract' is a job, not a function or schedule or flow of pipeline 'flows' \(functions: none; schedules: none; flows: nightly, fragile\).*SLUICE_E_UNKNOWN_NODE/s);
  // AND a name that is nothing trigger takes lists the flows, schedules and functions it could be
  const unknownName = await cli('trigger', 'nosuch');
  assert.equal(unknownName.status, 2);
  assert.match(unknownName.stderr, /'nosuch' is not a function or schedule or flow of pipeline 'flows' \(functions: none; schedules: none; flows: nightly, fragile\).*SLUICE_E_UNKNOWN_NODE/s);
});
