/**
 * Least privilege from wiring: each role holds exactly the actions its edges imply, on exactly those
 * resources, and `*` only where AWS cannot scope an action, each with its reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { bucket, fn, pipeline, queue, table, topic } from 'sluice';
import { grantsOf } from '../../../src/model/permissions.js';
import type { Fn } from '../../../src/model/fn.js';
import { everyEdgePipeline, storesPipeline, threeNodePipeline } from './fixtures/pipelines.js';
import { bindingsOf, byPath, grantLines, roleStatements, synthFor } from './helpers.js';

const every = (await synthFor(everyEdgePipeline())).template;
const three = (await synthFor(threeNodePipeline())).template;
const INFRA = [
  'xray:PutTelemetryRecords on *',
  'xray:PutTraceSegments on *',
];
const logs = (fn: string, pipe = 'every-edge') => [
  `logs:CreateLogStream on arn:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${pipe}-dev-${fn}:log-stream:*`,
  `logs:PutLogEvents on arn:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${pipe}-dev-${fn}:log-stream:*`,
];

test("GIVEN raw -> copy -> curated WHEN synthesized THEN copy's role allows s3:GetObject on raw/* and s3:PutObject on curated/* and nothing else", () => {
  assert.deepEqual(grantLines(roleStatements(three, 'copy')), [
    ...logs('copy', 'three-node-pipe'),
    's3:GetObject on arn:s3:::three-node-pipe-dev-raw/*',
    's3:PutObject on arn:s3:::three-node-pipe-dev-curated/*',
    // Lambda sends failed asynchronous events to the on-failure queue with the function's role.
    'sqs:SendMessage on CopyFailures.Arn',
    ...INFRA,
  ].sort());
});

test('GIVEN filtered triggers and a key prefix WHEN synthesized THEN reads and writes are scoped to those prefixes', () => {
  assert.deepEqual(grantLines(roleStatements(every, 'ingest')).filter((l) => l.startsWith('s3:')), [
    's3:GetObject on arn:s3:::every-edge-dev-raw/in/*',
    's3:PutObject on arn:s3:::every-edge-dev-curated/ingested/*',
  ]);
});

test('GIVEN S3 events reaching a function through a queue or a topic and queue WHEN synthesized THEN it may read the objects under the filtered prefix', () => {
  assert.ok(grantLines(roleStatements(every, 'load')).includes('s3:GetObject on arn:s3:::every-edge-dev-raw/landing/*'));
  assert.ok(grantLines(roleStatements(every, 'auditor')).includes('s3:GetObject on arn:s3:::every-edge-dev-raw/events/*'));
  // A topic subscriber gets the same: bucket -> topic -> fn.
  assert.ok(grantLines(roleStatements(every, 'notify')).includes('s3:GetObject on arn:s3:::every-edge-dev-raw/events/*'));
});

test('GIVEN a consumer of a queue on the pipeline key WHEN synthesized THEN it may receive, delete and decrypt, and nothing else on that queue', () => {
  assert.deepEqual(grantLines(roleStatements(every, 'load')), [
    ...logs('load'),
    'kms:Decrypt on SluiceKey.Arn',
    's3:GetObject on arn:s3:::every-edge-dev-raw/landing/*',
    's3:PutObject on arn:s3:::every-edge-dev-curated/loaded/*',
    'sqs:ChangeMessageVisibility on LandingQueue.Arn',
    'sqs:DeleteMessage on LandingQueue.Arn',
    'sqs:GetQueueAttributes on LandingQueue.Arn',
    'sqs:ReceiveMessage on LandingQueue.Arn',
    ...INFRA,
  ].sort());
});

test('GIVEN fn.reads(table) and fn.writes(table) WHEN synthesized THEN each role holds only the actions ctx.table() makes for its use, on that table', () => {
  const report = grantLines(roleStatements(every, 'report')).filter((l) => l.startsWith('dynamodb:'));
  assert.deepEqual(report, ['dynamodb:GetItem on ItemsTable.Arn', 'dynamodb:Query on ItemsTable.Arn', 'dynamodb:Scan on ItemsTable.Arn']);
  const ingest = grantLines(roleStatements(every, 'ingest')).filter((l) => l.startsWith('dynamodb:'));
  assert.deepEqual(ingest, ['dynamodb:DeleteItem on ItemsTable.Arn', 'dynamodb:PutItem on ItemsTable.Arn']);
});

test('GIVEN fn.writes(table, { delete: false }) WHEN synthesized THEN the role may put items and nothing else: no delete, no batch write', async () => {
  const items = table('items', { partitionKey: 'id' });
  const t = (await synthFor(pipeline('put-only', [bucket('raw').to(fn('adder', { handler: './fixtures/handlers/component.ts' }).writes(items, { delete: false }))]))).template;
  assert.deepEqual(grantLines(roleStatements(t, 'adder')).filter((l) => l.includes(' on ItemsTable')), ['dynamodb:PutItem on ItemsTable.Arn']);
  assert.deepEqual(bindingsOf(t, 'adder').items, { kind: 'table', name: 'put-only-dev-items', uses: ['put'], partitionKey: 'id' });
});

test('GIVEN a producer of a queue and a topic on AWS-managed keys WHEN synthesized THEN it may send and publish without any KMS grant', () => {
  assert.ok(grantLines(roleStatements(every, 'ingest')).includes('sqs:SendMessage on WorkQueue.Arn'));
  assert.ok(!grantLines(roleStatements(every, 'ingest')).some((l) => l.startsWith('kms:')));
  assert.ok(grantLines(roleStatements(every, 'report')).includes('sns:Publish on AlertsTopic'));
});

test('GIVEN any role WHEN synthesized THEN it trusts the one service that assumes it, and every statement on "*" is an unscopable action explained in metadata', () => {
  const roles = Object.values(every.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
  const count = (type: string) => Object.values(every.Resources).filter((r) => r.Type === type).length;
  const trusted = (service: string) => roles.filter((r) => (r.Properties as any).AssumeRolePolicyDocument.Statement[0].Principal.Service === service);
  // One role per function and job, Glue job, state machine, and schedule -> flow edge.
  assert.equal(trusted('lambda.amazonaws.com').length, count('AWS::Lambda::Function'));
  assert.equal(trusted('glue.amazonaws.com').length, count('AWS::Glue::Job'));
  assert.equal(trusted('states.amazonaws.com').length, count('AWS::StepFunctions::StateMachine'));
  assert.equal(trusted('events.amazonaws.com').length, 1);
  assert.equal(roles.length, count('AWS::Lambda::Function') + count('AWS::Glue::Job') + count('AWS::StepFunctions::StateMachine') + 1);
  for (const role of roles) {
    const p = role.Properties as any;
    const [trust, ...more] = p.AssumeRolePolicyDocument.Statement;
    assert.deepEqual(more, []);
    assert.equal(trust.Action, 'sts:AssumeRole');
    const service = trust.Principal.Service as string;
    if (service === 'lambda.amazonaws.com' || service === 'glue.amazonaws.com') assert.equal(trust.Condition, undefined);
    // Step Functions and EventBridge say which account and resource they act for: the trust requires it.
    else assert.deepEqual(Object.keys(trust.Condition).sort(), service === 'states.amazonaws.com' ? ['ArnLike', 'StringEquals'] : ['ArnEquals', 'StringEquals']);
    const wildcard = p.Policies[0].PolicyDocument.Statement.filter((s: any) => s.Resource === '*');
    const unscoped = (role.Metadata as any)['sluice:unscoped'] ?? [];
    assert.deepEqual(wildcard.map((s: any) => s.Sid), unscoped.map((u: any) => u.sid));
    for (const u of unscoped) assert.match(u.reason, /no resource type/);
    if (service === 'lambda.amazonaws.com') assert.deepEqual(wildcard.map((s: any) => s.Sid), ['Tracing']);
  }
});

test('GIVEN the role metadata WHEN synthesized THEN it lists each grant with the edge it comes from', () => {
  assert.deepEqual((byPath(every, 'load/Role').Metadata as any)['sluice:grants'], [
    { node: 'landing', use: 'consume', reason: 'edge landing -> load' },
    { node: 'curated', use: 'write', reason: 'edge load -> curated' },
    { node: 'raw', use: 'read', reason: 'S3 events raw -> landing -> load' },
  ]);
});

test('GIVEN bucket -> topic -> queue -> fn WHEN grants are derived THEN the function reads the bucket (model grantsOf)', () => {
  const h = './fixtures/handlers/noop.ts';
  const raw = bucket('raw');
  const t = topic('t');
  const q = queue('q');
  const f = fn('f', { handler: h });
  const other = fn('other', { handler: h });
  const pipe = pipeline('p', [raw.to(t).to(q).to(f), queue('plain').to(other)]);
  assert.deepEqual(grantsOf(pipe, f as Fn).map((g) => `${g.use} ${g.node.name} (${g.reason})`), ['consume q (edge q -> f)', 'read raw (S3 events raw -> t -> q -> f)']);
  assert.deepEqual(grantsOf(pipe, other as Fn).map((g) => `${g.use} ${g.node.name}`), ['consume plain']);
});

// cfn-lint ships AWS's Service Authorization data; check our actions against it when it is installed.
const policiesFile = (() => {
  try {
    const dir = execFileSync('python3', ['-c', 'import cfnlint, os; print(os.path.dirname(cfnlint.__file__))'], { encoding: 'utf8' }).trim();
    const file = `${dir}/data/AdditionalSpecs/Policies.json`;
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
})();

test('GIVEN AWS Service Authorization data WHEN checking every role THEN each action exists, "*" carries only actions with no resource type, and scoped statements only actions with one', { skip: policiesFile ? false : 'cfn-lint (and its Policies.json) is not installed here; CI has it' }, async () => {
  const data = JSON.parse(readFileSync(policiesFile!, 'utf8')) as Record<string, { Actions: Record<string, { Resources?: string[] }> }>;
  const stores = (await synthFor(storesPipeline())).template;
  for (const role of [...Object.values(every.Resources), ...Object.values(stores.Resources)].filter((r) => r.Type === 'AWS::IAM::Role')) {
    for (const s of (role.Properties as any).Policies[0].PolicyDocument.Statement) {
      for (const action of [s.Action].flat() as string[]) {
        const [service, name] = action.split(':') as [string, string];
        const info = data[service]?.Actions[name.toLowerCase()];
        assert.ok(info, `${action} is not an AWS action`);
        const scopable = (info.Resources ?? []).length > 0;
        assert.equal(s.Resource !== '*', scopable, `${action} on ${JSON.stringify(s.Resource)}`);
      }
    }
  }
});
