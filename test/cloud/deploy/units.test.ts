/**
 * The deploy pieces that need no AWS: what a stack status lets a deploy do, how SDK failures become
 * messages with the fix, `--since`, the assets bucket's name and policy, template comparison.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainAwsError } from '../../../src/cloud/deploy/errors.js';
import { stackState } from '../../../src/cloud/deploy/stack.js';
import { sinceMs } from '../../../src/cloud/deploy/logs.js';
import { assetsBucketName, tlsOnlyPolicy } from '../../../src/cloud/deploy/assets-bucket.js';
import { sameTemplate } from '../../../src/cloud/deploy/deploy.js';

test('GIVEN each CloudFormation stack status THEN deploy knows whether it may create, update, must delete first, wait or stop', () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'absent'], ['DELETE_COMPLETE', 'absent'], ['REVIEW_IN_PROGRESS', 'review'], ['CREATE_COMPLETE', 'stable'],
    ['UPDATE_COMPLETE', 'stable'], ['UPDATE_ROLLBACK_COMPLETE', 'stable'], ['IMPORT_COMPLETE', 'stable'], ['ROLLBACK_COMPLETE', 'rolled-back'],
    ['UPDATE_IN_PROGRESS', 'busy'], ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'busy'], ['DELETE_IN_PROGRESS', 'busy'],
    ['UPDATE_ROLLBACK_FAILED', 'failed'], ['DELETE_FAILED', 'failed'], ['ROLLBACK_FAILED', 'failed'],
  ];
  for (const [status, state] of cases) assert.equal(stackState(status), state, String(status));
});

test('GIVEN SDK failures WHEN explained THEN each becomes a DeployError code with the fix', () => {
  const explain = (error: object, target = {}) => explainAwsError(error, 'reading stack', target);
  assert.equal(explain({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }).code, 'SLUICE_E_DEPLOY_CREDENTIALS');
  assert.equal(explain({ name: 'Error', message: 'Region is missing' }).code, 'SLUICE_E_DEPLOY_REGION');
  const refused = explain({ name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, { endpoint: 'http://127.0.0.1:1' });
  assert.equal(refused.code, 'SLUICE_E_DEPLOY_ENDPOINT');
  assert.match(refused.message, /could not reach the AWS endpoint http:\/\/127\.0\.0\.1:1 \(AWS_ENDPOINT_URL\) while reading stack \(ECONNREFUSED\)/);
  assert.match(explain({ name: 'TimeoutError', message: 'timed out' }, { region: 'eu-west-1' }).message, /could not reach AWS in region eu-west-1 .*check your network/);
  assert.equal(explain({ name: 'ExpiredTokenException', message: 'The security token included in the request is expired' }).code, 'SLUICE_E_DEPLOY_CREDENTIALS');
  assert.equal(explain({ name: 'InvalidClientTokenId', message: 'bad' }).code, 'SLUICE_E_DEPLOY_CREDENTIALS');
  assert.equal(explain({ name: 'AccessDenied', message: 'no', $metadata: { httpStatusCode: 403 } }).code, 'SLUICE_E_DEPLOY_ACCESS');
  assert.match(explain({ name: 'Throttling', message: 'Rate exceeded' }).message, /AWS failed while reading stack: Throttling: Rate exceeded/);
});

test('GIVEN --since values THEN durations count back from now and dates are absolute; anything else is a message', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  assert.equal(sinceMs('10m', now), now - 600_000);
  assert.equal(sinceMs('2h', now), now - 7_200_000);
  assert.equal(sinceMs('2026-01-01T11:00:00Z', now), now - 3_600_000);
  assert.throws(() => sinceMs('yesterday', now), /--since takes a duration such as 10m, 2h, 1d or an ISO date \(given 'yesterday'\)/);
});

test('GIVEN an account and region THEN the assets bucket has one name there, denies plain HTTP, and SLUICE_ASSETS_BUCKET overrides it', () => {
  assert.equal(assetsBucketName('123456789012', 'eu-west-1', {}), 'sluice-assets-123456789012-eu-west-1');
  assert.equal(assetsBucketName('123456789012', 'eu-west-1', { SLUICE_ASSETS_BUCKET: 'mine' }), 'mine');
  const policy = tlsOnlyPolicy('b', 'cn-north-1') as any;
  assert.deepEqual(policy.Statement[0].Resource, ['arn:aws-cn:s3:::b', 'arn:aws-cn:s3:::b/*']);
  assert.deepEqual(policy.Statement[0].Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  assert.equal(policy.Statement[0].Effect, 'Deny');
});

test('GIVEN two templates THEN they are the same when only key order differs', () => {
  assert.ok(sameTemplate({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
  assert.ok(!sameTemplate({ a: [1, 2] }, { a: [2, 1] }));
});
