/**
 * Existing resources in a template: `bucket.existing(name)` and `topic.existing(arn)` are never
 * declared (so CloudFormation never creates, changes or deletes them); an existing bucket triggers its
 * function through an EventBridge rule matching that bucket's "Object Created" events, with the
 * permission to invoke from that rule only; grants name the existing resources exactly; the whole is
 * cfn-lint clean. Edges the stack cannot wire to them are problems.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, topic } from '../../../src/index.js';
import { inputsFromEvent } from '../../../src/runtime/events.js';
import { auditTemplate } from '../../../src/cloud/synth/audit.js';
import { blocking, CFN_LINT, cfnLint, grantLines, problemsOf, props, roleStatements, synthFor } from './helpers.js';

const HANDLER = new URL('../../fixtures/handlers/echo-input.ts', import.meta.url);
const ARN = 'arn:aws:sns:us-east-1:210987654321:instrument-alerts';

function existingPipeline() {
  const drop = bucket.existing('acme.instrument-drop', { node: 'drop' });
  const ingest = fn('ingest', { handler: HANDLER });
  const alerts = topic.existing(ARN);
  const notify = fn('notify', { handler: HANDLER });
  return pipeline('existing-sources', [
    drop.to(ingest, { prefix: 'incoming/', suffix: '.csv' }).to(bucket('curated')),
    ingest.to(alerts),
    alerts.to(notify).to(bucket('log')),
  ]);
}

test('GIVEN an existing bucket and topic WHEN synthesized THEN neither is declared, and an EventBridge rule triggers the function', async () => {
  const s = await synthFor(existingPipeline());
  const resources = Object.values(s.template.Resources);
  // THEN the stack declares only its own buckets (two, and the payload bucket of its messages) and no topic or topic policy
  const bucketNames = resources.filter((r) => r.Type === 'AWS::S3::Bucket').map((r) => (r.Properties as { BucketName: string }).BucketName).sort();
  assert.deepEqual(bucketNames, ['existing-sources-dev-curated', 'existing-sources-dev-log', 'existing-sources-dev-sluice-payloads']);
  assert.equal(resources.filter((r) => r.Type === 'AWS::SNS::Topic' || r.Type === 'AWS::SNS::TopicPolicy').length, 0);
  // AND a rule matches that bucket's Object Created events under the edge's prefix and suffix, targeting the function
  const rule = props(s.template, 'drop->ingest/Rule');
  assert.deepEqual(rule.EventPattern, { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['acme.instrument-drop'] }, object: { key: [{ wildcard: 'incoming/*.csv' }] } } });
  assert.deepEqual(rule.Targets, [{ Id: 'Function', Arn: { 'Fn::GetAtt': ['IngestFunction', 'Arn'] } }]);
  // AND EventBridge may invoke the function from that rule only
  const permission = props(s.template, 'drop->ingest/Permission');
  assert.equal(permission.Principal, 'events.amazonaws.com');
  assert.deepEqual(permission.SourceArn, { 'Fn::GetAtt': ['DropToIngestRule', 'Arn'] });
  // AND the function reads only the existing bucket's keys under the prefix, and publishes only to the existing topic
  const lines = grantLines(roleStatements(s.template, 'ingest'));
  assert.ok(lines.includes('s3:GetObject on arn:s3:::acme.instrument-drop/incoming/*'), lines.join('\n'));
  assert.ok(lines.includes(`sns:Publish on ${ARN}`), lines.join('\n'));
  // AND the stack subscribes the other function to the existing topic by its ARN, with SNS's permission from that topic only
  const subscription = props(s.template, 'instrument-alerts->notify/Subscription');
  assert.equal(subscription.TopicArn, ARN);
  assert.equal(props(s.template, 'instrument-alerts->notify/Permission').SourceArn, ARN);
});

test('GIVEN the existing-resources pipeline WHEN linted with cfn-lint THEN there is no error, warning or promoted finding', { skip: CFN_LINT ? false : 'cfn-lint is not on PATH here' }, async () => {
  const s = await synthFor(existingPipeline());
  assert.deepEqual(blocking(cfnLint({ 'existing.json': s.text })), []);
  // AND sluice's own security audit (docs/security-rules.md) finds nothing: the rule-triggered function has its failure queue
  assert.deepEqual(auditTemplate(s.template), []);
  assert.ok(Object.values(s.template.Resources).some((r) => r.Type === 'AWS::Lambda::EventInvokeConfig'));
});

test('an existing bucket wired to a queue, or a bucket wired to an existing topic, is a problem; bad names and ARNs too', async () => {
  // GIVEN edges the stack cannot wire without changing the existing resources
  const problems = await problemsOf(pipeline('existing-edges', [
    bucket.existing('acme-drop').to(queue('files')),
    bucket('raw').to(topic.existing(ARN)),
  ]));
  // THEN each is named with what to do instead
  assert.deepEqual(problems.map((p) => p.code), ['SLUICE_E_EXISTING_EDGE', 'SLUICE_E_EXISTING_EDGE']);
  assert.match(problems[0]!.message, /bucket 'acme-drop' \(existing bucket 'acme-drop'\) -> queue 'files': .*wire it to a function/);
  // AND names that are not S3 bucket names or SNS ARNs are model problems
  const bad = pipeline('existing-bad', [bucket.existing('Not_A_Bucket', { node: 'drop' }).to(fn('f', { handler: HANDLER })).to(topic.existing('arn:aws:sqs:us-east-1:123456789012:q', { node: 'q' }))]).validate();
  assert.deepEqual(bad.map((p) => p.code).sort(), ['SLUICE_E_EXISTING_BUCKET_NAME', 'SLUICE_E_EXISTING_TOPIC_ARN']);
});

test("an existing bucket's EventBridge event reaches the step as the same object input an S3 notification gives", () => {
  // GIVEN S3's Object Created event as EventBridge delivers it (docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html)
  const event = {
    version: '0', id: '17793124-05d4-b198-2fde-7ededc63b103', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', time: '2021-11-12T00:00:00Z', region: 'us-east-1',
    resources: ['arn:aws:s3:::acme.instrument-drop'],
    detail: { version: '0', bucket: { name: 'acme.instrument-drop' }, object: { key: 'incoming/buoy z05.csv', size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '00617F08299329D189' }, 'request-id': 'N4N7GDK58NMKJ12R', requester: '123456789012', reason: 'PutObject' },
  };
  // WHEN it is turned into inputs, the physical name mapped to the node
  const [record] = inputsFromEvent(event, (name) => (name === 'acme.instrument-drop' ? 'drop' : name));
  // THEN it is one object input with the key as is (EventBridge does not URL-encode keys)
  assert.deepEqual(record!.inputs, [{ kind: 'object', bucket: 'drop', key: 'incoming/buoy z05.csv', size: 5, eTag: 'b1946ac92492d2347c6235b4d2611184', eventName: 'ObjectCreated:Put', eventTime: '2021-11-12T00:00:00Z', via: [] }]);
});

test('locally, an existing bucket and topic are ordinary ones: a file put into the bucket triggers its function', async () => {
  // GIVEN the pipeline on the in-memory engine
  const { localPipeline } = await import('../../../src/testing/index.js');
  const local = await localPipeline(existingPipeline());
  try {
    // WHEN a file lands in the existing bucket under the edge's prefix and suffix
    await local.put('drop', 'incoming/a.csv', 'x');
    await local.settle();
    // THEN the function ran on it and wrote downstream
    assert.deepEqual(await local.list('curated'), ['body/incoming/a.csv', 'object/incoming/a.csv']);
  } finally {
    await local.close();
  }
});
