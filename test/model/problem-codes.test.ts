/**
 * Every validation rule reports its own code, on the node and field at fault, with the value given:
 * one case per code that no other test reaches, so a rule that stops firing (or fires under another
 * code) is caught. Codes are public API (docs/errors.md); users branch on them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, secret, topic, type ErrorCode, type Pipeline } from 'sluice';

const handler = new URL('../fixtures/handlers/copy-or-throw.ts', import.meta.url);

/** The problems with one code, as [node, field, given]. */
function problems(pipe: Pipeline, code: ErrorCode): Array<[string, string | undefined, unknown]> {
  return pipe.validate().filter((p) => p.code === code).map((p) => [p.node, p.field, p.given]);
}

const cases: Array<{ code: ErrorCode; pipe: () => Pipeline; expect: Array<[string, string | undefined, unknown]> }> = [
  {
    code: 'SLUICE_E_BATCH_SIZE',
    pipe: () => pipeline('p-batch', [queue('q').to(fn('f', { handler }), { batchSize: 0 })]),
    expect: [['q', 'batchSize', 0]],
  },
  {
    code: 'SLUICE_E_EDGE_DUPLICATE',
    pipe: () => {
      const q = queue('q');
      const f = fn('f', { handler });
      return pipeline('p-dup', [q.to(f, { batchSize: 5 }), q.to(f, { batchSize: 6 })]);
    },
    expect: [['q', 'to(f)', undefined]],
  },
  { code: 'SLUICE_E_FN_HANDLER', pipe: () => pipeline('p-handler', [bucket('b').to(fn('f', {} as never))]), expect: [['f', 'handler', undefined]] },
  { code: 'SLUICE_E_FN_CONCURRENCY', pipe: () => pipeline('p-conc', [bucket('b').to(fn('f', { handler, concurrency: 0 }))]), expect: [['f', 'concurrency', 0]] },
  { code: 'SLUICE_E_FN_EVENT_AGE', pipe: () => pipeline('p-age', [bucket('b').to(fn('f', { handler, maxEventAge: 30 }))]), expect: [['f', 'maxEventAge', 30]] },
  { code: 'SLUICE_E_QUEUE_DELAY', pipe: () => pipeline('p-delay', [queue('q', { delay: 901 })]), expect: [['q', 'delay', 901]] },
  { code: 'SLUICE_E_QUEUE_MESSAGE_SIZE', pipe: () => pipeline('p-size', [queue('q', { maxMessageSize: 100 })]), expect: [['q', 'maxMessageSize', 100]] },
  { code: 'SLUICE_E_QUEUE_RECEIVE_COUNT', pipe: () => pipeline('p-receives', [queue('q', { maxReceiveCount: 1001 })]), expect: [['q', 'maxReceiveCount', 1001]] },
  { code: 'SLUICE_E_QUEUE_RETENTION', pipe: () => pipeline('p-retention', [queue('q', { retention: '15d' })]), expect: [['q', 'retention', 1_296_000]] },
  { code: 'SLUICE_E_TOPIC_MESSAGE_SIZE', pipe: () => pipeline('p-topic', [topic('t', { maxMessageSize: 2_000_000 })]), expect: [['t', 'maxMessageSize', 2_000_000]] },
  {
    code: 'SLUICE_E_SECRET_PATH',
    pipe: () => pipeline('p-secret', [bucket('b').to(fn('f', { handler, config: { key: secret('/aws/reserved') } }))]),
    expect: [['f', 'config.key', '/aws/reserved']],
  },
  {
    code: 'SLUICE_E_PIPELINE_PATH',
    pipe: () => pipeline('p-path', [bucket('b'), 'not a path' as never]),
    expect: [['p-path', undefined, undefined]],
  },
];

for (const c of cases) {
  test(`${c.code} is reported on the node and field at fault`, () => {
    assert.deepEqual(problems(c.pipe(), c.code), c.expect);
  });
}

test('a bad filterPolicyScope is one problem, not one per rule that reads the scope', () => {
  // GIVEN a subscription with a filter policy and a scope SNS does not have
  const pipe = pipeline('p-scope', [topic('t').to(queue('q'), { filterPolicy: { kind: ['x'] }, filterPolicyScope: 'Nope' as never })]);
  // THEN it is reported once, as the edge option it is
  assert.deepEqual(pipe.validate().map((p) => [p.code, p.field]), [['SLUICE_E_EDGE_OPTION', 'filterPolicyScope']]);
});
