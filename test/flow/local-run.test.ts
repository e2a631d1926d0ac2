/**
 * Running a flow's definition locally (src/flow/local-run.ts) through the real interpreter
 * (aws-local-stepfunctions) with local handlers: parallel levels, retries with their attempts, a
 * failing job ending the execution with nothing after it, task and execution timeouts, the outcome
 * published once, the input reaching every job and the output holding every result.
 * Retry waits are overridden to 0 ms (retryIntervalOverrides); timeouts use ASL's smallest, 1 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowDefinition, publishStateName } from '../../src/flow/asl.js';
import { localPublishTargets, localSubstitutions, runFlow, substituteDefinition, type FlowEvent, type FlowPublished, type FlowTask, type RunFlowOptions } from '../../src/flow/local-run.js';
import type { FlowPlan } from '../../src/flow/plan.js';
import { InternalError } from '../../src/model/errors.js';
import { ALERTS, flowJob, flowPlan, OUTCOMES } from '../helpers/flow-plan.js';

/** Run a plan with the given handlers (every other job returns `{ ok: <job> }`), recording calls and events. */
async function run(plan: FlowPlan, tasks: Record<string, FlowTask> = {}, options: Partial<RunFlowOptions> = {}) {
  const calls: Array<{ job: string; input: unknown }> = [];
  const events: FlowEvent[] = [];
  const publishes: FlowPublished[] = [];
  const handlers = Object.fromEntries(plan.levels.flat().map((j) => [j.name, ((input, call) => {
    calls.push({ job: j.name, input });
    return tasks[j.name] ? tasks[j.name]!(input, call) : { ok: j.name };
  }) as FlowTask]));
  const result = await runFlow(flowDefinition(plan), {
    substitutions: localSubstitutions(plan),
    tasks: handlers,
    publish: (p) => { publishes.push(p); },
    onEvent: (e) => events.push(e),
    retryIntervalOverrides: Object.fromEntries(plan.levels.flat().map((j) => [j.name, 0])),
    ...options,
  });
  // What reached the outcome topic, and the emails to the notify node (by the target each ARN stands for).
  const targets = localPublishTargets(plan);
  const published = publishes.filter((p) => targets.get(p.topicArn) === OUTCOMES).map((p) => p.message);
  const emails = publishes.filter((p) => targets.get(p.topicArn) === ALERTS).map((p) => ({ subject: p.subject, text: p.message }));
  return { result, calls, events, published, publishes, emails };
}

/** A promise that settles when `count` parties have arrived (or rejects after a long wait, so a broken test ends). */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return async () => {
    if (++arrived === count) open();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([opened, new Promise<void>((_, reject) => { timer = setTimeout(() => reject(new Error(`only ${arrived} of ${count} jobs ever ran at once`)), 5000); })]);
    clearTimeout(timer);
  };
}

/** A handler that runs until its signal aborts, and records that it did. */
function untilAborted(aborted: string[], job: string): FlowTask {
  return (_input, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => { aborted.push(job); resolve(null); }, { once: true }));
}

test('the jobs of one level run at the same time, and the next level starts after all of them', async () => {
  // GIVEN extract, then ten independent jobs, each of which finishes only once all ten have started
  const wide = Array.from({ length: 10 }, (_, i) => `part-${i}`);
  const together = barrier(wide.length);
  const tasks = Object.fromEntries(wide.map((name) => [name, async () => { await together(); return { part: name }; }]));
  // WHEN the flow runs
  const { result, events } = await run(flowPlan([['extract'], wide]), tasks);
  // THEN it succeeds: no job of the level waited for another to end before starting
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  const order = events.filter((e) => e.type === 'job-started' || e.type === 'job-succeeded').map((e) => `${e.type}:${e.job}`);
  const firstEnd = order.findIndex((e) => e.startsWith('job-succeeded:part-'));
  assert.equal(order.slice(0, firstEnd).filter((e) => e.startsWith('job-started:part-')).length, 10, order.join(' '));
  // AND every job is reported, succeeded, with one attempt
  assert.deepEqual(Object.keys(result.jobs).sort(), ['extract', ...wide].sort());
  for (const job of Object.values(result.jobs)) assert.deepEqual([job.status, job.attempts], ['SUCCEEDED', 1]);
  assert.equal(events.filter((e) => e.type === 'job-succeeded').length, 11);
});

test("a job's Retry is honoured: it fails twice, is attempted again each time, and the flow succeeds on the third attempt", async () => {
  // GIVEN a job allowed two retries that fails on its first two attempts
  const plan = flowPlan([[flowJob('clean', { retry: { attempts: 2, intervalSeconds: 60, backoffRate: 2 } })], ['aggregate']]);
  const clean: FlowTask = (_input, { attempt }) => {
    if (attempt < 3) throw new RangeError(`attempt ${attempt} failed`);
    return { attempt };
  };
  // WHEN the flow runs
  const { result, events, calls } = await run(plan, { clean });
  // THEN it succeeds with clean's third attempt's result, and aggregate ran after it
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  assert.deepEqual(result.output, { clean: { attempt: 3 }, aggregate: { ok: 'aggregate' } });
  assert.equal(result.jobs.clean!.attempts, 3);
  assert.deepEqual(calls.map((c) => c.job), ['clean', 'clean', 'clean', 'aggregate']);
  // AND each retry was announced with the attempt about to start and the error that caused it
  const retries = events.filter((e) => e.type === 'job-retry');
  assert.deepEqual(retries.map((e) => [e.job, e.attempt, e.error]), [['clean', 2, 'RangeError'], ['clean', 3, 'RangeError']]);
  assert.match(retries[0]!.cause!, /attempt 1 failed/);
});

test('a job that fails more times than its retries allow fails the execution after exactly attempts + 1 tries', async () => {
  // GIVEN a job allowed one retry that always fails
  const plan = flowPlan([[flowJob('clean', { retry: { attempts: 1, intervalSeconds: 1, backoffRate: 2 } })]]);
  // WHEN the flow runs
  const { result, calls } = await run(plan, { clean: () => { throw new Error('always'); } });
  // THEN it was tried twice, and failed
  assert.equal(calls.length, 2);
  assert.equal(result.status, 'FAILED');
  assert.equal(result.jobs.clean!.attempts, 2);
});

test('a failing job fails the execution naming it, with its error type and message, and no later job runs', async () => {
  // GIVEN extract, clean (which throws), aggregate
  const plan = flowPlan([['extract'], ['clean'], ['aggregate']]);
  const clean = () => { throw new TypeError("cannot read 'amount' of row 17"); };
  // WHEN the flow runs
  const { result, calls, events } = await run(plan, { clean });
  // THEN the execution failed with JobFailed.clean, and its cause holds the error's type and message
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'JobFailed.clean');
  assert.equal(result.failedJob, 'clean');
  assert.match(result.cause!, /TypeError/);
  assert.match(result.cause!, /cannot read 'amount' of row 17/);
  // AND aggregate never ran, nor was it reported
  assert.deepEqual(calls.map((c) => c.job), ['extract', 'clean']);
  assert.equal('aggregate' in result.jobs, false);
  assert.deepEqual([result.jobs.extract!.status, result.jobs.clean!.status, result.jobs.clean!.error], ['SUCCEEDED', 'FAILED', 'TypeError']);
  assert.deepEqual(events.filter((e) => e.type === 'job-failed').map((e) => [e.job, e.error]), [['clean', 'TypeError']]);
  assert.equal(result.output, undefined);
});

test('a job failing inside a parallel level fails the execution naming it; its sibling is stopped and the next level never runs', async () => {
  // GIVEN a level of two jobs: clean fails, score runs until stopped; aggregate follows them
  const aborted: string[] = [];
  const plan = flowPlan([['clean', 'score'], ['aggregate']]);
  const clean = async () => { throw new Error('bad rows'); };
  // WHEN the flow runs
  const { result, calls } = await run(plan, { clean, score: untilAborted(aborted, 'score') });
  // THEN the execution failed naming clean, with its cause
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'JobFailed.clean');
  assert.equal(result.failedJob, 'clean');
  assert.match(result.cause!, /bad rows/);
  // AND score was told to stop, is reported as aborted, and aggregate never ran
  assert.deepEqual(aborted, ['score']);
  assert.equal(result.jobs.score!.status, 'ABORTED');
  assert.equal(calls.some((c) => c.job === 'aggregate'), false);
});

test('a job running past its TimeoutSeconds fails with States.Timeout, and its handler is told to stop', async () => {
  // GIVEN a job with a 1 s timeout that never finishes by itself
  const aborted: string[] = [];
  const plan = flowPlan([[flowJob('slow', { timeoutSeconds: 1 })], ['after']]);
  // WHEN the flow runs
  const { result, calls } = await run(plan, { slow: untilAborted(aborted, 'slow') });
  // THEN the job failed with States.Timeout, the execution names it, and nothing after it ran
  assert.equal(result.status, 'FAILED');
  assert.equal(result.jobs.slow!.error, 'States.Timeout');
  assert.equal(result.error, 'JobFailed.slow');
  assert.match(result.cause!, /States\.Timeout/);
  assert.deepEqual(aborted, ['slow']);
  assert.equal(calls.some((c) => c.job === 'after'), false);
});

test("an execution running past the flow's timeout ends TIMED_OUT, and its running job is told to stop", async () => {
  // GIVEN a flow with a 1 s timeout whose only job runs for its whole 300 s
  const aborted: string[] = [];
  const plan = flowPlan([['forever']], { timeoutSeconds: 1 });
  // WHEN the flow runs
  const { result } = await run(plan, { forever: untilAborted(aborted, 'forever') });
  // THEN the execution timed out, and the job was aborted
  assert.equal(result.status, 'TIMED_OUT');
  assert.equal(result.error, 'States.Timeout');
  assert.deepEqual(aborted, ['forever']);
  assert.equal(result.jobs.forever!.status, 'ABORTED');
});

test('aborting the signal ends the execution ABORTED', async () => {
  // GIVEN a job that runs until stopped
  const aborted: string[] = [];
  const controller = new AbortController();
  const started: FlowTask = (input, call) => { setImmediate(() => controller.abort()); return untilAborted(aborted, 'wait')(input, call); };
  // WHEN the caller aborts while it runs
  const { result } = await run(flowPlan([['wait']]), { wait: started }, { signal: controller.signal });
  // THEN the execution is ABORTED and the job was stopped
  assert.equal(result.status, 'ABORTED');
  assert.deepEqual(aborted, ['wait']);
});

test('with a topic, a succeeded execution publishes its outcome once', async () => {
  // GIVEN a notifying flow
  const plan = flowPlan([['extract'], ['clean', 'score']], { publishes: [OUTCOMES] });
  // WHEN it runs to success
  const { result, published } = await run(plan, {}, { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:shop-local-nightly:run-1' });
  // THEN one message says so, naming the flow and the execution
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(published.map((m) => JSON.parse(m)), [{ flow: 'nightly', execution: 'arn:aws:states:us-east-1:000000000000:execution:shop-local-nightly:run-1', status: 'SUCCEEDED' }]);
  // AND the output is still the jobs' results, not the outcome
  assert.deepEqual(result.output, { extract: { ok: 'extract' }, clean: { ok: 'clean' }, score: { ok: 'score' } });
});

test('with a topic, a failed execution publishes once which job failed and why, then ends failed', async () => {
  for (const levels of [[['extract'], ['clean']], [['extract'], ['clean', 'score']]]) {
    // GIVEN a notifying flow whose clean job throws (alone in its level, then beside another)
    const plan = flowPlan(levels, { publishes: [OUTCOMES] });
    // WHEN it runs
    const { result, published } = await run(plan, { clean: () => { throw new SyntaxError('unexpected token in orders.csv'); } });
    // THEN one message carries the failure, as the execution reports it
    assert.equal(result.status, 'FAILED');
    assert.equal(published.length, 1, JSON.stringify(levels));
    const message = JSON.parse(published[0]!);
    assert.deepEqual(Object.keys(message).sort(), ['cause', 'error', 'execution', 'failedJob', 'flow', 'status']);
    assert.deepEqual([message.flow, message.status, message.failedJob, message.error], ['nightly', 'FAILED', 'clean', 'JobFailed.clean']);
    assert.equal(message.cause, result.cause);
    assert.match(message.cause, /SyntaxError.*unexpected token in orders\.csv/);
  }
});

test('with a notify node, a succeeded execution emails which flow and execution ended, and how to see it; the topic still gets the JSON', async () => {
  // GIVEN a flow publishing to a topic, then emailing a notify node
  const plan = flowPlan([['extract'], ['clean', 'score']], { publishes: [OUTCOMES, ALERTS] });
  // WHEN it runs to success
  const { result, publishes, published, emails } = await run(plan, {}, { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:shop-local-nightly:run-1' });
  assert.equal(result.status, 'SUCCEEDED');
  // THEN the topic got the outcome as JSON first, with no subject, then the notify node its one email
  assert.deepEqual(publishes.map((p) => localPublishTargets(plan).get(p.topicArn)), [OUTCOMES, ALERTS]);
  assert.equal(JSON.parse(published[0]!).status, 'SUCCEEDED');
  assert.equal(publishes[0]!.subject, undefined);
  assert.equal(emails.length, 1);
  // AND the email says, in words, what ended and how to look at it on the local stage
  assert.equal(emails[0]!.subject, 'nightly of shop SUCCEEDED');
  const lines = emails[0]!.text.split('\n');
  assert.match(lines[3]!, /^Started: \d{4}-\d\d-\d\dT/);
  assert.deepEqual(lines.filter((_, i) => i !== 3), [
    "Flow 'nightly' of pipeline 'shop' SUCCEEDED.",
    '',
    'Execution: run-1',
    '',
    'See it with: sluice executions nightly --id run-1',
  ]);
  // AND the output is still the jobs' results
  assert.deepEqual(result.output, { extract: { ok: 'extract' }, clean: { ok: 'clean' }, score: { ok: 'score' } });
});

test('with a notify node, a failed execution emails the job that failed and its cause, once, then ends failed', async () => {
  for (const levels of [[['extract'], ['clean']], [['extract'], ['clean', 'score']]]) {
    // GIVEN an emailing flow whose clean job throws (alone in its level, then beside another)
    const plan = flowPlan(levels, { publishes: [ALERTS] });
    // WHEN it runs
    const { result, emails } = await run(plan, { clean: () => { throw new SyntaxError("unexpected token '{' in orders.csv"); } }, { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:shop-local-nightly:run-9' });
    // THEN the execution failed as it would without the email
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'JobFailed.clean');
    // AND one email names the failed job, the execution, the cause (quotes and braces intact) and the command
    assert.equal(emails.length, 1, JSON.stringify(levels));
    assert.equal(emails[0]!.subject, 'nightly of shop FAILED');
    const lines = emails[0]!.text.split('\n');
    assert.equal(lines[0], "Flow 'nightly' of pipeline 'shop' FAILED: job 'clean' failed.");
    assert.equal(lines[2], 'Execution: run-9');
    assert.equal(lines.find((l) => l.startsWith('Cause: ')), `Cause: ${result.cause}`);
    assert.match(result.cause!, /SyntaxError.*unexpected token '\{' in orders\.csv/);
    assert.equal(lines.at(-1), 'See it with: sluice executions nightly --id run-9');
  }
});

test("deployed to a stage, the email names the stage and the command takes the execution's ARN and --stage", async () => {
  // GIVEN the plan synth deploys to stage dev
  const plan = flowPlan([['extract']], { publishes: [ALERTS], stage: 'dev' });
  const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:shop-dev-nightly:run-2';
  // WHEN it runs
  const { emails } = await run(plan, {}, { executionArn });
  // THEN the email says which stage, and how to see this execution there
  const lines = emails[0]!.text.split('\n');
  assert.equal(lines[0], "Flow 'nightly' of pipeline 'shop' (stage 'dev') SUCCEEDED.");
  assert.equal(lines.at(-1), `See it with: sluice executions nightly --id ${executionArn} --stage dev`);
});

test('a publish that fails after a failed job hides neither the failure nor the outcome from the other targets', async () => {
  // GIVEN a flow emailing first, then publishing to a topic, whose clean job fails, and SNS refusing the email
  const plan = flowPlan([['clean']], { publishes: [ALERTS, OUTCOMES] });
  const targets = localPublishTargets(plan);
  let refused = 0;
  const published: string[] = [];
  // WHEN it runs
  const { result } = await run(plan, { clean: () => { throw new Error('bad rows'); } }, {
    publish: (p) => {
      if (targets.get(p.topicArn) === ALERTS) { refused++; throw Object.assign(new Error('Invalid parameter: Subject'), { name: 'SNS.InvalidParameterException' }); }
      published.push(p.message);
    },
    retryIntervalOverrides: { clean: 0, [publishStateName('failure', ALERTS)]: 0 },
  });
  // THEN the email was tried, the topic still got the outcome, and the execution ends with the job's failure
  assert.ok(refused >= 1);
  assert.equal(published.length, 1);
  assert.equal(JSON.parse(published[0]!).failedJob, 'clean');
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'JobFailed.clean');
  assert.match(result.cause!, /bad rows/);
});

test("the execution's input reaches every job, and the output holds each job's result by name", async () => {
  // GIVEN a chain and a fan-out, with a Glue job among them
  const plan = flowPlan([['extract'], ['clean', flowJob('enrich', { kind: 'glueJob' })], ['aggregate']]);
  const input = { day: '2026-01-31', full: true };
  const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:shop-local-nightly:run-2';
  // WHEN it runs with an input
  const { result, calls } = await run(plan, { aggregate: () => ({ rows: 42 }), extract: () => undefined }, { input, executionArn });
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  // THEN every Lambda job got the flow, its own name, the execution and the input
  for (const job of ['extract', 'clean', 'aggregate']) {
    assert.deepEqual(calls.find((c) => c.job === job)?.input, { flow: 'nightly', job, execution: executionArn, input });
  }
  // AND the Glue job got its job arguments, as Glue would pass them
  assert.deepEqual(calls.find((c) => c.job === 'enrich')?.input, { '--sluice-execution': executionArn });
  // AND the output has every job's result: what a job returned (null for nothing), a Glue job's run
  const output = result.output as Record<string, any>;
  assert.deepEqual(Object.keys(output), ['extract', 'clean', 'enrich', 'aggregate']);
  assert.deepEqual([output.extract, output.clean, output.aggregate], [null, { ok: 'clean' }, { rows: 42 }]);
  assert.equal(output.enrich.JobRunState, 'SUCCEEDED');
  assert.match(output.enrich.JobRunId, /^jr_/);
});

test('any JSON is an input: a string reaches the jobs as it is', async () => {
  const { result, calls } = await run(flowPlan([['a']]), {}, { input: 'just a string' });
  assert.equal(result.status, 'SUCCEEDED');
  assert.equal((calls[0]!.input as { input: unknown }).input, 'just a string');
});

test('a failing Glue job fails as Glue reports it: States.TaskFailed, with the job run and its error message as the cause', async () => {
  const plan = flowPlan([[flowJob('enrich', { kind: 'glueJob' })]]);
  const { result } = await run(plan, { enrich: () => { throw new Error('no such column: amount'); } });
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'JobFailed.enrich');
  assert.equal(result.jobs.enrich!.error, 'States.TaskFailed');
  const cause = JSON.parse(result.jobs.enrich!.cause!);
  assert.deepEqual([cause.JobRunState, cause.ErrorMessage, cause.JobName], ['FAILED', 'Error: no such column: amount', 'shop-local-enrich']);
});

test('placeholders are filled as CloudFormation fills them, and one without a value is refused', () => {
  // GIVEN a plan's definition
  const plan = flowPlan([['clean-orders']], { publishes: [OUTCOMES] });
  const definition = flowDefinition(plan);
  // WHEN its placeholders are filled with the local fake ARNs
  const filled = substituteDefinition(definition, localSubstitutions(plan));
  // THEN only the placeholders changed
  assert.equal((filled.States['clean-orders']!.Parameters as any).FunctionName, 'arn:aws:lambda:us-east-1:000000000000:function:shop-local-clean-orders');
  assert.equal(JSON.stringify(filled).includes('${'), false);
  assert.equal(JSON.stringify(filled).replace(/arn:aws:(lambda|sns):us-east-1:000000000000:[a-z]+:shop-local-[a-z-]+|arn:aws:sns:[^"]+/g, 'X'),
    JSON.stringify(definition).replace(/\$\{[A-Za-z0-9_]+\}/g, 'X'));
  // AND a definition with a placeholder nobody resolves is refused before it runs
  assert.throws(() => substituteDefinition(definition, {}), (e: unknown) => e instanceof InternalError && /\$\{Job_clean_2dorders\}/.test((e as Error).message));
});
