/**
 * The stores sluice adds for components (payload bucket, lineage and idempotency tables) deployed to
 * moto through the CLI: they exist with their key schemas, functions carry their names and exact
 * grants, the outputs name them, and destroy removes them with their data, also when the stack was
 * deleted outside sluice and left them behind (DeletionPolicy Retain). moto gaps are named in
 * ./helpers.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DescribeTimeToLiveCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketLifecycleConfigurationCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { synthesize } from '../../../src/cloud/synth/synth.js';
import { loadPipeline } from '../../../src/cli/load.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { CACHE_DIR } from '../synth/helpers.js';
import { deployedTemplateOf, leftovers, resourceAt, resourcesOf, sluice, startCloud, verifyAgainstTemplate, type Cloud } from './helpers.js';

const skip = motoUnavailable();
const ENTRY = fileURLToPath(new URL('./fixtures/stores.pipeline.ts', import.meta.url));
const STAGE = 'st';
const STACK = `stores-kind-${STAGE}`;
const NAMES = { payloads: `${STACK}-sluice-payloads`, lineage: `${STACK}-sluice-lineage`, idempotency: `${STACK}-sluice-idempotency` };
const NOTHING_LEFT = { stack: [], buckets: [], queues: [], topics: [], tables: [], functions: [], mappings: [], roles: [], logGroups: [], assets: [], rules: [] };
let cloud: Cloud;
let deployed: any;

before(async () => {
  if (skip) return;
  cloud = await startCloud();
  const run = sluice(cloud, ['deploy', ENTRY, '--stage', STAGE, '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  deployed = run.json();
});
after(async () => cloud?.stop());

const exists = (probe: () => Promise<unknown>) => probe().then(() => true, () => false);

test('GIVEN components deployed THEN every function, role and store matches its template: store names in environments, exact store grants', { skip }, async () => {
  const { pipeline } = await loadPipeline(ENTRY);
  const s = await synthesize(pipeline, { stage: STAGE, cacheDir: CACHE_DIR });
  const resources = await resourcesOf(cloud, STACK);
  await verifyAgainstTemplate(cloud, s, resources);
  assert.equal(resourceAt(s.template, resources, 'PayloadBucket').physicalId, NAMES.payloads);
  assert.equal(resourceAt(s.template, resources, 'LineageTable').physicalId, NAMES.lineage);
  assert.equal(resourceAt(s.template, resources, 'IdempotencyTable').physicalId, NAMES.idempotency);
  // AND the outputs name them (MOTO_CFN_OUTPUTS: read back from the physical ids)
  assert.equal(deployed.outputs.SluicePayloadBucket, NAMES.payloads);
  assert.equal(deployed.outputs.SluiceLineageTable, NAMES.lineage);
  assert.equal(deployed.outputs.SluiceIdempotencyTable, NAMES.idempotency);
});

test('GIVEN components deployed THEN the payload bucket exists and expires payloads/ (lifecycle from the template: MOTO_CFN_S3_PROPERTIES)', { skip }, async () => {
  assert.ok(await exists(() => cloud.aws.s3.send(new HeadBucketCommand({ Bucket: NAMES.payloads }))));
  const template = await deployedTemplateOf(cloud, STACK);
  const bucket = Object.values(template.Resources).find((r) => r.Metadata?.['sluice:path'] === 'PayloadBucket')!;
  const rules = (bucket.Properties as any).LifecycleConfiguration.Rules;
  assert.deepEqual(rules.map((r: any) => [r.Id, r.Prefix, r.ExpirationInDays ?? r.AbortIncompleteMultipartUpload?.DaysAfterInitiation]), [['expire-payloads', 'payloads/', 15], ['abort-incomplete-multipart-uploads', undefined, 1]]);
  // moto 5.2 sets no lifecycle from CloudFormation; should it start to, it must be the template's.
  const live = await cloud.aws.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: NAMES.payloads })).then((o) => o.Rules, () => undefined);
  if (live) assert.deepEqual(live.map((r) => [r.ID, r.Expiration?.Days ?? r.AbortIncompleteMultipartUpload?.DaysAfterInitiation]), [['expire-payloads', 15], ['abort-incomplete-multipart-uploads', 1]]);
});

test('GIVEN components deployed THEN the lineage table is keyed by ingestionId and the idempotency table by id with TTL on expiration (TTL from the template: MOTO_CFN_DYNAMODB_PROPERTIES)', { skip }, async () => {
  const table = async (name: string) => (await cloud.aws.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table!;
  const lineage = await table(NAMES.lineage);
  assert.deepEqual(lineage.KeySchema, [{ AttributeName: 'ingestionId', KeyType: 'HASH' }]);
  assert.deepEqual(lineage.AttributeDefinitions, [{ AttributeName: 'ingestionId', AttributeType: 'S' }]);
  assert.equal(lineage.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  const idempotency = await table(NAMES.idempotency);
  assert.deepEqual(idempotency.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }]);
  assert.equal(idempotency.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(idempotency.DeletionProtectionEnabled, true);
  const template = await deployedTemplateOf(cloud, STACK);
  const ttl = (path: string) => (Object.values(template.Resources).find((r) => r.Metadata?.['sluice:path'] === path)!.Properties as any).TimeToLiveSpecification;
  assert.deepEqual(ttl('IdempotencyTable'), { AttributeName: 'expiration', Enabled: true });
  assert.equal(ttl('LineageTable'), undefined);
  // moto 5.2 drops TimeToLiveSpecification; should it start to set it, it must be the template's.
  const live = (await cloud.aws.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: NAMES.idempotency }))).TimeToLiveDescription;
  if (live?.TimeToLiveStatus !== 'DISABLED') assert.deepEqual([live?.TimeToLiveStatus, live?.AttributeName], ['ENABLED', 'expiration']);
});

test('GIVEN data in the stores WHEN destroyed THEN the payload bucket and both tables are gone with everything else, and a second destroy finds nothing', { skip }, async () => {
  // (runs after the checks above: they share the stage)
  await cloud.aws.s3.send(new PutObjectCommand({ Bucket: NAMES.payloads, Key: 'payloads/ingest/01J0/0', Body: 'x'.repeat(300_000) }));
  await cloud.aws.dynamodb.send(new PutItemCommand({ TableName: NAMES.lineage, Item: { ingestionId: { S: '01J0' }, artifactName: { S: 'ingest' } } }));
  await cloud.aws.dynamodb.send(new PutItemCommand({ TableName: NAMES.idempotency, Item: { id: { S: `${STACK}-store#abc` }, status: { S: 'COMPLETED' }, expiration: { N: '1' } } }));
  const run = sluice(cloud, ['destroy', ENTRY, '--stage', STAGE, '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  const result = run.json();
  assert.ok(result.buckets.some((b: any) => b.name === NAMES.payloads && b.retained));
  assert.deepEqual(result.tables.map((t: any) => t.name).filter((n: string) => n.includes('-sluice-')).sort(), [NAMES.idempotency, NAMES.lineage]);
  assert.ok(result.objectsDeleted >= 1);
  assert.deepEqual(await leftovers(cloud, STACK), NOTHING_LEFT);
  const twice = sluice(cloud, ['destroy', ENTRY, '--stage', STAGE, '--yes', '--json']);
  assert.equal(twice.status, 0, twice.stderr);
  assert.equal(twice.json().result, 'nothing');
});

test('GIVEN a stack deleted outside sluice that kept its stores (DeletionPolicy Retain) WHEN destroyed THEN sluice finds them by name and tags and removes them', { skip }, async () => {
  const stage = 'kept';
  const stack = `stores-kind-${stage}`;
  const deploy = sluice(cloud, ['deploy', ENTRY, '--stage', stage, '--yes']);
  assert.equal(deploy.status, 0, deploy.stderr);
  await cloud.aws.s3.send(new PutObjectCommand({ Bucket: `${stack}-sluice-payloads`, Key: 'payloads/parse/01J1/0', Body: 'body' }));
  await cloud.aws.cloudformation.send(new DeleteStackCommand({ StackName: stack }));
  for (let i = 0; i < 50 && (await leftovers(cloud, stack)).stack.length; i++) await new Promise((r) => setTimeout(r, 100));
  // GIVEN the stack is gone and its retained stores are not
  const left = await leftovers(cloud, stack);
  assert.deepEqual(left.stack, []);
  assert.ok(left.buckets.includes(`${stack}-sluice-payloads`));
  assert.deepEqual(left.tables.filter((t) => t.includes('-sluice-')).sort(), [`${stack}-sluice-idempotency`, `${stack}-sluice-lineage`]);
  // WHEN
  const run = sluice(cloud, ['destroy', ENTRY, '--stage', stage, '--yes', '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  // THEN
  assert.deepEqual(await leftovers(cloud, stack), NOTHING_LEFT);
});
