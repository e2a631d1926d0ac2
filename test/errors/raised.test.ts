/**
 * Codes that only a unit of sluice raises, each checked where it is raised: the handler helpers, event
 * decoding, config and secrets files, the Lambda runtime's stores, synthesis settings and limits,
 * AWS errors, and the CLI's report of a bug. Each is a coded error with its fields, never a bare
 * TypeError (docs/errors.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { component, objectType } from 'sluice/runtime';
import { bucket, fn, pipeline, SynthError, topic, type ErrorCode } from 'sluice';
import { inputsFromEvent } from '../../src/runtime/events.js';
import { configLayersFrom, secretsSource } from '../../src/engine/config-files.js';
import { powertoolsIdempotency } from '../../src/runtime/aws/idempotency.js';
import { resource } from '../../src/runtime/aws/bindings-env.js';
import { nameProblems } from '../../src/cloud/synth/names.js';
import { explainAwsError } from '../../src/cloud/deploy/errors.js';
import { problemsOf, synthFor } from '../cloud/synth/helpers.js';

const HANDLER = new URL('../cloud/synth/fixtures/handlers/noop.ts', import.meta.url);

/** Run `f` and return the code of what it throws (or rejects with). */
async function codeOf(f: () => unknown): Promise<ErrorCode | undefined> {
  try {
    await f();
  } catch (error) {
    return (error as { code?: ErrorCode }).code;
  }
  assert.fail('did not throw');
}

test('component() given no step function, or options that are not an object, is SLUICE_E_STEP_OPTIONS', async () => {
  assert.equal(await codeOf(() => component('not a function' as never)), 'SLUICE_E_STEP_OPTIONS');
  assert.equal(await codeOf(() => component(async () => [], null as never)), 'SLUICE_E_STEP_OPTIONS');
});

test("objectType() given a built-in or invalid name is SLUICE_E_OBJECT_TYPE_NAME", async () => {
  assert.equal(await codeOf(() => objectType('rawContent')), 'SLUICE_E_OBJECT_TYPE_NAME');
  assert.equal(await codeOf(() => objectType('has space')), 'SLUICE_E_OBJECT_TYPE_NAME');
});

test('an event that is not S3, SQS, SNS or a scheduled event is SLUICE_E_EVENT, naming its keys', async () => {
  let error: unknown;
  try {
    inputsFromEvent({ hello: 'world' });
  } catch (e) {
    error = e;
  }
  assert.equal((error as { code: string }).code, 'SLUICE_E_EVENT');
  assert.deepEqual((error as { given: unknown }).given, ['hello']);
});

test('SLUICE_CONFIG that is not a JSON object is SLUICE_E_CONFIG_ENV; a secrets file that is not one is SLUICE_E_SECRETS_FILE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-codes-'));
  assert.equal(await codeOf(() => configLayersFrom(dir, { SLUICE_CONFIG: '[1, 2]' })), 'SLUICE_E_CONFIG_ENV');
  assert.equal(await codeOf(() => configLayersFrom(dir, { SLUICE_CONFIG: '{' })), 'SLUICE_E_CONFIG_ENV');
  const file = join(dir, 'secrets.json');
  writeFileSync(file, '["/a"]');
  assert.equal(await codeOf(() => secretsSource(file)()), 'SLUICE_E_SECRETS_FILE');
});

test('a failing call to the idempotency table is SLUICE_E_IDEMPOTENCY_STORE, retried; a missing binding is SLUICE_E_NO_BINDING', async () => {
  const client = { send: async () => { throw Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }); }, config: {} } as never;
  const records = powertoolsIdempotency({ tableName: 'p-dev-sluice-idempotency', functionName: 'p-dev-once', ttlMs: 60_000, client });
  assert.equal(await codeOf(() => records.begin('once', 'order-1', 30_000)), 'SLUICE_E_IDEMPOTENCY_STORE');
  assert.equal(await codeOf(() => resource({}, 'curated', 'bucket')), 'SLUICE_E_NO_BINDING');
});

test('synthesis settings and limits: an unknown log retention, a topic size CloudFormation cannot set, a node too big for one stack, a name a service rejects', async () => {
  const pipe = pipeline('codes', [bucket('raw').to(fn('copy', { handler: HANDLER }))]);
  assert.deepEqual((await problemsOf2(() => synthFor(pipe, 'dev', { logRetentionDays: 31 }))).map((p) => p.code), ['SLUICE_E_LOG_RETENTION']);
  assert.deepEqual((await problemsOf(pipeline('codes-topic', [topic('t', { maxMessageSize: 500_000 })]))).map((p) => p.code), ['SLUICE_E_TOPIC_MESSAGE_SIZE_AWS']);
  // A topic fanning out to 260 functions: its subscriptions and permissions alone are over 500 resources.
  const fanout = topic('fanout');
  const big = pipeline('codes-big', Array.from({ length: 260 }, (_, i) => fanout.to(fn(`f${i}`, { handler: HANDLER }))));
  let error: unknown;
  try {
    await synthFor(big);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof SynthError, String(error));
  assert.equal(error.code, 'SLUICE_E_TEMPLATE_LIMIT');
  assert.equal(error.node, 'fanout');
  // Node names are checked stricter than most services: the rule exists for the services that are stricter still.
  assert.deepEqual(nameProblems([{ what: 'S3 bucket name', name: 'p-dev-Raw', max: 63, node: 'Raw', pattern: /^[a-z0-9-]+$/, patternText: 'lower-case letters, digits and hyphens' }], 'p', 'dev').map((p) => p.code), ['SLUICE_E_NAME_CHARACTERS']);
});

test('an AWS error sluice does not recognise is SLUICE_E_DEPLOY_AWS, carrying its name and message', () => {
  const error = explainAwsError(Object.assign(new Error('the widget is sideways'), { name: 'WidgetSideways', $metadata: { httpStatusCode: 400 } }), 'creating the change set');
  assert.equal(error.code, 'SLUICE_E_DEPLOY_AWS');
  assert.match(error.message, /AWS failed while creating the change set: WidgetSideways: the widget is sideways/);
});

test('the CLI reports a bug (an InternalError) with its stack and SLUICE_E_INTERNAL, and a user mistake without one', () => {
  // reportError writes to the process's streams: run it in a child so the test's own output stays clean.
  const script = `
    import { reportError } from ${JSON.stringify(new URL('../../src/cli/output.ts', import.meta.url).href)};
    import { InternalError, InputError } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
    reportError({ json: process.argv[1] === 'json' }, process.argv[2] === 'bug' ? new InternalError('the turn committed twice') : new InputError('SLUICE_E_UNKNOWN_NODE', "bucket 'x' is not in pipeline 'p'"));`;
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const bug = run('human', 'bug');
  assert.match(bug.stderr, /^internal error InternalError: the turn committed twice; this is a bug in sluice, please report it/);
  assert.match(bug.stderr, /\n\s+at /, 'with its stack');
  const json = JSON.parse(run('json', 'bug').stdout);
  assert.equal(json.code, 'SLUICE_E_INTERNAL');
  assert.match(json.stack, /InternalError/);
  const mistake = run('human', 'user');
  assert.equal(mistake.stderr.trim(), "error bucket 'x' is not in pipeline 'p' [SLUICE_E_UNKNOWN_NODE]");
});

async function problemsOf2(f: () => Promise<unknown>): Promise<Array<{ code: string }>> {
  try {
    await f();
  } catch (error) {
    return (error as { problems: Array<{ code: string }> }).problems;
  }
  assert.fail('did not fail');
}
