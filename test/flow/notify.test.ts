/**
 * A flow emailing its outcome to a notify node (flow.to(alerts)) on the local engine: the email in
 * the outbox is the one the deployed state machine's SNS publish would send (same definition, run by
 * the Step Functions interpreter), addressed to the node's recipients and naming the flow as its cause.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, flow, job, notify, pipeline, topic, queue } from 'sluice';
import { startLocal } from '../helpers/local.js';

const jobFixture = (name: string) => new URL(`../fixtures/jobs/${name}.ts`, import.meta.url);

/** landing -> extract -> bronze, run by flow 'nightly', which emails 'alerts' (and, with `topicToo`, publishes to a topic first). */
function mailingPipeline(handler: string, topicToo = false) {
  const [landing, bronze] = [bucket('landing'), bucket('bronze')];
  const extract = job('extract', { handler: jobFixture(handler), config: { from: 'landing', to: 'bronze' } });
  const nightly = flow('nightly', [extract]);
  const alerts = notify('alerts', { email: ['ops@example.org', 'oncall@example.org'] });
  return pipeline('mail', [
    landing.to(extract).to(bronze),
    ...(topicToo ? [nightly.to(topic('done')).to(queue('outcomes'), { rawMessageDelivery: true })] : []),
    nightly.to(alerts),
  ]);
}

test('GIVEN flow -> notify WHEN an execution succeeds THEN one email to every address says which flow and execution, and the command that shows it works', async (t) => {
  const local = await startLocal(t, mailingPipeline('copy-stage', true));
  await local.put('landing', 'a.txt', 'alpha');
  // WHEN the flow runs to success
  const run = await local.trigger('nightly', {}, { name: 'night-1' });
  assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
  // THEN the outbox holds one email from the flow, to both addresses
  const [email, ...more] = local.outbox('alerts');
  assert.equal(more.length, 0);
  assert.deepEqual(email!.to, ['ops@example.org', 'oncall@example.org']);
  assert.deepEqual(email!.cause, { type: 'message', node: 'nightly' });
  assert.equal(email!.subject, 'nightly of mail SUCCEEDED');
  const lines = email!.text.split('\n');
  assert.equal(lines[0], "Flow 'nightly' of pipeline 'mail' SUCCEEDED.");
  assert.ok(lines.includes('Execution: night-1'), email!.text);
  assert.equal(lines.at(-1), 'See it with: sluice executions nightly --id night-1');
  // AND the id the email gives finds the execution on the local stage
  assert.equal((await local.stage.execution('nightly', 'night-1')).status, 'SUCCEEDED');
  // AND the topic still received the outcome as JSON
  const [message] = await local.messages('outcomes');
  assert.deepEqual(JSON.parse(message!.body), { flow: 'nightly', execution: 'arn:aws:states:us-east-1:000000000000:execution:mail-local-nightly:night-1', status: 'SUCCEEDED' });
});

test('GIVEN flow -> notify WHEN a job fails THEN one email names the failed job and its cause, and the execution still fails naming it', async (t) => {
  const local = await startLocal(t, mailingPipeline('write-then-fail'));
  // WHEN the flow's job fails
  const run = await local.trigger('nightly', {}, { name: 'night-2' });
  // THEN the execution failed as without the email
  assert.deepEqual([run.status, run.failedJob, run.error], ['FAILED', 'extract', 'JobFailed.extract']);
  // AND one email says which job failed, why, and how to see it
  const outbox = local.outbox('alerts');
  assert.equal(outbox.length, 1);
  assert.equal(outbox[0]!.subject, 'nightly of mail FAILED');
  const lines = outbox[0]!.text.split('\n');
  assert.equal(lines[0], "Flow 'nightly' of pipeline 'mail' FAILED: job 'extract' failed.");
  assert.ok(lines.includes('Execution: night-2'), outbox[0]!.text);
  assert.match(lines.find((l) => l.startsWith('Cause: ')) ?? '', /the source system returned garbage/);
  assert.equal(lines.at(-1), 'See it with: sluice executions nightly --id night-2');
  assert.deepEqual(outbox[0]!.cause, { type: 'message', node: 'nightly' });
});
