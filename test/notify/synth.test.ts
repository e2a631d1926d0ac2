/**
 * `notify` on AWS: an SNS topic under the pipeline's key with one email subscription per address, and a
 * CloudWatch alarm per watched dead-letter queue publishing to it; the topic and key policies let
 * CloudWatch in only for those alarms of this account; cfn-lint and the security audit pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, dlqOf, fn, notify, pipeline, queue, schedule } from 'sluice';
import { auditTemplate } from '../../src/cloud/synth/audit.js';
import { blocking, byPath, CFN_LINT, cfnLint, synthFor } from '../cloud/synth/helpers.js';

const handler = new URL('../fixtures/handlers/sentiment-score.ts', import.meta.url);
const pipe = () => {
  const work = queue('work');
  const consume = fn('consume', { handler });
  const produce = fn('produce', { handler });
  const alerts = notify('alerts', { email: ['ops@example.org', 'oncall@example.org'] }).watch(dlqOf(work), dlqOf(produce));
  return pipeline('mail', [schedule('tick', 'rate(5 minutes)').to(produce).to(work).to(consume).to(bucket('out')), alerts]);
};
const { template } = await synthFor(pipe());
type Res = { Type: string; Properties: Record<string, unknown> };
const ofType = (type: string) => Object.values(template.Resources as Record<string, Res>).filter((r) => r.Type === type);

test('GIVEN notify with two addresses WHEN synthesized THEN one encrypted topic with one email subscription per address', () => {
  const topic = byPath(template, 'alerts/Topic') as unknown as Res;
  assert.equal(topic.Properties.TopicName, 'mail-dev-alerts');
  assert.deepEqual(topic.Properties.KmsMasterKeyId, { 'Fn::GetAtt': ['SluiceKey', 'Arn'] });
  const emails = ofType('AWS::SNS::Subscription').filter((s) => s.Properties.Protocol === 'email');
  assert.deepEqual(emails.map((s) => s.Properties.Endpoint), ['ops@example.org', 'oncall@example.org']);
  for (const s of emails) assert.deepEqual(s.Properties.TopicArn, { Ref: 'AlertsTopic' });
});

test('GIVEN watches of a queue and an async function WHEN synthesized THEN one alarm per dead-letter queue on its visible messages, acting on the topic', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm');
  assert.deepEqual(alarms.map((a) => a.Properties.Dimensions), [
    [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['WorkDlq', 'QueueName'] } }],
    [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ProduceFailures', 'QueueName'] } }],
  ]);
  for (const a of alarms) {
    assert.equal(a.Properties.Namespace, 'AWS/SQS');
    assert.equal(a.Properties.MetricName, 'ApproximateNumberOfMessagesVisible');
    assert.equal(a.Properties.ComparisonOperator, 'GreaterThanThreshold');
    assert.equal(a.Properties.Threshold, 0);
    assert.deepEqual(a.Properties.AlarmActions, [{ Ref: 'AlertsTopic' }]);
  }
});

test('GIVEN the alarms WHEN synthesized THEN CloudWatch may publish to the topic and use the key only for those alarms of this account', () => {
  const policy = (byPath(template, 'alerts/TopicPolicy') as unknown as Res).Properties.PolicyDocument as { Statement: Array<Record<string, any>> };
  const allow = policy.Statement.find((s) => s.Effect === 'Allow')!;
  assert.deepEqual(allow.Principal, { Service: 'cloudwatch.amazonaws.com' });
  assert.equal(allow.Action, 'sns:Publish');
  assert.deepEqual(allow.Condition.StringEquals, { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
  assert.deepEqual(allow.Condition.ArnLike['aws:SourceArn'].map((a: { 'Fn::Sub': string }) => a['Fn::Sub']), [
    'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:mail-dev-alerts-work-dead-letters',
    'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:mail-dev-alerts-produce-dead-letters',
  ]);
  const key = ofType('AWS::KMS::Key')[0]!.Properties.KeyPolicy as { Statement: Array<Record<string, any>> };
  const cw = key.Statement.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com')!;
  assert.deepEqual(cw.Action, ['kms:GenerateDataKey', 'kms:Decrypt']);
  assert.deepEqual(cw.Condition.ArnLike['aws:SourceArn'], allow.Condition.ArnLike['aws:SourceArn']);
});

test('GIVEN notify WHEN audited THEN the security audit finds nothing', () => {
  assert.deepEqual(auditTemplate(template), []);
});

test('GIVEN notify WHEN linted THEN cfn-lint finds nothing', { skip: !CFN_LINT && 'cfn-lint is not installed' }, () => {
  assert.deepEqual(blocking(cfnLint({ 'mail.json': JSON.stringify(template) })), []);
});

test('GIVEN a step that sends to notify WHEN synthesized THEN its role may publish to that topic and use the key the topic is under, its bindings hold the topic ARN, and audit and cfn-lint pass', { skip: !CFN_LINT && 'cfn-lint is not installed' }, async () => {
  const report = fn('report', { handler: new URL('../fixtures/handlers/notify-send.ts', import.meta.url) });
  const { template: sends } = await synthFor(pipeline('mail', [queue('orders').to(report).to(notify('alerts', { email: ['ops@example.org'] }))]));
  const role = byPath(sends, 'report/Role') as unknown as Res & { Metadata: Record<string, any> };
  const statements = (role.Properties.Policies as Array<{ PolicyDocument: { Statement: Array<Record<string, any>> } }>)[0]!.PolicyDocument.Statement;
  assert.deepEqual(statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('sns:'))), [{ Sid: 'PublishAlerts', Effect: 'Allow', Action: ['sns:Publish'], Resource: { Ref: 'AlertsTopic' } }]);
  assert.deepEqual(statements.find((s) => s.Sid === 'UsePipelineKey')?.Action, ['kms:Decrypt', 'kms:GenerateDataKey']);
  assert.deepEqual(role.Metadata['sluice:grants'].find((g: { node: string }) => g.node === 'alerts'), { node: 'alerts', use: 'publish', reason: 'edge report -> alerts' });
  const env = (byPath(sends, 'report/Function') as unknown as Res).Properties.Environment as { Variables: { SLUICE_BINDINGS: { 'Fn::Sub': [string, Record<string, unknown>] } } };
  const [text, values] = env.Variables.SLUICE_BINDINGS['Fn::Sub'];
  const alerts = JSON.parse(text).alerts;
  assert.deepEqual({ ...alerts, arn: values[alerts.arn.slice(2, -1)] }, { kind: 'notify', name: 'mail-dev-alerts', uses: ['publish'], arn: { Ref: 'AlertsTopic' } });
  assert.deepEqual(auditTemplate(sends), []);
  assert.deepEqual(blocking(cfnLint({ 'mail.json': JSON.stringify(sends) })), []);
});
