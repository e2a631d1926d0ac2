/**
 * `comprehend` on AWS: nothing deployed, and a step that `uses` it gets exactly
 * comprehend:DetectSentiment and comprehend:BatchDetectSentiment, on `*` (the actions have no resource
 * type), with the reason on record; the security audit accepts that and only that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, comprehend, fn, pipeline } from 'sluice';
import { auditTemplate } from '../../../src/cloud/synth/audit.js';
import { COMPREHEND_UNSCOPED_REASON } from '../../../src/model/comprehend.js';
import { bindingsOf, blocking, byPath, CFN_LINT, cfnLint, grantLines, roleStatements, synthFor } from './helpers.js';

const handler = new URL('../../fixtures/handlers/sentiment-score.ts', import.meta.url);
const pipe = () => {
  const sentiment = comprehend('sentiment', 'sentiment', { language: 'de' });
  return pipeline('tone', [bucket('texts').to(fn('score', { handler }).uses(sentiment)).to(bucket('scores')), bucket('other').to(fn('plain', { handler })).to(bucket('plain-out'))]);
};
const { template } = await synthFor(pipe());

test('GIVEN fn.uses(comprehend) WHEN synthesized THEN the role allows exactly DetectSentiment and BatchDetectSentiment, on "*", with the reason recorded', () => {
  const comprehendLines = grantLines(roleStatements(template, 'score')).filter((l) => l.startsWith('comprehend:'));
  assert.deepEqual(comprehendLines, ['comprehend:BatchDetectSentiment on *', 'comprehend:DetectSentiment on *']);
  const statement = roleStatements(template, 'score').find((s) => [s.Action].flat().includes('comprehend:DetectSentiment'))!;
  const unscoped = byPath(template, 'score/Role').Metadata!['sluice:unscoped'] as Array<{ sid: string; reason: string; actions: string[] }>;
  assert.deepEqual(unscoped.find((u) => u.sid === statement.Sid), { sid: statement.Sid, actions: ['comprehend:DetectSentiment', 'comprehend:BatchDetectSentiment'], reason: COMPREHEND_UNSCOPED_REASON });
  // AND a step that does not use it gets no comprehend action at all
  assert.deepEqual(grantLines(roleStatements(template, 'plain')).filter((l) => l.startsWith('comprehend:')), []);
  // AND nothing is deployed for the service itself
  assert.deepEqual(Object.values(template.Resources).filter((r) => String(r.Type).includes('Comprehend')), []);
});

test('GIVEN fn.uses(comprehend) WHEN synthesized THEN the step is told the service and its language', () => {
  assert.deepEqual(bindingsOf(template, 'score').sentiment, { kind: 'comprehend', name: 'tone-dev-sentiment', uses: ['invoke'], language: 'de' });
});

test('GIVEN the comprehend grant WHEN audited THEN it passes; with its reason removed, or widened to comprehend:*, or with another action on "*", it is a finding', () => {
  assert.deepEqual(auditTemplate(template), []);
  const role = () => byPath(copy, 'score/Role');
  const sid = () => roleStatements(copy, 'score').find((s) => [s.Action].flat().includes('comprehend:DetectSentiment'))!;
  let copy = structuredClone(template);
  // WHEN the reason is gone
  (role().Metadata!['sluice:unscoped'] as Array<{ sid: string; reason?: string }>).find((u) => u.sid === sid().Sid)!.reason = '';
  assert.deepEqual(auditTemplate(copy).map((f) => f.rule), ['IAM-5']);
  // WHEN the seed's carte blanche comes back
  copy = structuredClone(template);
  sid().Action = ['comprehend:*'];
  assert.deepEqual(auditTemplate(copy).map((f) => f.rule).sort(), ['IAM-1', 'IAM-4']);
  // WHEN an action that can be scoped rides along on "*"
  copy = structuredClone(template);
  sid().Action = ['comprehend:DetectSentiment', 'comprehend:BatchDetectSentiment', 's3:PutObject'];
  assert.deepEqual(auditTemplate(copy).map((f) => f.rule), ['IAM-4']);
});

test('GIVEN fn.uses(comprehend) WHEN linted THEN cfn-lint finds nothing', { skip: !CFN_LINT && 'cfn-lint is not installed' }, () => {
  assert.deepEqual(blocking(cfnLint({ 'tone.json': JSON.stringify(template) })), []);
});
