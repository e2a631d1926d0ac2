/**
 * The docs/security-rules.md rules cfn-lint does not cover, over every template synth makes, and proof that the
 * audit catches each kind of breach when one is introduced by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditTemplate } from '../../../src/cloud/synth/audit.js';
import { flatten } from '../../../src/cloud/synth/nested.js';
import type { Template } from '../../../src/cloud/synth/template.js';
import { chainPipeline } from '../../../bench/fixtures/synth/chain.js';
import { everyEdgePipeline, flowPipeline, storesPipeline, threeNodePipeline } from './fixtures/pipelines.js';
import { byPath, examplePipelineFiles, loadExample, synthFor } from './helpers.js';

const every = (await synthFor(everyEdgePipeline())).template;
const rulesOf = (t: Template) => [...new Set(auditTemplate(t).map((f) => f.rule))].sort();
const copy = (): Template => structuredClone(every);

test('GIVEN every example in every stage, the fixtures and a split chain WHEN audited THEN no docs/security-rules.md rule is broken', async () => {
  const templates: Array<[string, Template]> = [];
  for (const file of examplePipelineFiles()) {
    const pipe = await loadExample(file);
    for (const stage of ['dev', 'prod']) {
      const s = await synthFor(pipe, stage);
      templates.push([`${pipe.name}-${stage}`, flatten(s.template, s.nested)]);
    }
  }
  templates.push(['three-node', (await synthFor(threeNodePipeline())).template], ['every-edge', every]);
  for (const stage of ['dev', 'prod']) {
    const s = await synthFor(storesPipeline(), stage, { limits: { resources: 30 } });
    templates.push([`stores-split-${stage}`, flatten(s.template, s.nested)], [`stores-${stage}`, (await synthFor(storesPipeline(), stage)).template]);
  }
  const flows = await synthFor(flowPipeline(), 'dev', { limits: { resources: 12 } });
  templates.push(['flows', (await synthFor(flowPipeline())).template], ['flows-split', flatten(flows.template, flows.nested)]);
  const chain = await synthFor(chainPipeline(40));
  assert.ok(chain.nested.length > 1);
  templates.push(['chain-40', flatten(chain.template, chain.nested)]);
  for (const [name, template] of templates) assert.deepEqual(auditTemplate(template), [], name);
});

test('GIVEN a wildcard action or a "*" resource on a scopable action WHEN audited THEN IAM findings name the role', () => {
  const t = copy();
  const statements = (byPath(t, 'load/Role').Properties as any).Policies[0].PolicyDocument.Statement;
  statements.push({ Sid: 'Oops', Effect: 'Allow', Action: 's3:*', Resource: '*' });
  const findings = auditTemplate(t);
  assert.deepEqual(findings.map((f) => [f.rule, f.resource]), [['IAM-1', 'LoadRole'], ['IAM-4', 'LoadRole'], ['IAM-5', 'LoadRole']]);
});

test('GIVEN an unscopable action on a specific resource WHEN audited THEN it is reported as granting nothing', () => {
  const t = copy();
  (byPath(t, 'load/Role').Properties as any).Policies[0].PolicyDocument.Statement.push({ Sid: 'Trace', Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: { 'Fn::GetAtt': ['LandingQueue', 'Arn'] } });
  assert.deepEqual(rulesOf(t), ['IAM-5']);
});

test('GIVEN a bucket without public access blocks, encryption or its TLS policy WHEN audited THEN each S3 rule is reported', () => {
  const t = copy();
  const bucket = byPath(t, 'curated/Bucket');
  const p = t.Resources[bucket.id]!.Properties as any;
  p.PublicAccessBlockConfiguration.BlockPublicPolicy = false;
  p.AccessControl = 'PublicRead';
  delete p.BucketEncryption;
  delete t.Resources[byPath(t, 'curated/BucketPolicy').id];
  assert.deepEqual(rulesOf(t), ['S3-1', 'S3-2', 'S3-3', 'S3-4']);
});

test('GIVEN an S3-fed queue on the AWS-managed key, or a queue without TLS policy or redrive WHEN audited THEN SQS rules are reported', () => {
  const t = copy();
  (t.Resources[byPath(t, 'landing/Queue').id]!.Properties as any).KmsMasterKeyId = 'alias/aws/sqs';
  delete (t.Resources[byPath(t, 'work/Queue').id]!.Properties as any).RedrivePolicy;
  delete t.Resources[byPath(t, 'work/QueuePolicy').id];
  // Without the redrive, WorkDlq is no longer anybody's DLQ, so it too lacks one.
  assert.deepEqual(auditTemplate(t).map((f) => `${f.rule} ${f.resource}`).sort(), ['SQS-1 LandingQueue', 'SQS-2 WorkDlq', 'SQS-2 WorkQueue', 'SQS-3 WorkQueue']);
});

test('GIVEN a function without log group, tracing, environment key or on-failure destination WHEN audited THEN Lambda rules are reported', () => {
  const t = copy();
  const f = t.Resources[byPath(t, 'notify/Function').id]!.Properties as any;
  delete f.LoggingConfig;
  delete f.KmsKeyArn;
  f.TracingConfig = { Mode: 'PassThrough' };
  f.Runtime = 'nodejs20.x';
  delete t.Resources[byPath(t, 'notify/InvokeConfig').id];
  assert.deepEqual(rulesOf(t), ['L-1', 'L-2', 'L-3', 'L-5', 'L-7']);
});

test('GIVEN a secret in a property, a public principal or a missing deletion policy WHEN audited THEN they are reported', () => {
  const t = copy();
  (t.Resources[byPath(t, 'load/Function').id]!.Properties as any).Environment.Variables.DB_PASSWORD = 'hunter2';
  (t.Resources[byPath(t, 'alerts/Topic').id]!.Properties as any).DisplayName = 'AKIAABCDEFGHIJKLMNOP';
  (t.Resources[byPath(t, 'work/QueuePolicy').id]!.Properties as any).PolicyDocument.Statement.push({ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] } });
  delete t.Resources[byPath(t, 'items/Table').id]!.UpdateReplacePolicy;
  assert.deepEqual(rulesOf(t), ['SQS-4', 'X-1', 'X-2']);
});

test('GIVEN a table without point-in-time recovery, a log group without retention, an unrotated key WHEN audited THEN they are reported', () => {
  const t = copy();
  delete (t.Resources[byPath(t, 'items/Table').id]!.Properties as any).PointInTimeRecoverySpecification;
  delete (t.Resources[byPath(t, 'load/LogGroup').id]!.Properties as any).RetentionInDays;
  (t.Resources.SluiceKey!.Properties as any).EnableKeyRotation = false;
  delete (t.Resources[byPath(t, 'events->audit/Subscription').id]!.Properties as any).RedrivePolicy;
  assert.deepEqual(rulesOf(t), ['DDB-1', 'KMS-1', 'LOG-1', 'SNS-3']);
});
