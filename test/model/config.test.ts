/**
 * Validation of a function's config and stageConfig: JSON values or secret('/path') references, SSM's
 * rules for secret paths, stage names synth accepts; every problem named by field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fn, pipeline, queue, secret } from 'sluice';

const problemsOf = (props: Record<string, unknown>) =>
  pipeline('cfg', [queue('q').to(fn('step', { handler: new URL(import.meta.url), ...props }))]).validate().filter((p) => p.node === 'step');

test('config values must be JSON or secret references, named by their key', () => {
  const problems = problemsOf({ config: { ok: 1, when: new Date(0), list: [1, () => 2], key: secret('/svc/key') } });
  assert.deepEqual(problems.map((p) => [p.code, p.field]), [['SLUICE_E_FN_CONFIG', 'config.when']]);
  assert.match(problems[0]!.message, /^fn 'step': config\.when must be JSON \(text, a number, a boolean, null, a list or an object\) or secret\('\/path'\)/);
});

test("secret paths must be SSM parameter paths, and not SSM's reserved ones", () => {
  const problems = problemsOf({ config: { a: secret('no-slash'), b: { c: secret('/aws/x') } }, stageConfig: { prod: { d: secret('/ok/path') } } });
  assert.deepEqual(problems.map((p) => p.field), ['config.a', 'config.b.c']);
  assert.match(problems[0]!.message, /secret at config\.a must be an SSM parameter path such as '\/team\/api-key'.*\(given "no-slash"\)/);
  assert.match(problems[1]!.message, /must not start with '\/aws' or '\/ssm'/);
});

test('stageConfig maps stage names to config objects', () => {
  const problems = problemsOf({ stageConfig: { Prod: { a: 1 }, dev: 'x' } });
  assert.deepEqual(problems.map((p) => p.field), ['stageConfig.Prod', 'stageConfig.dev']);
});

test('configFor(stage) lays the stage over the declared config, merging objects key by key', () => {
  const step = fn('step', { handler: 'x.ts', config: { url: 'a', nested: { x: 1, y: 2 }, key: secret('/k') }, stageConfig: { prod: { url: 'b', nested: { y: 3 }, key: secret('/prod/k') } } });
  assert.deepEqual(step.configFor('prod'), { url: 'b', nested: { x: 1, y: 3 }, key: secret('/prod/k') });
  assert.deepEqual(step.configFor('dev'), { url: 'a', nested: { x: 1, y: 2 }, key: secret('/k') });
});
