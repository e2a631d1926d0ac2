/**
 * A deployed function's environment as the Lambda entry reads it: the variables synth sets for its
 * components (version, payload bucket, lineage and idempotency tables, step config) under the
 * `SLUICE_CONFIG` overlay, and one error naming the function and every malformed variable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { component } from 'sluice/runtime';
import { bindingsFromEnv, EnvironmentError } from '../../src/runtime/aws/bindings-env.js';
import { lambdaHandler } from '../../src/runtime/aws/lambda.js';

const HASH = '0123456789abcdef'.repeat(4);

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { SLUICE_PIPELINE: 'orders', SLUICE_STAGE: 'prod', SLUICE_NODE: 'fetch', SLUICE_BINDINGS: '{}', ...extra };
}

test('reads the version, payload bucket, tables and config that synth sets', () => {
  const deployed = bindingsFromEnv(env({
    SLUICE_VERSION: HASH,
    SLUICE_PAYLOAD_BUCKET: 'orders-prod-sluice-payloads',
    SLUICE_LINEAGE_TABLE: 'orders-prod-sluice-lineage',
    SLUICE_IDEMPOTENCY_TABLE: 'orders-prod-sluice-idempotency',
    SLUICE_STEP_CONFIG: JSON.stringify({ baseUrl: 'https://a', apiKey: { 'sluice:secret': '/orders/key' } }),
  }));
  assert.equal(deployed.step.version, HASH);
  assert.equal(deployed.step.payloadBucket, 'orders-prod-sluice-payloads');
  assert.equal(deployed.lineageTable, 'orders-prod-sluice-lineage');
  assert.equal(deployed.idempotencyTable, 'orders-prod-sluice-idempotency');
  // secrets stay references until the step starts
  assert.deepEqual(deployed.step.config, { baseUrl: 'https://a', apiKey: { 'sluice:secret': '/orders/key' } });
  // without AWS_LAMBDA_FUNCTION_NAME (a test, a tool), the physical name follows the naming scheme
  assert.equal(deployed.functionName, 'orders-prod-fetch');
  assert.equal(bindingsFromEnv(env({ AWS_LAMBDA_FUNCTION_NAME: 'orders-prod-fetch-x1' })).functionName, 'orders-prod-fetch-x1');
});

test('SLUICE_CONFIG overlays the step config, a <node>.key entry winning over key', () => {
  const deployed = bindingsFromEnv(env({
    SLUICE_STEP_CONFIG: JSON.stringify({ baseUrl: 'https://a', batch: 10 }),
    SLUICE_CONFIG: JSON.stringify({ batch: 20, 'fetch.baseUrl': 'https://b', baseUrl: 'https://c' }),
  }));
  assert.deepEqual(deployed.step.config, { baseUrl: 'https://b', batch: 20 });
  // an overlay alone gives a step its config too
  assert.deepEqual(bindingsFromEnv(env({ SLUICE_CONFIG: '{"batch": 5}' })).step.config, { batch: 5 });
});

test('a topic binding keeps the smallest limit on its path, which decides offload', () => {
  const bindings = { events: { kind: 'topic', name: 'orders-prod-events', uses: ['publish'], arn: 'arn:t', maxMessageSize: 262_144, path: { limit: 65_536, wrapped: true } } };
  const deployed = bindingsFromEnv(env({ SLUICE_BINDINGS: JSON.stringify(bindings) }));
  assert.deepEqual(deployed.step.topics, [{ name: 'events', maxMessageSize: 262_144, path: { limit: 65_536, wrapped: true } }]);
});

test('a function deployed without components has none: no config, payload bucket or tables', () => {
  const deployed = bindingsFromEnv(env({}));
  assert.equal(deployed.step.config, undefined);
  assert.equal(deployed.step.payloadBucket, undefined);
  assert.equal(deployed.step.version, undefined);
  assert.equal(deployed.lineageTable, undefined);
  assert.equal(deployed.idempotencyTable, undefined);
});

test('every malformed variable is named in one error, with the function', () => {
  const malformed = env({ SLUICE_STEP_CONFIG: '{"batch": ', SLUICE_PAYLOAD_BUCKET: 'Orders_Payloads', SLUICE_VERSION: 'abc', SLUICE_CONFIG: '[1]' });
  assert.throws(() => bindingsFromEnv(malformed), (e: unknown) => {
    assert.ok(e instanceof EnvironmentError);
    assert.equal(e.code, 'SLUICE_E_STEP_CONFIG');
    assert.equal(e.node, 'fetch');
    assert.deepEqual(e.variables, ['SLUICE_STEP_CONFIG', 'SLUICE_CONFIG', 'SLUICE_VERSION', 'SLUICE_PAYLOAD_BUCKET']);
    const lines = e.message.split('\n');
    assert.equal(lines[0], "function 'fetch' cannot start: its environment has 4 problems:");
    assert.match(lines[1]!, /^  - SLUICE_STEP_CONFIG is not JSON \(.+\); redeploy the stack, which sets it \[SLUICE_E_STEP_CONFIG\]$/);
    assert.equal(lines[2], `  - SLUICE_CONFIG must be a JSON object (given [1]); set it to an object such as '{"batchSize": 10}' [SLUICE_E_CONFIG_ENV]`);
    assert.equal(lines[3], `  - SLUICE_VERSION must be the sha256 (64 lower-case hex digits) of the function's bundle (given "abc"); redeploy the stack, which sets it [SLUICE_E_ENVIRONMENT]`);
    assert.equal(lines[4], `  - SLUICE_PAYLOAD_BUCKET must be an S3 bucket name (given "Orders_Payloads"); redeploy the stack, which sets it [SLUICE_E_ENVIRONMENT]`);
    return true;
  });
  assert.throws(() => bindingsFromEnv(env({ SLUICE_LINEAGE_TABLE: 'x' })), { code: 'SLUICE_E_ENVIRONMENT', message: `function 'fetch' cannot start: SLUICE_LINEAGE_TABLE must be a DynamoDB table name (given "x"); redeploy the stack, which sets it` });
  assert.throws(() => bindingsFromEnv(env({ SLUICE_BINDINGS: 'nope' })), { code: 'SLUICE_E_BINDINGS', message: /^function 'fetch' cannot start: SLUICE_BINDINGS is not JSON/ });
});

test('a SLUICE_BINDINGS entry that does not fit its kind fails the cold start naming the node and the field', () => {
  // GIVEN entries as a broken deploy or a hand edit could leave them
  const broken = (entry: unknown) => () => bindingsFromEnv(env({ SLUICE_BINDINGS: JSON.stringify({ orders: entry }) }));
  // THEN each is an EnvironmentError with SLUICE_E_BINDINGS, never a TypeError later
  assert.throws(broken({ kind: 'queue', name: 'p-prod-orders', url: 'https://q' }), { code: 'SLUICE_E_BINDINGS', message: /SLUICE_BINDINGS entry 'orders': field 'uses' is missing; redeploy the stack, which sets it$/ });
  assert.throws(broken({ kind: 'queue', name: 'p-prod-orders', uses: ['send'] }), { code: 'SLUICE_E_BINDINGS', message: /entry 'orders': field 'url' is missing/ });
  assert.throws(broken({ kind: 'queue', name: 'p-prod-orders', uses: ['send'], url: 'u', maxMessageSize: 'big' }), { code: 'SLUICE_E_BINDINGS', message: /entry 'orders': field 'maxMessageSize' .*\(given "big"\)/ });
  assert.throws(broken({ kind: 'lake', name: 'x', uses: [] }), { code: 'SLUICE_E_BINDINGS', message: /entry 'orders' has kind "lake", not one of bucket, queue, topic, table, fn/ });
  assert.throws(broken(null), { code: 'SLUICE_E_BINDINGS', message: /entry 'orders' has kind undefined/ });
  // AND an entry without a size limit gets its kind's default
  const deployed = bindingsFromEnv(env({ SLUICE_BINDINGS: JSON.stringify({ orders: { kind: 'queue', name: 'p-prod-orders', uses: ['send'], url: 'u' }, events: { kind: 'topic', name: 'p-prod-events', uses: ['publish'], arn: 'a' } }) }));
  assert.deepEqual([deployed.step.queues[0]!.maxMessageSize, deployed.step.topics[0]!.maxMessageSize], [1_048_576, 262_144]);
});

test('the Lambda entry fails its cold start on a malformed environment, before any event', () => {
  const step = { default: component(async () => undefined) };
  assert.throws(() => lambdaHandler(step, { env: env({ SLUICE_IDEMPOTENCY_TABLE: 'a b' }) }), { code: 'SLUICE_E_ENVIRONMENT', variables: ['SLUICE_IDEMPOTENCY_TABLE'] });
});
