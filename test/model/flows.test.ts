/**
 * Jobs, Glue jobs and flows in the model: the run order comes from the stages between the jobs, and
 * every way a flow cannot run is a validation problem naming the job or flow and the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, job, glueJob, flow, flowLevels, pipeline, schedule, topic, grantsOf, type AnyNode, type Problem } from 'sluice';

const handler = './jobs/noop.ts';
const codes = (problems: Problem[]) => problems.map((p) => p.code).sort();
const names = (levels: AnyNode[][]) => levels.map((l) => l.map((j) => j.name));

/** Pypedream's medallion shape: landing -> extract -> bronze -> clean -> silver -> aggregate -> gold, enrich beside clean. */
function medallion() {
  const [landing, bronze, silver, gold, refs] = ['landing', 'bronze', 'silver', 'gold', 'refs'].map((n) => bucket(n));
  const extract = job('extract', { handler });
  const clean = job('clean', { handler });
  const enrich = glueJob('enrich', { script: './jobs/enrich.py', local: './jobs/enrich.ts' });
  const aggregate = job('aggregate', { handler });
  const nightly = flow('nightly', [aggregate, clean, extract, enrich]);
  const pipe = pipeline('medallion', [
    landing!.to(extract).to(bronze!), bronze!.to(clean).to(silver!), bronze!.to(enrich).to(refs!),
    silver!.to(aggregate), refs!.to(aggregate), aggregate.to(gold!),
    schedule('at-2am', 'cron(0 2 * * ? *)').to(nightly).to(topic('outcomes')),
  ]);
  return { pipe, nightly, extract, clean, enrich, aggregate };
}

test('a flow runs its jobs in the order their stages give, independent jobs side by side, whatever order they are listed in', () => {
  const { pipe, nightly } = medallion();
  assert.deepEqual(pipe.validate(), []);
  assert.deepEqual(names(flowLevels(pipe, nightly).levels), [['extract'], ['clean', 'enrich'], ['aggregate']]);
});

test('a job holds exactly the grants its stages imply: list and read what it reads, write what it writes', () => {
  const { pipe, clean, nightly } = medallion();
  assert.deepEqual(grantsOf(pipe, clean as never).map((g) => `${g.use} ${g.node.name}: ${g.actions.join(' ')}`), ['readStage bronze: s3:ListBucket s3:GetObject', 'write silver: s3:PutObject']);
  assert.deepEqual(grantsOf(pipe, nightly as never).map((g) => `${g.use} ${g.node.name}`), ['publish outcomes']);
});

test('jobs waiting for each other in a cycle are SLUICE_E_FLOW_CYCLE naming the cycle, not a trigger loop', () => {
  const [a, b] = [bucket('a'), bucket('b')];
  const one = job('one', { handler });
  const two = job('two', { handler });
  const pipe = pipeline('cyc', [a.to(one).to(b), b.to(two).to(a), flow('f', [one, two])]);
  const problems = pipe.validate();
  assert.deepEqual(codes(problems), ['SLUICE_E_FLOW_CYCLE']);
  assert.match(problems[0]!.message, /flow 'f'.*cycle \((one -> two -> one|two -> one -> two)/);
});

test('a job in no flow, in two flows, or reading no stage is a problem with the fix', () => {
  const [a, b] = [bucket('a'), bucket('b')];
  const lonely = job('lonely', { handler });
  const shared = job('shared', { handler });
  const sourceless = job('sourceless', { handler });
  const pipe = pipeline('jobs', [a.to(lonely).to(b), a.to(shared), sourceless.to(b), flow('f1', [shared, sourceless]), flow('f2', [shared])]);
  const problems = pipe.validate();
  assert.deepEqual(codes(problems), ['SLUICE_E_FLOW_JOB', 'SLUICE_E_FLOW_JOB', 'SLUICE_E_JOB_INPUT']);
  assert.match(problems.find((p) => p.node === 'lonely')!.message, /in no flow.*flow\('nightly', \[\.\.\., lonely\]\)/);
  assert.match(problems.find((p) => p.node === 'shared')!.message, /in two flows, flow 'f1' and flow 'f2'/);
  assert.match(problems.find((p) => p.node === 'sourceless')!.message, /reads no stage.*inputBucket\.to\(sourceless\)/);
});

test("a flow's own mistakes, a job's retry and a Glue job's props are each reported with the field", () => {
  const a = bucket('a');
  const retrying = job('retrying', { handler, retry: { attempts: 11, interval: 'soon' } });
  const spark = glueJob('spark', { script: './jobs/spark.sql', workers: 1, maxCapacity: 1, arguments: { source: 's3://x', '--TempDir': 's3://t' } });
  const shell = glueJob('shell', { script: './jobs/shell.py', type: 'pythonshell', workerType: 'G.1X', maxCapacity: 0.5, glueVersion: '4.0' });
  const pipe = pipeline('props', [a.to(retrying), a.to(spark), a.to(shell), flow('f', [retrying, spark, shell], { overlap: 'skip' as never }), flow('empty', [])]);
  const problems = pipe.validate();
  const fields = (code: string) => problems.filter((p) => p.code === code).map((p) => `${p.node}.${p.field}`).sort();
  assert.deepEqual(fields('SLUICE_E_JOB_RETRY'), ['retrying.retry.attempts']);
  assert.deepEqual(fields('SLUICE_E_DURATION'), ['retrying.retry.interval']);
  assert.deepEqual(fields('SLUICE_E_GLUE_JOB'), ['shell.glueVersion', 'shell.maxCapacity', 'shell.workerType', 'spark.arguments.--TempDir', 'spark.arguments.source', 'spark.maxCapacity', 'spark.script', 'spark.workers']);
  assert.deepEqual(fields('SLUICE_E_FLOW'), ['empty.jobs', 'f.overlap']);
});

test('edges a job cannot have are refused with what to do instead', () => {
  const a = bucket('a');
  const one = job('one', { handler });
  const two = job('two', { handler });
  const pipe = pipeline('edges', [a.to(one).to(two as AnyNode), a.to(two), flow('f', [one, two])]);
  const problems = pipe.validate();
  assert.deepEqual(codes(problems), ['SLUICE_E_EDGE_KIND']);
  assert.match(problems[0]!.message, /put the stage between them: a\.to\(bucket\(\.\.\.\)\)\.to\(b\)/);
});
