/**
 * Config secrets and idempotency on Lambda against moto_server: `secret('/path')` values read from SSM
 * Parameter Store SecureStrings when the step starts and kept out of logs and messages, and
 * idempotency records in the stage's table through Powertools Idempotency (claimed, completed after
 * the outputs are written, released when the record or its writes fail).
 * moto gaps met here: none.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { component } from 'sluice/runtime';
import { wireOf } from '../../src/envelope/codec.js';
import { newIngestionId } from '../../src/envelope/ingestion-step.js';
import { lambdaHandler } from '../../src/runtime/aws/lambda.js';
import { motoUnavailable, type Moto } from '../helpers/moto.js';
import { captureOutput, deployedEnv, lambdaContext, sqsEvent, startTestAws, type OutputCapture } from './aws-helpers.js';
import * as secretUser from '../fixtures/handlers/secret-user.js';
import * as idempotentStep from '../fixtures/handlers/idempotent-step.js';

const skip = motoUnavailable();
let moto: Moto;
let s3: S3Client, sqs: SQSClient, ssm: SSMClient, documents: DynamoDBDocumentClient;
let output: OutputCapture;
let leaksUrl: string;
const SECRET = 'sk-live-4f1b9a77c0';

before(async () => {
  output = captureOutput();
  if (skip) return;
  let dynamo: DynamoDBClient;
  ({ moto, s3, sqs, ssm, dynamo, documents } = await startTestAws());
  await s3.send(new CreateBucketCommand({ Bucket: 'p-dev-out' }));
  leaksUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'p-dev-leaks' }))).QueueUrl!;
  await ssm.send(new PutParameterCommand({ Name: '/svc/api-key', Type: 'SecureString', Value: SECRET }));
  // Powertools Idempotency's table: partition key `id`, TTL on `expiration`.
  await dynamo.send(new CreateTableCommand({ TableName: 'p-dev-sluice-idempotency', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
});
after(async () => {
  output.restore();
  await moto?.stop();
});
beforeEach(() => output.clear());

const out = { kind: 'bucket', name: 'p-dev-out', uses: ['write'] };
const secretConfig = (paths: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, { 'sluice:secret': p }])));

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'p-dev-out', Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function records(prefix: string): Promise<Array<Record<string, any>>> {
  const items = (await documents.send(new ScanCommand({ TableName: 'p-dev-sluice-idempotency' }))).Items ?? [];
  return items.filter((i) => String(i.id).startsWith(prefix));
}

/** An SQS message body holding an envelope whose body is `body`. */
function envelopeOf(body: Record<string, unknown>): string {
  return JSON.stringify(wireOf({ objectType: 'rawContent', payloadMimeType: 'application/json', body }, newIngestionId()));
}

test('a secret is read from an SSM SecureString into ctx.config and never appears in logs or messages', { skip }, async () => {
  // GIVEN a step whose config references a SecureString, with a queue it could leak to
  const env = deployedEnv('secrets', { out, leaks: { kind: 'queue', name: 'p-dev-leaks', uses: ['send'], url: leaksUrl } }, { SLUICE_STEP_CONFIG: secretConfig({ apiKey: '/svc/api-key' }) });
  // WHEN a batch asks it to use the key, to send it, and to throw an error quoting it
  const response = await lambdaHandler(secretUser, { env })(sqsEvent('p-dev-work', [{ id: 'use', body: 'ok' }, { id: 'send', body: 'leak' }, { id: 'quote', body: 'throw' }]), lambdaContext('req-s'));
  // THEN the step had the decrypted value (it wrote its length)
  assert.deepEqual(await keysUnder('used/'), ['used/ok']);
  // AND the message holding it was refused, and the error quoting it failed only its record
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: 'send' }, { itemIdentifier: 'quote' }] });
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: leaksUrl, WaitTimeSeconds: 0 }))).Messages, undefined);
  const errors = output.lines.filter((l) => l.level === 'ERROR');
  assert.equal(errors.find((l) => l.record === 'send')?.code, 'SLUICE_E_SECRET_LEAK');
  assert.match(errors.find((l) => l.record === 'quote')!.message, /the API refused key \*\*\*/);
  // AND no line printed holds the value: ctx.log lines and errors show *** instead
  assert.ok(output.lines.some((l) => l.message === 'calling the API with ***' && l.data?.key === '***'));
  assert.ok(!output.text().includes(SECRET), 'the secret value was printed');
});

test('reads more than ten secrets, in GetParameters batches of ten', { skip }, async () => {
  // GIVEN twelve SecureStrings referenced by one step's config
  const paths: Record<string, string> = {};
  for (let i = 0; i < 12; i++) {
    paths[`k${i}`] = `/many/k${i}`;
    await ssm.send(new PutParameterCommand({ Name: `/many/k${i}`, Type: 'SecureString', Value: `value-${i}` }));
  }
  let seen: Readonly<Record<string, unknown>> = {};
  const step = { default: component(async (_input, ctx) => void (seen = { ...ctx.config })) };
  // WHEN it starts
  await lambdaHandler(step, { env: deployedEnv('many', {}, { SLUICE_STEP_CONFIG: secretConfig(paths) }) })(sqsEvent('p-dev-work', [{ id: 'm', body: 'x' }]), lambdaContext('req-m'));
  // THEN every key holds its value
  assert.deepEqual(seen, Object.fromEntries(Object.keys(paths).map((k) => [k, `value-${k.slice(1)}`])));
});

test('a missing SSM parameter stops the step before it runs, naming the key and the path', { skip }, async () => {
  const env = deployedEnv('secrets', { out }, { SLUICE_STEP_CONFIG: secretConfig({ apiKey: '/svc/missing' }) });
  await assert.rejects(lambdaHandler(secretUser, { env })(sqsEvent('p-dev-work', [{ id: 'm', body: 'ok' }]), lambdaContext('req-x')), (e: any) =>
    e.code === 'SLUICE_E_SECRET' && e.key === 'apiKey' &&
    e.message === "function 'secrets' cannot start: secret '/svc/missing' (config key 'apiKey') is not set in SSM Parameter Store (us-east-1); create it with: aws ssm put-parameter --type SecureString --name '/svc/missing' --value '<value>'");
  assert.deepEqual(await keysUnder('used/'), ['used/ok']); // only the first test's output
});

function onceEnv(node: string, extra: Record<string, string> = {}, bucket = out) {
  return deployedEnv(node, { out: bucket }, { SLUICE_IDEMPOTENCY_TABLE: 'p-dev-sluice-idempotency', ...extra });
}

test('the same SQS message delivered twice runs once: the second invocation writes nothing', { skip }, async () => {
  // GIVEN an idempotent step keyed by its envelope body's id, deployed as 'p-dev-once-a1b2'
  const env = onceEnv('once', { AWS_LAMBDA_FUNCTION_NAME: 'p-dev-once-a1b2' });
  const event = sqsEvent('p-dev-work', [{ id: 'm1', body: envelopeOf({ id: 'order-1' }) }]);
  // WHEN the message is delivered twice, to two sandboxes
  const first = await lambdaHandler(idempotentStep, { env })(event, lambdaContext('req-1'));
  const runs = await keysUnder('runs/order-1/');
  const second = await lambdaHandler(idempotentStep, { env })(event, lambdaContext('req-2'));
  // THEN both are acknowledged, and only the first ran
  assert.deepEqual(first, { batchItemFailures: [] });
  assert.deepEqual(second, { batchItemFailures: [] });
  assert.equal(runs.length, 1);
  assert.deepEqual(await keysUnder('runs/order-1/'), runs);
  // AND the record is Powertools', under the function's own prefix, completed by the first run
  const [record, ...more] = await records('p-dev-once-a1b2#');
  assert.equal(more.length, 0);
  assert.equal(record!.status, 'COMPLETED');
  const ingestionId = runs[0]!.split('/').pop();
  assert.deepEqual(record!.data, { ingestionId });
  const ttl = Number(record!.expiration) - Date.now() / 1000;
  assert.ok(ttl > 590 && ttl <= 601, `expiration in ${ttl}s (idempotencyTtl '10m')`);
  // AND the second invocation said why it skipped
  assert.ok(output.lines.some((l) => l.message === `skipped a duplicate: idempotency key 'order-1' was processed by ingestion ${ingestionId}` && l.requestId === 'req-2'));
});

test('a failed record releases its key, so its redelivery runs', { skip }, async () => {
  const env = onceEnv('retry');
  const body = envelopeOf({ id: 'order-2', failFirst: true });
  // WHEN the first delivery fails
  const first = await lambdaHandler(idempotentStep, { env })(sqsEvent('p-dev-work', [{ id: 'm2', body, receiveCount: 1 }]), lambdaContext('req-1'));
  // THEN its record is retried and no idempotency record is left behind
  assert.deepEqual(first, { batchItemFailures: [{ itemIdentifier: 'm2' }] });
  assert.deepEqual(await records('p-dev-retry#'), []);
  // AND WHEN it is delivered again, it runs and its key is completed
  const second = await lambdaHandler(idempotentStep, { env })(sqsEvent('p-dev-work', [{ id: 'm2', body, receiveCount: 2 }]), lambdaContext('req-2'));
  assert.deepEqual(second, { batchItemFailures: [] });
  assert.equal((await keysUnder('runs/order-2/')).length, 1);
  assert.deepEqual((await records('p-dev-retry#')).map((r) => r.status), ['COMPLETED']);
});

test('a copy arriving while the first is being processed is retried, not run', { skip }, async () => {
  // GIVEN a step that waits, once it has claimed its key, until the test lets it go
  let entered!: () => void;
  let letGo!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  const gated = { default: component(async (input, ctx) => {
    entered();
    await gate;
    return ctx.object(`gated/${ctx.ingestionId}`, 'ran');
  }, { idempotencyKey: (input) => (input.envelope.body as { id: string }).id }) };
  const env = onceEnv('gated');
  const body = envelopeOf({ id: 'order-3' });
  // WHEN a copy arrives in another sandbox while the first runs
  const first = lambdaHandler(gated, { env })(sqsEvent('p-dev-work', [{ id: 'a', body }]), lambdaContext('req-a'));
  await inside;
  const copy = await lambdaHandler(gated, { env })(sqsEvent('p-dev-work', [{ id: 'b', body }]), lambdaContext('req-b'));
  letGo();
  // THEN the copy is reported for retry with why, and the first completes
  assert.deepEqual(copy, { batchItemFailures: [{ itemIdentifier: 'b' }] });
  assert.equal(output.lines.find((l) => l.record === 'b')?.code, 'SLUICE_E_IDEMPOTENCY_IN_PROGRESS');
  assert.deepEqual(await first, { batchItemFailures: [] });
  assert.equal((await keysUnder('gated/')).length, 1);
  assert.deepEqual((await records('p-dev-gated#')).map((r) => r.status), ['COMPLETED']);
});

test('a key whose outputs cannot be written is given back with the failed invocation', { skip }, async () => {
  // GIVEN a step whose output bucket does not exist
  const env = onceEnv('broken', {}, { kind: 'bucket', name: 'p-dev-no-such-bucket', uses: ['write'] });
  // WHEN it processes a keyed message
  const invocation = lambdaHandler(idempotentStep, { env })(sqsEvent('p-dev-work', [{ id: 'm4', body: envelopeOf({ id: 'order-4' }) }]), lambdaContext('req-4'));
  // THEN the invocation fails (all its records are retried) and no record holds the key
  await assert.rejects(invocation, /NoSuchBucket|does not exist/);
  assert.deepEqual(await records('p-dev-broken#'), []);
  assert.match(output.lines.find((l) => l.level === 'ERROR')!.message, /^invocation failed: /);
});

test('an idempotencyKey without SLUICE_IDEMPOTENCY_TABLE fails its records with what to do', { skip }, async () => {
  const env = deployedEnv('untabled', { out });
  const response = await lambdaHandler(idempotentStep, { env })(sqsEvent('p-dev-work', [{ id: 'm5', body: envelopeOf({ id: 'order-5' }) }]), lambdaContext('req-5'));
  assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: 'm5' }] });
  const error = output.lines.find((l) => l.record === 'm5')!;
  assert.equal(error.code, 'SLUICE_E_IDEMPOTENCY');
  assert.match(error.message, /function 'untabled' has an idempotencyKey but its environment has no SLUICE_IDEMPOTENCY_TABLE; redeploy the stack/);
});
