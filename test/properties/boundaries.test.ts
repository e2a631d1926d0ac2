/**
 * Property-based tests of the boundaries users feed (fast-check): object keys, message bodies and
 * attributes, filter policies, config values. The invariant everywhere: a coded error, or a faithful
 * round trip; never a crash, never a bare TypeError. Each run tries a fixed number of generated cases
 * from a seed printed on failure (`fc.assert` reports the counterexample and the seed to replay it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bucket, fn, pipeline, queue, topic, SluiceError, type AnyNode } from 'sluice';
import { localPipeline } from 'sluice/testing';
import { validateFilterPolicy, matchesFilterPolicy } from '../../src/model/filter-policy.js';
import { attributeProblem, refusedCharacter, toAttributes } from '../../src/runtime/attributes.js';
import { fixture } from '../helpers/local.js';

const RUNS = Number(process.env.SLUICE_PROPERTY_RUNS ?? 150);

/** Assert `error` is one of sluice's own, with a code; anything else is a crash. */
function coded(error: unknown, allowed: string[]): void {
  assert.ok(error instanceof SluiceError, `not a SluiceError: ${String(error)}${error instanceof Error ? `\n${error.stack}` : ''}`);
  assert.ok(allowed.includes(error.code), `unexpected code ${error.code}: ${error.message}`);
}

test('object keys: any text is refused with SLUICE_E_OBJECT_KEY or survives put, list, the S3 event and the copy downstream exactly', async () => {
  const pipe = pipeline('keys', [bucket('raw').to(fn('echo', { handler: fixture('echo-input') })).to(bucket('seen'))]);
  const local = await localPipeline(pipe);
  let accepted = 0;
  try {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', minLength: 0, maxLength: 40 }), fc.uint8Array({ maxLength: 64 }), async (key, body) => {
      try {
        await local.put('raw', key, body);
      } catch (error) {
        coded(error, ['SLUICE_E_OBJECT_KEY']);
        return;
      }
      await local.settle();
      assert.deepEqual(new Uint8Array(await local.get('raw', key)), body);
      assert.ok((await local.list('raw')).includes(key));
      // The step was given the key S3's event names (form-encoded in the event, decoded by the adapter).
      assert.equal((JSON.parse(await local.text('seen', `object/${key}`)) as { key: string }).key, key);
      assert.deepEqual(new Uint8Array(await local.get('seen', `body/${key}`)), body);
      accepted++;
    }), { numRuns: RUNS });
    assert.ok(accepted > RUNS / 3, `only ${accepted} of ${RUNS} keys were accepted`);
  } finally {
    await local.close();
  }
});

test('message bodies and attributes: any text and attribute map is refused with a code or reaches the consumer exactly', async () => {
  const pipe = pipeline('messages', [queue('in').to(fn('echo', { handler: fixture('echo-input') })).to(bucket('seen'))]);
  const local = await localPipeline(pipe);
  // Mostly names and text SQS takes (so most cases are delivered and compared), some anything at all;
  // one map in five has 8-12 attributes, past SQS's 10. Weights chosen so that, over 200 seeds, at
  // least 35 of 150 cases are delivered (the bound asserted below is 25): the seed is random per run.
  const attributeName = fc.oneof({ weight: 12, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,10}$/) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) });
  const attributeValue = fc.oneof({ weight: 12, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) }, fc.double(), fc.integer());
  const messageBody = fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) });
  const consumed = new Set<string>();
  let delivered = 0;
  try {
    await fc.assert(fc.asyncProperty(messageBody, fc.oneof({ weight: 4, arbitrary: fc.dictionary(attributeName, attributeValue, { maxKeys: 6 }) }, { weight: 1, arbitrary: fc.dictionary(attributeName, attributeValue, { minKeys: 8, maxKeys: 12 }) }), async (body, attributes) => {
      try {
        await local.send('in', body, attributes);
      } catch (error) {
        coded(error, ['SLUICE_E_MESSAGE_ATTRIBUTES', 'SLUICE_E_MESSAGE_TOO_LARGE', 'SLUICE_E_MESSAGE_BODY']);
        return;
      }
      // Accepted only what SQS accepts (SQS-07, SQS-09).
      assert.equal(body.length > 0 && refusedCharacter(body) === undefined, true, `accepted a body SQS refuses: ${JSON.stringify(body)}`);
      for (const [name, value] of Object.entries(toAttributes(attributes))) assert.equal(attributeProblem(name, value), undefined);
      await local.settle();
      const written = (await local.list('seen')).filter((k) => k.startsWith('message/') && !consumed.has(k));
      assert.equal(written.length, 1, `one message per send: ${written.join(', ')}`);
      consumed.add(written[0]!);
      const seen = JSON.parse(await local.text('seen', written[0]!)) as { body: string; attributes: Record<string, { value: string }> };
      assert.equal(seen.body, body);
      assert.deepEqual(Object.keys(seen.attributes).sort(), Object.keys(attributes).sort());
      for (const [name, value] of Object.entries(attributes)) assert.equal(String(seen.attributes[name]!.value), String(value));
      delivered++;
    }), { numRuns: RUNS });
    // The property says something only if most cases were delivered, not refused.
    assert.ok(delivered > RUNS / 6, `only ${delivered} of ${RUNS} messages were delivered`);
  } finally {
    await local.close();
  }
});

const jsonLeaf = fc.oneof(fc.string({ maxLength: 8 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
const ruleObject = fc.dictionary(fc.constantFrom('prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'cidr', 'wildcard', 'equals-ignore-case', 'bogus'), fc.oneof(jsonLeaf, fc.array(jsonLeaf, { maxLength: 4 })), { maxKeys: 2 });
const policyValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.array(fc.oneof(jsonLeaf, ruleObject), { maxLength: 4 }), jsonLeaf, tie('object')),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constant('$or')), tie('value'), { maxKeys: 3 }),
})).object;

test('filter policies: any JSON is accepted or refused with problems, never a crash; an accepted one matches any message without throwing', () => {
  fc.assert(fc.property(policyValue, fc.constantFrom('MessageAttributes', 'MessageBody') as fc.Arbitrary<'MessageAttributes' | 'MessageBody'>, fc.jsonValue(), fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }), (policy, scope, body, attributes) => {
    const problems = validateFilterPolicy(policy, scope);
    for (const p of problems) assert.equal(typeof p.message, 'string');
    if (problems.length === 0) {
      const sns = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { Type: 'String', Value: v }]));
      assert.equal(typeof matchesFilterPolicy(policy as Record<string, unknown>, { body: JSON.stringify(body), attributes: sns }, scope), 'boolean');
    }
    // AND the same policy on an edge is validated, never thrown on
    const edgeProblems = pipeline('fp', [topic('t').to(queue('q'), { filterPolicy: policy as Record<string, unknown>, filterPolicyScope: scope }).to(fn('c', { handler: './h.ts' }) as AnyNode)]).validate();
    for (const p of edgeProblems) assert.match(p.code, /^SLUICE_E_[A-Z_]+$/);
  }), { numRuns: RUNS * 4 });
});

test('config values: any JSON config reaches the step exactly, or the pipeline refuses it with a code', async () => {
  let started = 0;
  await fc.assert(fc.asyncProperty(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !k.includes('.')), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }), async (config) => {
    const pipe = pipeline('config', [bucket('raw').to(fn('echo', { handler: fixture('config-echo'), config: config as Record<string, never> })).to(bucket('seen'))]);
    let local;
    try {
      local = await localPipeline(pipe);
    } catch (error) {
      coded(error, ['SLUICE_E_PIPELINE_INVALID']);
      return;
    }
    try {
      await local.put('raw', 'go', 'x');
      await local.settle();
      // JSON round trip: what the step was given, as JSON, equals the config as JSON (-0 and the like normalize).
      assert.deepEqual(JSON.parse(await local.text('seen', 'config.json')), JSON.parse(JSON.stringify(config)));
      started++;
    } finally {
      await local.close();
    }
  }), { numRuns: Math.round(RUNS / 3) });
  assert.ok(started > RUNS / 9, `only ${started} configs started`);
});
