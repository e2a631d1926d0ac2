/**
 * The state machine definition of a flow plan (src/flow/asl.ts): valid ASL for cfn-lint inside an
 * `AWS::StepFunctions::StateMachine`, deterministic, shaped as the contract says (a Parallel state for
 * a level of several jobs, the Task for one; AWS's transient errors retried before the user's retry),
 * and with placeholders that `substitutionsFor` fills exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureStateNames, flowDefinition, publishStateName, substitutionKey, substitutionsFor, TRANSIENT_ERRORS, type AslDefinition, type AslState } from '../../src/flow/asl.js';
import type { FlowPlan } from '../../src/flow/plan.js';
import { blocking, CFN_LINT, cfnLint } from '../cloud/synth/helpers.js';
import { ALERTS, flowJob, flowPlan, OUTCOMES } from '../helpers/flow-plan.js';
import { flowEmailSubject, SUBJECT_MAX_LENGTH } from '../../src/flow/notify-message.js';

/** Every state of a definition, branches included, with the scope (States map) it lives in. */
function allStates(definition: AslDefinition): Array<{ name: string; state: AslState; scope: AslDefinition }> {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    { name, state, scope: definition },
    ...(state.Type === 'Parallel' ? (state.Branches as unknown as AslDefinition[]).flatMap(allStates) : []),
  ]);
}

/** A template holding the definition as CloudFormation would receive it from synth. */
function template(plan: FlowPlan): string {
  const substitutions = substitutionsFor(plan, (r) => {
    if (r.kind === 'topic' || r.kind === 'notify') return { Ref: r.kind === 'topic' ? 'Outcomes' : 'Alerts' };
    if (r.kind === 'job') return `arn:aws:lambda:us-east-1:123456789012:function:shop-dev-${r.name}`;
    return `shop-dev-${r.name}`;
  });
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Outcomes: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/aws/sns' } },
      Alerts: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/aws/sns' } },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
      },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] }, Definition: flowDefinition(plan), DefinitionSubstitutions: substitutions },
      },
    },
  }, null, 2);
}

const PLANS: Record<string, FlowPlan> = {
  'one-job.json': flowPlan([['extract']]),
  'chain.json': flowPlan([['extract'], ['clean'], ['aggregate']], { timeoutSeconds: 3600 }),
  'fan-out-notify.json': flowPlan([
    ['extract'],
    [flowJob('clean-orders', { retry: { attempts: 3, intervalSeconds: 5, backoffRate: 1.5 } }), flowJob('enrich', { kind: 'glueJob', timeoutSeconds: 3600 }), 'score'],
    ['aggregate'],
  ], { publishes: [OUTCOMES] }),
  'glue-only-notify.json': flowPlan([[flowJob('enrich', { kind: 'glueJob' })]], { publishes: [OUTCOMES] }),
  'email-and-topic.json': flowPlan([['extract'], ['clean', 'score']], { publishes: [ALERTS, OUTCOMES], stage: 'dev' }),
  'email-local.json': flowPlan([['extract']], { publishes: [ALERTS] }),
};

test('GIVEN flow plans of every shape WHEN their definitions are linted by cfn-lint inside a state machine THEN there is no error or warning', { skip: CFN_LINT ? false : 'cfn-lint is not on PATH here (CI installs it)' }, () => {
  // GIVEN one job, a chain, a fan-out with a Glue job and retries, outcomes published or not, emailed or not
  const templates = Object.fromEntries(Object.entries(PLANS).map(([file, plan]) => [file, template(plan)]));
  // WHEN cfn-lint validates them (it validates the ASL of a Definition against the States schema)
  const findings = blocking(cfnLint(templates));
  // THEN it reports nothing
  assert.deepEqual(findings, []);
});

test('GIVEN a definition cfn-lint would reject WHEN linted THEN the finding is reported (the lint above can fail)', { skip: CFN_LINT ? false : 'cfn-lint is not on PATH here' }, () => {
  // GIVEN a definition with a field ASL does not have
  const plan = flowPlan([['extract']]);
  const text = template(plan).replace('"ErrorPath"', '"ErrorPathh"');
  // WHEN linted
  const findings = blocking(cfnLint({ 'broken.json': text }));
  // THEN cfn-lint names it
  assert.ok(findings.some((f) => f.level === 'Error' && /ErrorPathh/.test(f.message)), JSON.stringify(findings));
});

test('the same plan gives byte-identical JSON, every time', () => {
  // GIVEN a plan and a structurally equal copy
  const plan = PLANS['fan-out-notify.json']!;
  const copy = JSON.parse(JSON.stringify(plan)) as FlowPlan;
  // WHEN each becomes a definition
  // THEN the JSON texts are identical
  assert.equal(JSON.stringify(flowDefinition(copy)), JSON.stringify(flowDefinition(plan)));
});

test('a level of one job is its Task state; a level of several is a Parallel state with one branch per job', () => {
  // GIVEN extract, then clean and enrich side by side, then aggregate
  const definition = flowDefinition(flowPlan([['extract'], ['clean', flowJob('enrich', { kind: 'glueJob' })], ['aggregate']]));
  // THEN extract and aggregate are top-level Tasks, run in that order around a Parallel state
  assert.equal(definition.States.extract!.Type, 'Task');
  assert.equal(definition.States.aggregate!.Type, 'Task');
  const level = definition.States[definition.States.extract!.Next as string]!;
  assert.equal(level.Type, 'Parallel');
  assert.equal(level.Next, 'aggregate');
  // AND each branch starts at its job's Task: Lambda invoke for a job, startJobRun.sync for a Glue job
  const branches = level.Branches as unknown as AslDefinition[];
  assert.deepEqual(branches.map((b) => b.StartAt), ['clean', 'enrich']);
  assert.equal(branches[0]!.States.clean!.Resource, 'arn:aws:states:::lambda:invoke');
  assert.equal(branches[1]!.States.enrich!.Resource, 'arn:aws:states:::glue:startJobRun.sync');
  // AND every transition names a state of its own scope, and no state name is used twice in the machine
  const states = allStates(definition);
  for (const { name, state, scope } of states) {
    for (const next of [state.Next, ...((state.Catch as Array<{ Next: string }> | undefined) ?? []).map((c) => c.Next)]) {
      if (next !== undefined) assert.ok(next as string in scope.States, `'${name}' goes to '${String(next)}', which is not in its scope`);
    }
  }
  const names = states.map((s) => s.name);
  assert.equal(new Set(names).size, names.length, `duplicate state names: ${names.join(', ')}`);
});

test("a job's Retry lists AWS's transient errors first, then the user's retry on States.ALL last", () => {
  // GIVEN a Lambda job retried twice, a Glue job never retried by the user
  const definition = flowDefinition(flowPlan([[flowJob('clean', { retry: { attempts: 2, intervalSeconds: 30, backoffRate: 3 } })], [flowJob('enrich', { kind: 'glueJob' })]]));
  // THEN the Lambda job retries Lambda's transient errors, then anything up to twice, 30 s apart, backoff 3
  const clean = definition.States.clean!.Retry as Array<Record<string, unknown>>;
  assert.deepEqual(clean.map((r) => r.ErrorEquals), [TRANSIENT_ERRORS.job, ['States.ALL']]);
  assert.ok(TRANSIENT_ERRORS.job.includes('Lambda.TooManyRequestsException'));
  assert.deepEqual({ ...clean[1] }, { ErrorEquals: ['States.ALL'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 3 });
  // AND the Glue job retries only Glue's transient errors
  const enrich = definition.States.enrich!.Retry as Array<Record<string, unknown>>;
  assert.deepEqual(enrich.map((r) => r.ErrorEquals), [TRANSIENT_ERRORS.glueJob]);
  // AND each attempt may run for the job's timeout
  assert.equal(definition.States.clean!.TimeoutSeconds, 300);
});

test("a job's Lambda receives the flow, the job, the execution id and the execution's input", () => {
  const definition = flowDefinition(flowPlan([['clean-orders']]));
  const task = definition.States['clean-orders']!;
  assert.deepEqual(task.Parameters, {
    FunctionName: '${Job_clean_2dorders}',
    Payload: { flow: 'nightly', job: 'clean-orders', 'execution.$': '$$.Execution.Id', 'input.$': '$.input' },
  });
  assert.deepEqual(task.ResultSelector, { 'Payload.$': '$.Payload' });
});

test('substitution keys hold only [A-Za-z0-9_] and never collide, whatever the names', () => {
  // GIVEN names that differ only in characters a key cannot hold
  const names = ['clean-orders', 'clean_orders', 'clean__orders', 'clean-_orders', 'clean_-orders', 'cleanorders'];
  // WHEN each becomes a key
  const keys = names.map((n) => substitutionKey('job', n));
  // THEN every key is a valid DefinitionSubstitutions key, and all are different
  for (const key of keys) assert.match(key, /^[A-Za-z0-9_]+$/);
  assert.equal(new Set(keys).size, names.length, keys.join(', '));
  assert.equal(substitutionKey('glueJob', 'enrich'), 'GlueJob_enrich');
  assert.equal(substitutionKey('topic', 'outcomes'), 'Topic_outcomes');
  assert.equal(substitutionKey('notify', 'ops-alerts'), 'Notify_ops_2dalerts');
});

test('substitutionsFor gives a value for exactly the placeholders the definition holds', () => {
  for (const [file, plan] of Object.entries(PLANS)) {
    // GIVEN a plan's definition and its substitutions
    const placeholders = [...JSON.stringify(flowDefinition(plan)).matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);
    const substitutions = substitutionsFor(plan, (r) => `${r.kind}:${r.name}`);
    // THEN the keys are the placeholders, no more, no fewer, each resolved for its own resource
    assert.deepEqual(Object.keys(substitutions).sort(), [...new Set(placeholders)].sort(), file);
  }
  const substitutions = substitutionsFor(PLANS['fan-out-notify.json']!, (r) => `${r.kind}:${r.name}`);
  assert.equal(substitutions.Job_clean_2dorders, 'job:clean-orders');
  assert.equal(substitutions.GlueJob_enrich, 'glueJob:enrich');
  assert.equal(substitutions.Topic_outcomes, 'topic:outcomes');
  assert.equal(substitutionsFor(PLANS['email-and-topic.json']!, (r) => `${r.kind}:${r.name}`).Notify_alerts, 'notify:alerts');
});

test('both ends of the flow publish the outcome to each topic and notify node, in edge order, before the execution ends', () => {
  // GIVEN a flow that emails a notify node, then publishes to a topic
  const definition = flowDefinition(flowPlan([['extract'], ['clean', 'score']], { publishes: [ALERTS, OUTCOMES] }));
  const publishes = allStates(definition).filter(({ state }) => state.Resource === 'arn:aws:states:::sns:publish');
  const arnOf = (state: AslState) => (state.Parameters as Record<string, unknown>).TopicArn;
  // THEN each end has one publishing state per target, chained in edge order
  assert.equal(publishes.length, 4);
  const success = [publishStateName('success', ALERTS), publishStateName('success', OUTCOMES)];
  const failure = [publishStateName('failure', ALERTS), publishStateName('failure', OUTCOMES)];
  assert.equal(definition.States['Flow succeeded']!.Next, success[0]);
  assert.deepEqual(success.map((n) => arnOf(definition.States[n]!)), ['${Notify_alerts}', '${Topic_outcomes}']);
  assert.equal(definition.States[success[0]!]!.Next, success[1]);
  assert.equal(definition.States[success[1]!]!.End, true);
  // AND a job's failure goes through both, each caught so a refused publish neither hides the failure nor skips the next target
  assert.equal(definition.States[failureStateNames('extract', 0).failed]!.Next, failure[0]);
  assert.equal(definition.States[failureStateNames('clean', 1).reported]!.Next, failure[0]);
  assert.deepEqual(failure.map((n) => arnOf(definition.States[n]!)), ['${Notify_alerts}', '${Topic_outcomes}']);
  assert.deepEqual([definition.States[failure[0]!]!.Next, (definition.States[failure[0]!]!.Catch as Array<{ Next: string }>).map((c) => c.Next)], [failure[1], [failure[1]]]);
  const last = definition.States[failure[1]!]!;
  assert.equal(definition.States[last.Next as string]!.Type, 'Fail');
  assert.deepEqual((last.Catch as Array<{ Next: string; ResultPath: null }>).map((c) => [c.Next, c.ResultPath]), [[last.Next, null]]);
  // AND the topic gets the outcome as its Message, the notify node a subject and a text built from it
  assert.deepEqual(definition.States[success[1]!]!.Parameters, { TopicArn: '${Topic_outcomes}', 'Message.$': '$.outcome' });
  const email = definition.States[failure[0]!]!.Parameters as Record<string, string>;
  assert.equal(email.Subject, 'nightly of shop FAILED');
  assert.match(email['Message.$']!, /^States\.Format\('.*', \$\.failedJob, \$\$\.Execution\.Name, \$\$\.Execution\.StartTime, \$\.cause, \$\$\.Execution\.Name\)$/s);
  // AND without targets no state publishes
  const quiet = flowDefinition(flowPlan([['extract'], ['clean', 'score']]));
  assert.equal(allStates(quiet).filter(({ state }) => state.Resource === 'arn:aws:states:::sns:publish').length, 0);
});

test("an email's subject is '<flow> of <pipeline> <status>', cut to the 99 characters SNS allows", () => {
  assert.equal(flowEmailSubject({ flow: 'nightly', pipeline: 'shop' }, 'SUCCEEDED'), 'nightly of shop SUCCEEDED');
  // GIVEN names as long as the model allows them to be
  const subject = flowEmailSubject({ flow: 'f'.repeat(40), pipeline: 'p'.repeat(80) }, 'SUCCEEDED');
  // THEN the subject is cut to 99 characters, no more
  assert.equal(SUBJECT_MAX_LENGTH, 99);
  assert.equal(subject.length, 99);
  assert.ok(subject.startsWith(`${'f'.repeat(40)} of ppp`));
});

test("a flow's timeout is the execution's TimeoutSeconds; without one, the definition has none", () => {
  assert.equal(flowDefinition(flowPlan([['a']], { timeoutSeconds: 7200 })).TimeoutSeconds, 7200);
  assert.equal('TimeoutSeconds' in flowDefinition(flowPlan([['a']])), false);
});
