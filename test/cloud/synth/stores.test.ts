/**
 * The stores sluice's components need (payload bucket, lineage and idempotency tables), the grants
 * and environment each function gets for them, its config and its secrets: by node path, exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sluice } from '../../helpers/cli.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bucket, fn, pipeline, queue, secret } from 'sluice';
import { payloadBucketName as runtimePayloadBucketName } from '../../../src/envelope/offload.js';
import { auditTemplate } from '../../../src/cloud/synth/audit.js';
import { SynthError } from '../../../src/cloud/synth/errors.js';
import { flatten } from '../../../src/cloud/synth/nested.js';
import { idempotencyTableName, lineageTableName, payloadBucketName } from '../../../src/cloud/synth/names.js';
import type { Statement, Template } from '../../../src/cloud/synth/template.js';
import { storesPipeline, threeNodePipeline } from './fixtures/pipelines.js';
import { bindingsOf, byPath, grantLines, hasPath, props, roleStatements, problemsOf, show, synthFor } from './helpers.js';
import { messagePathOf } from '../../../src/runtime/bindings.js';
import type { Topic } from '../../../src/model/topic.js';

const dev = await synthFor(storesPipeline());
const t = dev.template;
const prod = (await synthFor(storesPipeline(), 'prod')).template;
const FUNCTIONS = ['ingest', 'parse', 'store', 'quiet', 'plain'];
const variables = (template: Template, fnName: string): Record<string, any> => props(template, `${fnName}/Function`).Environment.Variables;
/** Grants on the stores and SSM (S3 on the payload bucket, DynamoDB on sluice's tables, SSM). */
const storeLines = (template: Template, fnName: string) => grantLines(roleStatements(template, fnName)).filter((l) => /sluice-payloads|^ssm:|Sluice(Lineage|Idempotency)Table/.test(l));
const PAYLOADS = 'arn:s3:::stores-dev-sluice-payloads';
const LINEAGE = ['dynamodb:BatchWriteItem on SluiceLineageTable.Arn', 'dynamodb:PutItem on SluiceLineageTable.Arn'];

test('GIVEN the store names WHEN computed THEN the payload bucket is the runtime offload rule\'s, and the tables follow the pipeline and stage', () => {
  assert.equal(payloadBucketName('orders', 'dev'), runtimePayloadBucketName('orders', 'dev'));
  assert.equal(payloadBucketName('orders', 'dev'), 'orders-dev-sluice-payloads');
  assert.equal(lineageTableName('orders', 'dev'), 'orders-dev-sluice-lineage');
  assert.equal(idempotencyTableName('orders', 'dev'), 'orders-dev-sluice-idempotency');
});

test('GIVEN components sending through queues and topics WHEN synthesized THEN the payload bucket is locked down and expires payloads a day after the longest queue retention', () => {
  const b = byPath(t, 'PayloadBucket');
  const p = b.Properties as Record<string, any>;
  assert.equal(p.BucketName, 'stores-dev-sluice-payloads');
  assert.deepEqual(p.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  assert.deepEqual(p.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  assert.equal(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
  assert.equal(p.VersioningConfiguration, undefined);
  assert.deepEqual([b.DeletionPolicy, b.UpdateReplacePolicy], ['Retain', 'Retain']);
  // The longest retention of any queue in the stage (DLQs: 14 days), in days rounded up, plus one.
  const longest = Math.max(...Object.values(t.Resources).filter((r) => r.Type === 'AWS::SQS::Queue').map((r) => (r.Properties as any).MessageRetentionPeriod));
  assert.equal(longest, 1_209_600);
  assert.deepEqual(p.LifecycleConfiguration.Rules, [
    { Id: 'expire-payloads', Status: 'Enabled', Prefix: 'payloads/', ExpirationInDays: Math.ceil(longest / 86_400) + 1 },
    { Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
  ]);
  assert.equal(p.LifecycleConfiguration.Rules[0].ExpirationInDays, 15);
  const deny = props(t, 'PayloadBucketPolicy').PolicyDocument.Statement;
  assert.deepEqual(deny.map((s: Statement) => [s.Effect, s.Action, s.Condition]), [['Deny', 's3:*', { Bool: { 'aws:SecureTransport': 'false' } }]]);
  assert.deepEqual((deny[0].Resource as unknown[]).map(show), [`${b.id}.Arn`, `\${${b.id}.Arn}/*`]);
});

test('GIVEN handlers with lineage and an idempotency key WHEN synthesized THEN the lineage and idempotency tables are on demand, encrypted, recoverable, and only the idempotency table expires items', () => {
  const lineage = props(t, 'LineageTable');
  assert.equal(lineage.TableName, 'stores-dev-sluice-lineage');
  assert.deepEqual(lineage.KeySchema, [{ AttributeName: 'ingestionId', KeyType: 'HASH' }]);
  assert.deepEqual(lineage.AttributeDefinitions, [{ AttributeName: 'ingestionId', AttributeType: 'S' }]);
  assert.equal(lineage.TimeToLiveSpecification, undefined);
  const idempotency = props(t, 'IdempotencyTable');
  assert.equal(idempotency.TableName, 'stores-dev-sluice-idempotency');
  assert.deepEqual(idempotency.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
  assert.deepEqual(idempotency.TimeToLiveSpecification, { AttributeName: 'expiration', Enabled: true });
  for (const p of [lineage, idempotency]) {
    assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(p.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.deepEqual(p.SSESpecification, { SSEEnabled: true });
    assert.equal(p.DeletionProtectionEnabled, true);
  }
  assert.equal(byPath(t, 'LineageTable').DeletionPolicy, 'Retain');
});

test('GIVEN the stores WHEN synthesized THEN the stack outputs name each of them', () => {
  assert.deepEqual(show(t.Outputs![byPath(t, 'PayloadBucket').id]!.Value), byPath(t, 'PayloadBucket').id);
  assert.deepEqual(show(t.Outputs![byPath(t, 'LineageTable').id]!.Value), byPath(t, 'LineageTable').id);
  assert.deepEqual(show(t.Outputs![byPath(t, 'IdempotencyTable').id]!.Value), byPath(t, 'IdempotencyTable').id);
});

test('GIVEN a producer WHEN synthesized THEN it may put objects under payloads/<its node>/ only, write lineage, and read exactly its secret parameter', () => {
  assert.deepEqual(storeLines(t, 'ingest'), [
    ...LINEAGE,
    `s3:PutObject on ${PAYLOADS}/payloads/ingest/*`,
    'ssm:GetParameter on arn:ssm:${AWS::Region}:${AWS::AccountId}:parameter/team/api-key',
    'ssm:GetParameters on arn:ssm:${AWS::Region}:${AWS::AccountId}:parameter/team/api-key',
  ]);
  const ssm = roleStatements(t, 'ingest').find((s) => s.Sid === 'ReadSecrets')!;
  assert.deepEqual(ssm.Resource, { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/team/api-key' });
  // In prod, stageConfig swaps the secret: the role reads that parameter and not the other.
  assert.deepEqual(storeLines(prod, 'ingest').filter((l) => l.startsWith('ssm:')), [
    'ssm:GetParameter on arn:ssm:${AWS::Region}:${AWS::AccountId}:parameter/team/prod/api-key',
    'ssm:GetParameters on arn:ssm:${AWS::Region}:${AWS::AccountId}:parameter/team/prod/api-key',
  ]);
});

test('GIVEN a step fed by a queue that sends to a topic WHEN synthesized THEN it may read every payload and write its own', () => {
  assert.deepEqual(storeLines(t, 'parse'), [...LINEAGE, `s3:GetObject on ${PAYLOADS}/payloads/*`, `s3:PutObject on ${PAYLOADS}/payloads/parse/*`]);
});

test('GIVEN a sink with an idempotency key WHEN synthesized THEN it may touch only idempotency records whose id starts with its function name', () => {
  assert.deepEqual(storeLines(t, 'store'), [
    'dynamodb:DeleteItem on SluiceIdempotencyTable.Arn',
    'dynamodb:GetItem on SluiceIdempotencyTable.Arn',
    ...LINEAGE,
    'dynamodb:PutItem on SluiceIdempotencyTable.Arn',
    'dynamodb:UpdateItem on SluiceIdempotencyTable.Arn',
    `s3:GetObject on ${PAYLOADS}/payloads/*`,
  ].sort());
  const statement = roleStatements(t, 'store').find((s) => s.Sid === 'UseIdempotencyRecords');
  assert.deepEqual(statement, {
    Sid: 'UseIdempotencyRecords',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    Resource: { 'Fn::GetAtt': [byPath(t, 'IdempotencyTable').id, 'Arn'] },
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['stores-dev-store#*'] } },
  });
});

test('GIVEN a component with lineage off, and a plain Lambda handler on a queue WHEN synthesized THEN neither holds any grant on the stores', () => {
  assert.deepEqual(storeLines(t, 'quiet'), []);
  assert.deepEqual(storeLines(t, 'plain'), []);
});

test('GIVEN each function WHEN synthesized THEN its environment holds SLUICE_VERSION, and store names and config only where it needs them', () => {
  const keys = (fnName: string) => Object.keys(variables(t, fnName)).filter((k) => k.startsWith('SLUICE_')).sort();
  const base = ['SLUICE_BINDINGS', 'SLUICE_NODE', 'SLUICE_PIPELINE', 'SLUICE_STAGE', 'SLUICE_VERSION'];
  assert.deepEqual(keys('ingest'), [...base, 'SLUICE_LINEAGE_TABLE', 'SLUICE_PAYLOAD_BUCKET', 'SLUICE_STEP_CONFIG'].sort());
  assert.deepEqual(keys('parse'), [...base, 'SLUICE_LINEAGE_TABLE', 'SLUICE_PAYLOAD_BUCKET', 'SLUICE_STEP_CONFIG'].sort());
  assert.deepEqual(keys('store'), [...base, 'SLUICE_IDEMPOTENCY_TABLE', 'SLUICE_LINEAGE_TABLE', 'SLUICE_PAYLOAD_BUCKET'].sort());
  assert.deepEqual(keys('quiet'), base);
  assert.deepEqual(keys('plain'), base);
  const store = variables(t, 'store');
  assert.equal(store.SLUICE_PAYLOAD_BUCKET, 'stores-dev-sluice-payloads');
  assert.equal(store.SLUICE_LINEAGE_TABLE, 'stores-dev-sluice-lineage');
  assert.equal(store.SLUICE_IDEMPOTENCY_TABLE, 'stores-dev-sluice-idempotency');
  // SLUICE_VERSION is the sha256 of the function's zip, the asset it is deployed from.
  for (const name of FUNCTIONS) {
    const asset = (byPath(t, `${name}/Function`).Metadata as any)['sluice:asset'].hash;
    assert.equal(variables(t, name).SLUICE_VERSION, asset);
    assert.ok(dev.assets.some((a) => a.hash === asset));
    assert.ok(props(t, `${name}/Function`).Code.S3Key['Fn::Sub'].endsWith(`${asset}.zip`));
  }
});

test('GIVEN a producer publishing to a topic a function subscribes to WHEN synthesized THEN its binding carries the path the runtime offloads by', () => {
  const out = bindingsOf(t, 'parse').out;
  assert.deepEqual(out.path, { limit: 262_144, wrapped: true });
  const pipe = storesPipeline();
  assert.deepEqual(out.path, messagePathOf(pipe, pipe.node('out') as Topic));
});

test('GIVEN config with secrets and stage overrides WHEN synthesized THEN SLUICE_STEP_CONFIG is the stage config with secrets as references', () => {
  assert.deepEqual(JSON.parse(variables(t, 'ingest').SLUICE_STEP_CONFIG), { region: 'eu-west-1', apiKey: { 'sluice:secret': '/team/api-key' }, limits: { rows: 10 } });
  assert.deepEqual(JSON.parse(variables(prod, 'ingest').SLUICE_STEP_CONFIG), { region: 'eu-west-1', apiKey: { 'sluice:secret': '/team/prod/api-key' }, limits: { rows: 10 } });
  assert.deepEqual(JSON.parse(variables(t, 'parse').SLUICE_STEP_CONFIG), { strict: true });
});

test('GIVEN a secret value in the synthesizing process\'s config layers WHEN synthesized THEN no secret value is anywhere in the template', async () => {
  const before = process.env.SLUICE_CONFIG;
  process.env.SLUICE_CONFIG = JSON.stringify({ apiKey: 'hunter2-very-secret', 'ingest.apiKey': 'hunter2-very-secret' });
  try {
    const s = await synthFor(storesPipeline());
    assert.ok(!s.text.includes('hunter2'));
    assert.equal(s.text, dev.text);
  } finally {
    if (before === undefined) delete process.env.SLUICE_CONFIG;
    else process.env.SLUICE_CONFIG = before;
  }
});

test('GIVEN the stores fixture in every form WHEN audited THEN no docs/security-rules.md rule is broken', async () => {
  assert.deepEqual(auditTemplate(t), []);
  assert.deepEqual(auditTemplate(prod), []);
  const split = await synthFor(storesPipeline(), 'dev', { limits: { resources: 30 } });
  assert.ok(split.nested.length >= 2);
  // The stores stay in the root with their outputs; roles in nested stacks get the tables' ARNs passed in.
  assert.ok(hasPath(split.template, 'PayloadBucket') && hasPath(split.template, 'LineageTable') && hasPath(split.template, 'IdempotencyTable'));
  assert.deepEqual(Object.keys(split.template.Outputs ?? {}).sort(), ['SluiceIdempotencyTable', 'SluiceLineageTable', 'SluicePayloadBucket']);
  const flat = flatten(split.template, split.nested);
  assert.deepEqual(auditTemplate(flat), []);
  assert.deepEqual(roleStatements(flat, 'store'), roleStatements(t, 'store'));
  assert.deepEqual(Object.keys(flat.Outputs!).sort(), Object.keys(t.Outputs!).sort());
});

test('GIVEN a breach of the store rules WHEN audited THEN each is reported', () => {
  const copy = structuredClone(t);
  const statements = (id: string) => (copy.Resources[byPath(copy, `${id}/Role`).id]!.Properties as any).Policies[0].PolicyDocument.Statement as Statement[];
  statements('ingest').find((s) => s.Sid === 'ReadSecrets')!.Resource = { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/team/*' };
  delete statements('store').find((s) => s.Sid === 'UseIdempotencyRecords')!.Condition;
  (copy.Resources[byPath(copy, 'PayloadBucket').id]!.Properties as any).LifecycleConfiguration.Rules.shift();
  const fnProps = copy.Resources[byPath(copy, 'parse/Function').id]!.Properties as any;
  fnProps.Environment.Variables.SLUICE_STEP_CONFIG = JSON.stringify({ strict: true, db: { password: 'hunter2' } });
  assert.deepEqual(auditTemplate(copy).map((f) => `${f.rule} ${f.resource}`).sort(), ['IAM-4 IngestRole', 'IAM-4 StoreRole', 'S3-5 SluicePayloadBucket', 'X-2 ParseFunction']);
});

test('GIVEN a pipeline of plain handlers without config WHEN synthesized THEN it has no store, no store output and no store variable', async () => {
  const three = (await synthFor(threeNodePipeline())).template;
  for (const path of ['PayloadBucket', 'LineageTable', 'IdempotencyTable']) assert.ok(!hasPath(three, path), path);
  assert.ok(!Object.keys(three.Outputs!).some((k) => k.startsWith('Sluice')));
  assert.deepEqual(Object.keys(variables(three, 'copy')).sort(), ['SLUICE_BINDINGS', 'SLUICE_NODE', 'SLUICE_PIPELINE', 'SLUICE_STAGE', 'SLUICE_VERSION']);
});

test('GIVEN the same pipeline WHEN synthesized twice THEN the stores and variables are byte-identical', async () => {
  assert.equal((await synthFor(storesPipeline())).text, dev.text);
});

// Problems: handler imports, names, config secrets, environment size.

const COMPONENT = './fixtures/handlers/component.ts';

test('GIVEN a handler file whose import throws WHEN synthesized THEN a SynthError names the function, the file and the cause', async () => {
  const pipe = pipeline('pp', [queue('jobs').to(fn('load', { handler: './fixtures/handlers/broken.ts' }))]);
  await assert.rejects(synthFor(pipe), (error: unknown) => {
    assert.ok(error instanceof SynthError);
    assert.equal(error.code, 'SLUICE_E_HANDLER_LOAD');
    assert.equal(error.node, 'load');
    assert.match(error.message, /fn 'load': its handler file '.*fixtures\/handlers\/broken\.ts' failed to import while synthesizing .*this module throws when imported \(at test\/cloud\/synth\/fixtures\/handlers\/broken\.ts:2:7\); fix the file/);
    return true;
  });
});

test('GIVEN a handler file that exports no handler WHEN synthesized THEN a SynthError says what to export', async () => {
  const pipe = pipeline('pp', [queue('jobs').to(fn('load', { handler: './fixtures/handlers/no-export.ts' }))]);
  await assert.rejects(synthFor(pipe), (error: unknown) => error instanceof SynthError && error.code === 'SLUICE_E_HANDLER_EXPORT' && /fn 'load'.*no-export\.ts.*export default component/.test(error.message));
});

test('GIVEN functions sharing a handler file WHEN synthesized twice, then by the CLI THEN the file is loaded once, and not again while it is unchanged', async () => {
  // GIVEN two functions with one handler file that notes each load, and a fresh cache
  const dir = mkdtempSync(join(tmpdir(), 'sluice-loads-'));
  const loads = join(dir, 'loads.txt');
  const counted = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/handlers/counted.ts');
  writeFileSync(join(dir, 'pipeline.ts'), `import { fn, pipeline, queue } from 'sluice';\nexport default pipeline('pp', [queue('a').to(fn('one', { handler: ${JSON.stringify(counted)} })), queue('b').to(fn('two', { handler: ${JSON.stringify(counted)} }))]);\n`);
  const make = () => pipeline('pp', [queue('a').to(fn('one', { handler: counted })), queue('b').to(fn('two', { handler: counted }))]);
  process.env.SLUICE_TEST_LOADS = loads;
  try {
    // WHEN it is synthesized for two stages in this process
    await synthFor(make(), 'dev', { cacheDir: join(dir, '.sluice', 'cache') });
    await synthFor(make(), 'prod', { cacheDir: join(dir, '.sluice', 'cache') });
    // THEN the handler was loaded once
    assert.equal(readFileSync(loads, 'utf8'), 'loaded\n');
    // WHEN the CLI synthesizes it in a process of its own
    const run = sluice(['synth', join(dir, 'pipeline.ts'), '--out', join(dir, 'out')]);
    assert.equal(run.status, 0, run.stderr);
    // THEN what the first load learned is reused: the unchanged file is not loaded again
    assert.equal(readFileSync(loads, 'utf8'), 'loaded\n');
  } finally {
    delete process.env.SLUICE_TEST_LOADS;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GIVEN a handler outside the project importing sluice/runtime WHEN synthesized THEN its options are read as when it is bundled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-outside-'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(dir, 'dedupe.ts'), "import { sink } from 'sluice/runtime';\nexport default sink(async () => {}, { idempotencyKey: (input) => input.envelope.ingestionId, lineage: false });\n");
  const s = await synthFor(pipeline('pp', [queue('jobs').to(fn('dedupe', { handler: join(dir, 'dedupe.ts') }))]));
  assert.ok(hasPath(s.template, 'IdempotencyTable'));
  assert.ok(!hasPath(s.template, 'LineageTable'));
  assert.equal(variables(s.template, 'dedupe').SLUICE_IDEMPOTENCY_TABLE, 'pp-dev-sluice-idempotency');
});

test('GIVEN a payload bucket name too long for the stage WHEN synthesized THEN it fails naming the pipeline, the limit and how much to cut', async () => {
  const pipe = pipeline('a-rather-long-pipeline-name-for-tests', [queue('jobs').to(fn('load', { handler: COMPONENT }))]);
  const problems = await problemsOf(pipe, 'production');
  assert.deepEqual(problems.map((p) => [p.code, p.node]), [['SLUICE_E_NAME_TOO_LONG', 'a-rather-long-pipeline-name-for-tests']]);
  assert.match(problems[0]!.message, /payload bucket name 'a-rather-long-pipeline-name-for-tests-production-sluice-payloads' .* is 64 characters, over S3's limit of 63 in stage 'production'; shorten the pipeline name or the stage name by 1 character$/);
});

test('GIVEN a node whose name is a store\'s WHEN the store is needed THEN it fails asking to rename the node', async () => {
  const pipe = pipeline('pp', [queue('jobs').to(fn('load', { handler: COMPONENT })).to(bucket('sluice-payloads'))]);
  const problems = await problemsOf(pipe);
  assert.deepEqual(problems.map((p) => [p.code, p.node]), [['SLUICE_E_NAME_RESERVED', 'sluice-payloads']]);
  assert.match(problems[0]!.message, /bucket 'sluice-payloads': its physical name 'pp-dev-sluice-payloads' is the one sluice gives the pipeline's payload bucket; rename the node/);
});

test('GIVEN config values that look like secrets in plain text WHEN synthesized THEN it fails pointing to secret()', async () => {
  const pipe = pipeline('pp', [queue('jobs').to(fn('load', {
    handler: COMPONENT,
    config: { apiKey: secret('/pp/api-key'), region: 'eu' },
    stageConfig: { dev: { db: { password: 'hunter2' }, note: 'AKIAABCDEFGHIJKLMNOP' } },
  }))]);
  const problems = await problemsOf(pipe);
  assert.deepEqual(problems.map((p) => [p.code, p.field]), [['SLUICE_E_SECRET_IN_TEMPLATE', 'config.db.password'], ['SLUICE_E_SECRET_IN_TEMPLATE', 'config.note']]);
  assert.match(problems[0]!.message, /config key 'db.password' looks like a secret in stage 'dev'.*SLUICE_STEP_CONFIG.*password: secret\('\/path'\)/);
  // Another stage without those overrides synthesizes.
  await synthFor(pipe, 'prod');
});

test('GIVEN config too large for a Lambda environment WHEN synthesized THEN it fails counting the config in the 4 KB', async () => {
  const config = { rows: 'x'.repeat(3000) };
  const fits = pipeline('pp', [queue('jobs').to(fn('load', { handler: COMPONENT, config }))]);
  await synthFor(fits);
  const big = pipeline('pp', [queue('jobs').to(fn('load', { handler: COMPONENT, config: { rows: 'x'.repeat(3900) } }))]);
  const problems = await problemsOf(big);
  assert.deepEqual(problems.map((p) => [p.code, p.field]), [['SLUICE_E_FN_ENVIRONMENT', 'environment']]);
  assert.match(problems[0]!.message, /its environment needs about \d+ bytes \(its variables, its config as SLUICE_STEP_CONFIG/);
});
