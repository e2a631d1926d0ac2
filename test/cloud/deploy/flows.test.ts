/**
 * A flow of two jobs and a Glue job deployed to moto through the CLI, in two stages: the state
 * machine with its definition (emailing the notify node's topic), role and log group, the Glue job
 * with its uploaded script and role (in the deployed template: MOTO_CFN_GLUE_JOB), the schedule's target, `status`; executions started,
 * refused, queued and read through the AWS stage; and a destroy of one stage that removes its state
 * machine, log groups and Glue files and nothing of the other. moto gaps are named in ./helpers.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, DescribeStateMachineCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { synthesize } from '../../../src/cloud/synth/synth.js';
import { loadPipeline } from '../../../src/cli/load.js';
import { AwsStage } from '../../../src/stage/aws/stage.js';
import { flowPipeline } from '../synth/fixtures/pipelines.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { ACCOUNT, REGION, deployedTemplateOf, leftovers, resolver, resourcesOf, sluice, startCloud, verifyAgainstTemplate, type Cloud } from './helpers.js';
import { CACHE_DIR } from '../synth/helpers.js';

const skip = motoUnavailable();
const ENTRY = fileURLToPath(new URL('./fixtures/flows.pipeline.ts', import.meta.url));
const [STAGE, OTHER] = ['nightly', 'other'];
const STACK = `flows-${STAGE}`;
const ASSETS = `sluice-assets-${ACCOUNT}-${REGION}`;
let cloud: Cloud;

before(async () => {
  if (skip) return;
  cloud = await startCloud();
  for (const stage of [STAGE, OTHER]) {
    const run = sluice(cloud, ['deploy', ENTRY, '--stage', stage, '--yes', '--json']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
  }
});
after(async () => cloud?.stop());

const openStage = (overlap: 'refuse' | 'queue' = 'refuse') => AwsStage.open(flowPipeline('flows', overlap), STAGE, { aws: cloud.aws, pollMs: 50 });

test('GIVEN the flow deployed THEN its state machine runs the template\'s definition with its role, and the schedule starts it with its own role', { skip }, async () => {
  const { pipeline } = await loadPipeline(ENTRY);
  const s = await synthesize(pipeline, { stage: STAGE, cacheDir: CACHE_DIR });
  // Every resource against its template: job functions, every role's exact policy and trust, log
  // groups' retention, the state machine's definition and role, the rule's target and role.
  await verifyAgainstTemplate(cloud, s, await resourcesOf(cloud, STACK));
  const types = (await resourcesOf(cloud, STACK)).map((r) => r.type);
  assert.ok(types.includes('AWS::StepFunctions::StateMachine') && types.includes('AWS::Events::Rule'));
});

test('GIVEN the flow deployed THEN its state machine emails the notify node\'s topic and publishes to the outcome topic, each by its deployed ARN', { skip }, async () => {
  // moto runs no execution (MOTO_SFN_NO_RUN): the email's text is checked where this definition runs, locally (test/flow/notify.test.ts).
  const resources = await resourcesOf(cloud, STACK);
  const arnOf = (logicalId: string) => resources.find((r) => r.logicalId === logicalId)!.physicalId;
  const machine = await cloud.aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf('NightlyStateMachine') }));
  const states = JSON.parse(machine.definition!).States as Record<string, { Parameters: Record<string, string> }>;
  // THEN both ends of the flow email the alerts topic with the fixed subject, and publish to the outcomes topic
  for (const [end, status] of [['success', 'SUCCEEDED'], ['failure', 'FAILED']] as const) {
    const email = states[`Publish ${end} to alerts`]!.Parameters;
    assert.deepEqual([email.TopicArn, email.Subject], [arnOf('AlertsTopic'), `nightly of flows ${status}`]);
    assert.match(email.TopicArn!, new RegExp(`^arn:aws:sns:${REGION}:${ACCOUNT}:`));
    assert.equal(states[`Publish ${end} to outcomes`]!.Parameters.TopicArn, arnOf('OutcomesTopic'));
  }
  // AND the email tells the reader to look at this stage
  assert.match(states['Publish failure to alerts']!.Parameters['Message.$']!, new RegExp(`--stage ${STAGE}'`));
});

test('GIVEN the Glue job deployed THEN its script and extra files are in the assets bucket where its template points, byte for byte', { skip }, async () => {
  const template = await deployedTemplateOf(cloud, STACK);
  const resolve = resolver(await resourcesOf(cloud, STACK), template, { AssetsBucket: ASSETS, AssetsPrefix: `${STACK}/` });
  const job = Object.values(template.Resources).find((r) => r.Metadata?.['sluice:path'] === 'enrich/Job')!;
  const p = resolve(job.Properties) as any;
  assert.equal(p.Name, `${STACK}-enrich`);
  assert.equal(p.Role, `arn:aws:iam::${ACCOUNT}:role/${(await resourcesOf(cloud, STACK)).find((r) => r.logicalId === 'EnrichRole')!.physicalId}`);
  const sources = (job.Metadata!['sluice:assets'] as Array<{ key: string; source: string }>);
  const urls = [p.Command.ScriptLocation, ...String(p.DefaultArguments['--extra-py-files']).split(','), ...String(p.DefaultArguments['--extra-files']).split(',')];
  assert.equal(urls.length, 3);
  for (const url of urls) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url)!;
    assert.equal(match[1], ASSETS);
    const source = sources.find((a) => `${STACK}/${a.key}` === match[2]);
    assert.ok(source, `${url} is one of the job's files`);
    const body = await (await cloud.aws.s3.send(new GetObjectCommand({ Bucket: ASSETS, Key: match[2] }))).Body!.transformToByteArray();
    const { readFileSync } = await import('node:fs');
    assert.deepEqual(Buffer.from(body), readFileSync(source.source));
  }
});

test('GIVEN the stage WHEN sluice status --stage THEN the flow, its jobs and the Glue job show their deployed resources', { skip }, async () => {
  const run = sluice(cloud, ['status', ENTRY, '--stage', STAGE, '--json']);
  assert.equal(run.status, 0, run.stderr);
  const parts = (node: string) => run.json().nodes.find((n: any) => n.node === node).resources.map((r: any) => r.part);
  assert.deepEqual(parts('nightly'), ['StateMachine', 'Role', 'LogGroup']);
  assert.deepEqual(parts('extract'), ['Function', 'Role', 'LogGroup']);
  // The Glue job itself is not created by moto (MOTO_CFN_GLUE_JOB): its role is.
  assert.ok(parts('enrich').includes('Role'));
  const machine = run.json().nodes.find((n: any) => n.node === 'nightly').resources.find((r: any) => r.part === 'StateMachine');
  assert.equal(machine.physicalId, `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STACK}-nightly`);
});

test('GIVEN a running execution WHEN the flow is triggered again THEN overlap refuse names it, queue waits for it to end, and both are listed', { skip }, async () => {
  const stage = await openStage();
  // moto runs nothing: an execution stays RUNNING until stopped (MOTO_SFN_NO_RUN).
  const first = await stage.trigger('nightly', { date: '2024-05-01' }, { name: 'first' });
  assert.equal(first.name, 'first');
  assert.match(first.id, new RegExp(`^arn:aws:states:${REGION}:${ACCOUNT}:execution:${STACK}-nightly:first$`));
  await assert.rejects(stage.trigger('nightly', {}), (e: any) => e.code === 'SLUICE_E_FLOW_RUNNING' && /flow 'nightly' is running \(execution 'first'\)/.test(e.message) && /overlap: 'queue'/.test(e.message));
  // WHEN a queued trigger waits THEN it starts only once the running execution has stopped
  const queued = (await openStage('queue')).trigger('nightly', { n: 2 }, { name: 'second' });
  let started = false;
  void queued.then(() => { started = true; });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(started, false, 'the queued trigger waits while first runs');
  await cloud.aws.sfn.send(new StopExecutionCommand({ executionArn: first.id }));
  const second = await queued;
  assert.equal((await cloud.aws.sfn.send(new DescribeExecutionCommand({ executionArn: second.id }))).status, 'RUNNING');
  const listed = await stage.executions('nightly');
  assert.deepEqual(listed.map((e) => [e.name, e.status]).sort(), [['first', 'ABORTED'], ['second', 'RUNNING']]);
  assert.ok(listed.find((e) => e.name === 'first')!.stoppedAt);
  await cloud.aws.sfn.send(new StopExecutionCommand({ executionArn: second.id }));
});

test('GIVEN an execution WHEN read THEN it has its input and every job of the flow in run order; an unknown id is named', { skip }, async () => {
  const stage = await openStage();
  const started = await stage.trigger('nightly', { date: '2024-05-02' }, { name: 'third' });
  const detail = await stage.execution('nightly', started.id);
  assert.deepEqual([detail.flow, detail.name, detail.status, detail.input], ['nightly', 'third', 'RUNNING', { date: '2024-05-02' }]);
  // moto's history is a fixed example with no Task events (MOTO_SFN_NO_RUN): every job is pending.
  assert.deepEqual(detail.jobs.map((j) => [j.job, j.kind, j.status]), [['extract', 'job', 'pending'], ['clean-orders', 'job', 'pending'], ['enrich', 'glueJob', 'pending']]);
  await assert.rejects(stage.execution('nightly', `${started.id}-nope`), (e: any) => e.code === 'SLUICE_E_EXECUTION_UNKNOWN' && /flow 'nightly' has no execution/.test(e.message) && /sluice executions nightly --stage nightly/.test(e.message));
  await assert.rejects(stage.trigger('extract'), (e: any) => e.code === 'SLUICE_E_UNKNOWN_NODE');
  await cloud.aws.sfn.send(new StopExecutionCommand({ executionArn: started.id }));
});

test('GIVEN the deployed flow WHEN sluice trigger --stage starts it THEN StartExecution ran and sluice executions --stage lists it', { skip }, async () => {
  const run = sluice(cloud, ['trigger', 'nightly', ENTRY, '--stage', STAGE, '--no-wait', '--name', 'from-cli', '--input', '{"date":"2024-05-03"}', '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  const started = JSON.parse(run.stdout) as { id: string; name: string; stage: string };
  assert.deepEqual([started.name, started.stage], ['from-cli', STAGE]);
  const described = await cloud.aws.sfn.send(new DescribeExecutionCommand({ executionArn: started.id }));
  assert.deepEqual(JSON.parse(described.input ?? '{}'), { date: '2024-05-03' });
  const listed = sluice(cloud, ['executions', 'nightly', ENTRY, '--stage', STAGE, '--json']);
  assert.equal(listed.status, 0, listed.stderr + listed.stdout);
  assert.ok((JSON.parse(listed.stdout) as { executions: Array<{ name: string; status: string }> }).executions.some((e) => e.name === 'from-cli' && e.status === 'RUNNING'));
  await cloud.aws.sfn.send(new StopExecutionCommand({ executionArn: started.id }));
});

test('GIVEN two stages WHEN one is destroyed THEN its state machine, log groups and Glue files are gone and the other stage keeps all of its own', { skip }, async () => {
  const before = await leftovers(cloud, `flows-${OTHER}`);
  const run = sluice(cloud, ['destroy', ENTRY, '--stage', STAGE, '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(await leftovers(cloud, STACK), { stack: [], buckets: [], queues: [], topics: [], tables: [], functions: [], mappings: [], roles: [], logGroups: [], assets: [], rules: [] });
  assert.deepEqual(await leftovers(cloud, `flows-${OTHER}`), before);
  assert.ok(before.stateMachines?.length === 1 && before.logGroups!.includes(`/aws/vendedlogs/states/flows-${OTHER}-nightly`));
  assert.ok(before.assets!.some((k) => k.endsWith('/enrich.py')));
});
