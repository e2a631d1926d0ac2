/**
 * Pipelines AWS would refuse fail synthesis up front, with every problem listed, each naming the
 * node and the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, topic } from 'sluice';
import { problemsOf, synthFor } from './helpers.js';

const HANDLER = './fixtures/handlers/noop.ts';

test('GIVEN a bucket whose name is too long once pipeline and stage are added WHEN synthesized THEN it fails naming the node, the limit and how much to cut', async () => {
  const pipe = pipeline('a-rather-long-pipeline-name-for-tests', [bucket('landing-zone-raw').to(fn('copy', { handler: HANDLER }))]);
  const [problem, ...rest] = await problemsOf(pipe, 'production');
  assert.deepEqual(rest, []);
  assert.equal(problem!.code, 'SLUICE_E_NAME_TOO_LONG');
  assert.equal(problem!.node, 'landing-zone-raw');
  assert.match(problem!.message, /S3 bucket name 'a-rather-long-pipeline-name-for-tests-production-landing-zone-raw' is 65 characters, over AWS's limit of 63 in stage 'production'; shorten .* by 2 characters/);
  // The same pipeline fits a shorter stage.
  await synthFor(pipe, 'dev');
});

test('GIVEN a function or queue name too long for Lambda or SQS WHEN synthesized THEN each limit is reported', async () => {
  const longFn = 'f'.repeat(50);
  const pipe = pipeline('long-pipeline', [bucket('raw').to(fn(longFn, { handler: HANDLER }))]);
  const problems = await problemsOf(pipe, 'staging');
  assert.deepEqual(problems.map((p) => p.message.match(/its (.*?) '/)![1]), ['Lambda function name', 'on-failure queue name']);
  const q = queue('q'.repeat(60));
  const problems2 = await problemsOf(pipeline('long-pipeline', [q]), 'staging');
  assert.deepEqual(problems2.map((p) => p.message.match(/its (.*?) '/)![1]), ['SQS queue name', 'dead-letter queue name']);
});

test('GIVEN an invalid stage name WHEN synthesized THEN it fails before anything else', async () => {
  const three = () => pipeline('pp', [bucket('raw')]);
  assert.equal((await problemsOf(three(), 'Prod'))[0]!.code, 'SLUICE_E_STAGE_NAME');
  assert.match((await problemsOf(three(), 'local'))[0]!.message, /stage 'local' is the embedded engine/);
});

test('GIVEN filters AWS would reject and overlapping notifications WHEN synthesized THEN the model problems are reported with their fix', async () => {
  const raw = bucket('raw');
  const events = topic('events');
  const pipe = pipeline('pp', [
    raw.to(fn('a', { handler: HANDLER }), { prefix: 'my folder/' }),
    raw.to(fn('b', { handler: HANDLER })),
    raw.to(fn('c', { handler: HANDLER })),
    events.to(queue('q'), { filterPolicy: { store: [] } }),
  ]);
  const codes = (await problemsOf(pipe)).map((p) => p.code);
  assert.ok(codes.includes('SLUICE_E_S3_FILTER'), codes.join());
  assert.ok(codes.includes('SLUICE_E_S3_OVERLAP'), codes.join());
  assert.ok(codes.includes('SLUICE_E_FILTER_POLICY'), codes.join());
});

test('GIVEN a declared visibility timeout below 6 x the consumer timeout WHEN synthesized THEN it fails with the value to use', async () => {
  const pipe = pipeline('pp', [queue('orders', { visibilityTimeout: 60 }).to(fn('load', { handler: HANDLER, timeout: 30 }))]);
  const [problem] = await problemsOf(pipe);
  assert.equal(problem!.code, 'SLUICE_E_QUEUE_VISIBILITY');
  assert.equal(problem!.node, 'orders');
  assert.match(problem!.message, /visibilityTimeout \(60 s\) must be at least 6 x the timeout of fn 'load' .* \(180 s\).*set visibilityTimeout: 180/);
});

test('GIVEN a secret or a reserved name in a function environment WHEN synthesized THEN it fails pointing to ctx.secret', async () => {
  const pipe = pipeline('pp', [bucket('raw').to(fn('load', { handler: HANDLER, environment: { API_TOKEN: 'abc123', AWS_REGION: 'us-east-1', MODE: 'AKIAABCDEFGHIJKLMNOP' } }))]);
  const problems = await problemsOf(pipe);
  assert.deepEqual(problems.map((p) => [p.code, p.field]), [
    ['SLUICE_E_SECRET_IN_TEMPLATE', 'environment.API_TOKEN'],
    ['SLUICE_E_FN_ENVIRONMENT', 'environment.AWS_REGION'],
    ['SLUICE_E_SECRET_IN_TEMPLATE', 'environment.MODE'],
  ]);
  assert.match(problems[0]!.message, /ctx\.secret\('api_token'\)/);
});

test('GIVEN a topic with a message size CloudFormation cannot set WHEN synthesized THEN it fails rather than deploy a different topic', async () => {
  const [problem] = await problemsOf(pipeline('pp', [topic('big', { maxMessageSize: 1_048_576 })]));
  assert.equal(problem!.code, 'SLUICE_E_TOPIC_MESSAGE_SIZE_AWS');
  assert.match(problem!.message, /remove maxMessageSize/);
});

test('GIVEN a missing handler file WHEN synthesized THEN it fails naming the file, before bundling', async () => {
  const [problem] = await problemsOf(pipeline('pp', [bucket('raw').to(fn('load', { handler: './fixtures/handlers/missing.ts' }))]));
  assert.equal(problem!.code, 'SLUICE_E_HANDLER_MISSING');
  assert.match(problem!.message, /handlers\/missing\.ts' does not exist/);
});

test('GIVEN two node names that map to one logical id WHEN synthesized THEN it fails asking to rename one', async () => {
  const pipe = pipeline('pp', [queue('jobs').to(fn('load-a', { handler: HANDLER })), queue('more').to(fn('load_a', { handler: HANDLER }))]);
  const problems = await problemsOf(pipe);
  assert.ok(problems.length > 0);
  assert.ok(problems.every((p) => p.code === 'SLUICE_E_LOGICAL_ID'));
  assert.match(problems[0]!.message, /'LoadAFunction'|'LoadALogGroup'/);
});

test('GIVEN several problems WHEN synthesized THEN one error lists them all', async () => {
  const pipe = pipeline('a-rather-long-pipeline-name-for-tests', [bucket('landing-zone-raw'), queue('orders', { visibilityTimeout: 10 }).to(fn('load', { handler: HANDLER }))]);
  const problems = await problemsOf(pipe, 'production');
  assert.deepEqual(problems.map((p) => p.code).sort(), ['SLUICE_E_NAME_TOO_LONG', 'SLUICE_E_QUEUE_VISIBILITY']);
});
