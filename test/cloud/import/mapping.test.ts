/**
 * Reading a state machine's jobs and their order from its ASL: the graph walk behind
 * `sluice import state-machine` (Next, Parallel, Choice, Map, Catch, loops), and the stages
 * inferred from the Glue jobs' s3:// arguments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aslJobs } from '../../../src/cloud/import/asl-graph.js';
import { inferStages } from '../../../src/cloud/import/stage-edges.js';
import { importedGlueJob } from '../../../src/cloud/import/glue-job.js';
import { AwsImportError } from '../../../src/cloud/import/errors.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:nightly';
const glue = (job: string, next?: string) => ({ Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: job }, ...(next ? { Next: next } : { End: true }) });
const lambda = (fn: string, next?: string) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: fn, 'Payload.$': '$' }, ...(next ? { Next: next } : { End: true }) });
const order = (definition: object) => aslJobs(JSON.stringify(definition), ARN).tasks.map((t) => [t.state, t.level, t.after]);

test('a chain of Glue jobs runs in Next order, each after the one before', () => {
  // GIVEN extract -> clean -> aggregate
  const definition = { StartAt: 'Extract', States: { Extract: glue('extract', 'Clean'), Clean: glue('clean', 'Aggregate'), Aggregate: glue('aggregate') } };
  // THEN the levels follow the chain
  assert.deepEqual(order(definition), [['Extract', 0, []], ['Clean', 1, ['Extract']], ['Aggregate', 2, ['Clean']]]);
});

test("Parallel branches run side by side; the state after the Parallel waits for every branch's last job", () => {
  // GIVEN a Parallel of (extract -> clean) and (score), then report
  const definition = {
    StartAt: 'Run',
    States: {
      Run: { Type: 'Parallel', Branches: [{ StartAt: 'Extract', States: { Extract: glue('extract', 'Clean'), Clean: glue('clean') } }, { StartAt: 'Score', States: { Score: lambda('arn:aws:lambda:us-east-1:123456789012:function:score:live') } }], Next: 'Report' },
      Report: lambda('report'),
    },
  };
  const jobs = aslJobs(JSON.stringify(definition), ARN);
  // THEN extract and score start first, clean after extract, report after clean and score
  assert.deepEqual(jobs.tasks.map((t) => [t.state, t.level, [...t.after].sort()]), [
    ['Run/branch 1/Extract', 0, []], ['Run/branch 2/Score', 0, []], ['Run/branch 1/Clean', 1, ['Run/branch 1/Extract']], ['Report', 2, ['Run/branch 1/Clean', 'Run/branch 2/Score']],
  ]);
  // AND the Lambda ARN's name and alias are read
  assert.deepEqual(jobs.tasks[1]!.target, { kind: 'job', functionName: 'score', qualifier: 'live' });
});

test('a task only a Catch reaches, a non-job task and a dynamic job name are skipped with their reasons', () => {
  // GIVEN a job caught into a failure notifier, an SNS publish, and a Glue job named at run time
  const definition = {
    StartAt: 'Extract',
    States: {
      Extract: { ...glue('extract', 'Dynamic'), Catch: [{ ErrorEquals: ['States.ALL'], Next: 'OnFailure' }] },
      Dynamic: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { 'JobName.$': '$.job' }, Next: 'Publish' },
      Publish: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'done' }, End: true },
      OnFailure: lambda('alert', 'Failed'),
      Failed: { Type: 'Fail' },
    },
  };
  const jobs = aslJobs(JSON.stringify(definition), ARN);
  // THEN only extract is a job
  assert.deepEqual(jobs.tasks.map((t) => t.state), ['Extract']);
  // AND each skipped state says why
  const why = Object.fromEntries(jobs.skipped.map((s) => [s.state, s.reason]));
  assert.match(why.Dynamic!, /computed from the input at run time/);
  assert.match(why.Publish!, /flow\.to\(topic\)/);
  assert.match(why.OnFailure!, /only when another state fails \(a Catch\)/);
});

test('jobs after a Choice carry a note; a polling loop is ignored with a note; a Map runs its jobs once', () => {
  // GIVEN a Choice between two jobs that join again, a loop back to a Wait, and a Map over items
  const definition = {
    StartAt: 'Wait',
    States: {
      Wait: { Type: 'Wait', Seconds: 5, Next: 'Ready?' },
      'Ready?': { Type: 'Choice', Choices: [{ Variable: '$.ready', BooleanEquals: false, Next: 'Wait' }, { Variable: '$.full', BooleanEquals: true, Next: 'Full' }], Default: 'Delta' },
      Full: glue('full', 'Each'),
      Delta: glue('delta', 'Each'),
      Each: { Type: 'Map', ItemProcessor: { StartAt: 'Score', States: { Score: lambda('score') } }, End: true },
    },
  };
  const jobs = aslJobs(JSON.stringify(definition), ARN);
  // THEN full and delta come first, the Map's job after both
  assert.deepEqual(jobs.tasks.map((t) => [t.state, t.level]), [['Full', 0], ['Delta', 0], ['Each/item/Score', 1]]);
  assert.ok(jobs.tasks[0]!.notes.some((n) => n.includes("Choice state 'Ready?'")));
  assert.ok(jobs.tasks[2]!.notes.some((n) => n.includes("once per item of Map state 'Each'")));
  // AND the loop back to Wait is named
  assert.deepEqual(jobs.notes, ["the loop from 'Ready?' back to 'Wait' is ignored: a flow runs each job once per execution"]);
});

test('a definition that is not JSON, or names a state it lacks, is SLUICE_E_IMPORT_ASL naming the ARN', () => {
  for (const [definition, says] of [['{not json', /is not JSON/], [JSON.stringify({ StartAt: 'A', States: { A: glue('a', 'B') } }), /Next of 'A' names state 'B'/], [JSON.stringify({ States: {} }), /has no StartAt and States/]] as const) {
    assert.throws(() => aslJobs(definition, ARN), (e: AwsImportError) => e.code === 'SLUICE_E_IMPORT_ASL' && e.message.includes(ARN) && says.test(e.message));
  }
});

test('stages come from s3:// arguments: direction by argument name, else by the order the jobs run in', () => {
  // GIVEN extract writes s3://lake/bronze/ (--output), clean names bronze without a direction word and writes silver
  const stages = inferStages([
    { node: 'extract', level: 0, arguments: { '--source': 's3://landing-zone/orders/', '--output': 's3://lake/bronze/orders/' } },
    { node: 'clean', level: 1, arguments: { '--bronze': 's3://lake/bronze/', '--target_path': 's3://lake/silver/', '--spark-event-logs-path': 's3://logs/spark/' } },
  ], new Set(['extract', 'clean']));
  // THEN one bucket shared by two folders is two stages, the landing bucket one
  assert.deepEqual(stages.stages, [{ node: 'landing-zone', location: 's3://landing-zone/' }, { node: 'bronze', location: 's3://lake/bronze/' }, { node: 'silver', location: 's3://lake/silver/' }]);
  // AND clean reads bronze because extract, earlier, writes it; Glue's own log path is no stage
  assert.deepEqual(stages.edges.map((e) => `${e.from}->${e.to} by ${e.by}`), ['landing-zone->extract by argument name', 'extract->bronze by argument name', 'bronze->clean by order', 'clean->silver by argument name']);
  assert.deepEqual(stages.unclear, []);
});

test('a Glue job maps to glueJob props: workers, timeout, retries; synth-owned arguments dropped with reasons', () => {
  const imported = importedGlueJob({
    Name: 'clean', Role: 'arn:aws:iam::123456789012:role/glue', GlueVersion: '4.0', WorkerType: 'G.1X', NumberOfWorkers: 4, MaxCapacity: 4, Timeout: 120, MaxRetries: 2,
    Command: { Name: 'glueetl', ScriptLocation: 's3://scripts/clean.py' },
    DefaultArguments: { '--job-language': 'python', '--TempDir': 's3://tmp/', '--extra-py-files': 's3://scripts/lib/a.zip,s3://other/lib/a.zip', '--input': 's3://bronze/' },
  }, 'clean');
  assert.deepEqual(imported.props, {
    script: './jobs/clean.py', type: 'glueetl', glueVersion: '4.0', workerType: 'G.1X', workers: 4,
    arguments: { '--input': 's3://bronze/' }, extraFiles: ['./jobs/clean/a.zip', './jobs/clean/other/lib/a.zip'], timeout: '2h', retry: { attempts: 2 },
  });
  assert.deepEqual(imported.dropped.map((d) => d.argument), ['--extra-py-files', '--job-language', '--TempDir']);
  assert.deepEqual(imported.notCarried.map((n) => n.field), ['Role']);
  // AND a streaming job is SLUICE_E_IMPORT_UNSUPPORTED
  assert.throws(() => importedGlueJob({ Name: 'tail', Command: { Name: 'gluestreaming', ScriptLocation: 's3://b/t.py' } }, 'tail'), (e: AwsImportError) => e.code === 'SLUICE_E_IMPORT_UNSUPPORTED' && /Glue job 'tail'.*gluestreaming/.test(e.message));
});
