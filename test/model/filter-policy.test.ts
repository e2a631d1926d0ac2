/**
 * SNS subscription filter policies: every vector in test/conformance/filter-policy-cases.json
 * (cases and validation_cases), plus docs/aws-semantics.md section 6 behaviours the vectors do not cover.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  filterPolicyComplexity, matchesFilterPolicy, validateFilterPolicy,
  type FilterPolicyScope, type SnsAttributes,
} from '../../src/model/filter-policy.js';

interface MatchCase {
  id: string; policy: Record<string, unknown>; scope: FilterPolicyScope;
  attributes?: SnsAttributes; body?: string; matches: boolean; note?: string;
}
interface ValidationCase {
  id: string; policy: Record<string, unknown>; scope: FilterPolicyScope;
  valid: boolean | 'ambiguous'; expectedError?: string; note?: string;
}
const vectors = JSON.parse(
  readFileSync(new URL('../conformance/filter-policy-cases.json', import.meta.url), 'utf8'),
) as { cases: MatchCase[]; validation_cases: ValidationCase[] };

/** Cases this implementation cannot honour, by id, with the reason. None at present. */
const SKIPPED_CASES: Record<string, string> = {};

const describeMatch = (c: MatchCase) =>
  `${c.id}: ${c.matches ? 'delivers' : 'filters out'} the message (${c.scope} scope)`;

for (const c of vectors.cases) {
  const skip = SKIPPED_CASES[c.id];
  test(describeMatch(c), skip ? { skip } : {}, () => {
    const message = { body: c.body ?? '', attributes: c.attributes ?? {} };
    assert.equal(matchesFilterPolicy(c.policy, message, c.scope), c.matches, c.note);
  });
}

test('every match vector uses a policy SNS accepts in its scope', () => {
  for (const c of vectors.cases) assert.deepEqual(validateFilterPolicy(c.policy, c.scope), [], c.id);
});

const describeValidation = (c: ValidationCase) => {
  if (c.valid === 'ambiguous') return `${c.id}: accepted (ambiguous on AWS; current docs allow it)`;
  if (c.valid) return `${c.id}: accepted in ${c.scope} scope`;
  return `${c.id}: rejected in ${c.scope} scope${c.expectedError ? ` with "${c.expectedError}"` : ''}`;
};

for (const c of vectors.validation_cases) {
  const skip = SKIPPED_CASES[c.id];
  test(describeValidation(c), skip ? { skip } : {}, () => {
    const problems = validateFilterPolicy(c.policy, c.scope);
    if (c.valid === false) {
      assert.ok(problems.length > 0, 'expected a problem');
      if (c.expectedError) {
        const wording = c.expectedError.replace(/^FilterPolicy: /, '');
        assert.ok(problems[0]!.message.includes(wording), `got "${problems[0]!.message}", want "${wording}"`);
      }
    } else {
      // 'ambiguous' (anything-but/suffix, FP-24): the vector recommends accepting it, as the docs do today.
      assert.deepEqual(problems, []);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Behaviours from docs/aws-semantics.md section 6 that the vectors do not exercise.

const attrs = (o: Record<string, string | [string, string]>): SnsAttributes =>
  Object.fromEntries(Object.entries(o).map(([k, v]) =>
    [k, Array.isArray(v) ? { Type: v[0], Value: v[1] } : { Type: 'String', Value: v }]));
const onAttrs = (policy: Record<string, unknown>, a: SnsAttributes) => matchesFilterPolicy(policy, { body: '', attributes: a });
const onBody = (policy: Record<string, unknown>, body: unknown) =>
  matchesFilterPolicy(policy, { body: JSON.stringify(body), attributes: {} }, 'MessageBody');
const firstProblem = (policy: unknown, scope?: FilterPolicyScope) => validateFilterPolicy(policy, scope)[0]?.message;

test('FP-01: no policy (or an empty one) delivers every message, even one without attributes', () => {
  assert.equal(matchesFilterPolicy(undefined, { body: 'x', attributes: {} }), true);
  assert.equal(matchesFilterPolicy({}, { body: 'x', attributes: {} }, 'MessageBody'), true);
});

test('FP-02: scope defaults to MessageAttributes when omitted', () => {
  const message = { body: '{"store":"a"}', attributes: attrs({ store: 'b' }) };
  assert.equal(matchesFilterPolicy({ store: ['b'] }, message), true);
  assert.equal(matchesFilterPolicy({ store: ['a'] }, message), false);
});

test('FP-06: exact string matching is case-sensitive', () => {
  assert.equal(onAttrs({ store: ['Example_Corp'] }, attrs({ store: 'example_corp' })), false);
});

test('FP-08: numeric compares values on Number attributes, with inclusive and exclusive range ends', () => {
  assert.equal(onAttrs({ price: [{ numeric: ['=', 301.5] }] }, attrs({ price: ['Number', '3.015e2'] })), true);
  const range = { price: [{ numeric: ['>', 0, '<=', 150] }] };
  assert.equal(onAttrs(range, attrs({ price: ['Number', '150'] })), true);
  assert.equal(onAttrs(range, attrs({ price: ['Number', '0'] })), false);
  assert.equal(onAttrs({ id: [1234] }, attrs({ id: ['Number', '1234.0'] })), true, 'number literal matches by value');
});

test('FP-09: anything-but on a String.Array matches when any element is outside the list', () => {
  const policy = { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] };
  assert.equal(onAttrs(policy, attrs({ customer_interests: ['String.Array', '["rugby","baseball"]'] })), true);
  assert.equal(onAttrs(policy, attrs({ customer_interests: ['String.Array', '["rugby","tennis"]'] })), false);
});

test('FP-10: exists:true needs a non-null leaf value', () => {
  assert.equal(onBody({ store: [{ exists: true }] }, { store: null }), false);
  assert.equal(onBody({ store: [{ exists: true }] }, { store: 'fans' }), true);
});

test('FP-11: "$or" is OR across keys, AND-ed with its siblings', () => {
  const policy = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] };
  assert.equal(onAttrs(policy, attrs({ source: 'aws.cloudwatch', namespace: 'AWS/EC2' })), true);
  assert.equal(onAttrs(policy, attrs({ source: 'aws.events', namespace: 'AWS/EC2' })), false);
});

test('FP-11: "$or" whose objects use reserved keywords is an ordinary key name', () => {
  const policy = { $or: [{ prefix: 'ab' }, { suffix: 'yz' }] };
  assert.equal(onBody(policy, { $or: 'abc' }), true);
  assert.equal(onBody(policy, { ab: 'x', yz: 'y' }), false);
  assert.equal(firstProblem({ $or: [{ a: ['x'] }] }), 'Unrecognized match type a', 'a single object is not an OR either');
});

test('FP-12: arrays of arrays in the payload are traversed', () => {
  const policy = { Records: { s3: { object: { key: [{ prefix: 'auto-' }] } } } };
  assert.equal(onBody(policy, { Records: [{ s3: { object: [[{ key: 'auto-1.xml' }]] } }] }), true);
});

test('FP-13: a dotted key matches any split of the same path between nesting and literal dots', () => {
  const policy = { 'object.nested.test': ['v'] };
  for (const body of [{ object: { nested: { test: 'v' } } }, { 'object.nested': { test: 'v' } }, { object: { 'nested.test': 'v' } }]) {
    assert.equal(onBody(policy, body), true, JSON.stringify(body));
  }
});

test('FP-07: cidr matches IPv6 blocks and never an address of the other family', () => {
  const policy = { ip: [{ cidr: '2001:db8::/32' }] };
  assert.equal(onAttrs(policy, attrs({ ip: '2001:db8:0:1::5' })), true);
  assert.equal(onAttrs(policy, attrs({ ip: '2001:db9::1' })), false);
  assert.equal(onAttrs({ ip: [{ cidr: '10.0.0.0/8' }] }, attrs({ ip: '::ffff:10.0.0.1' })), false);
});

test('FP-20: only top-level keys count towards the 5-key limit of a nested body policy', () => {
  const policy = { a: { b: ['1'], c: ['1'], d: ['1'] }, e: { f: ['1'], g: ['1'], h: ['1'] } };
  assert.deepEqual(validateFilterPolicy(policy, 'MessageBody'), []);
});

test('FP-21: complexity multiplies values by depth and sums $or branches (AWS examples)', () => {
  assert.equal(filterPolicyComplexity({ key_a: ['1', '2', '3'], key_b: ['1'], key_c: ['1', '2'] }), 6);
  const accepted = {
    source: ['a', 'b', 'c'],
    $or: [{ metricName: [1, 2, 3, 4, 5, 6] }, { metricType: [1, 2, 3, 4], $or: [{ metricId: [1, 2, 3, 4] }, { spaceId: [1, 2, 3, 4, 5, 6, 7] }] }],
  };
  assert.equal(filterPolicyComplexity(accepted), 150);
  assert.deepEqual(validateFilterPolicy(accepted), []);
  const nestedOr = {
    $or: [{ metricName: ['a', 'b', 'c'] }, { namespace: ['a', 'b'] }],
    detail: { scope: ['a', 'b'], $or: [{ source: ['a'] }, { type: ['a', 'b', 'c'] }] },
  };
  assert.equal(filterPolicyComplexity(nestedOr, 'MessageBody'), 160);
  assert.equal(firstProblem(nestedOr, 'MessageBody'), 'Filter policy is too complex');
});

test('FP-22: one operator per object, unknown operators and malformed values are rejected', () => {
  assert.equal(firstProblem({ key: [{ suffix: 'v', prefix: 'w' }] }), 'Only one key allowed in match expression');
  assert.equal(firstProblem({ key: [{ 'wrong-operator': true }] }), 'Unrecognized match type wrong-operator');
  assert.equal(firstProblem({ key: [['value']] }), 'Match value must be String, number, true, false, or null');
  assert.equal(firstProblem({ key: [{ exists: 'no' }] }), 'exists match pattern must be either true or false.');
  assert.equal(firstProblem({ key: [{ 'anything-but': { exists: false } }] }), 'Unsupported anything-but pattern: exists');
  assert.equal(firstProblem({ key: [{ cidr: '10.0.0.0' }] }), "Malformed CIDR, one '/' required");
  assert.equal(firstProblem({ key: [{ wildcard: 'a**b' }] }), 'Consecutive wildcard characters at pos 2');
});

test('FP-22: numeric ranges need a lower bound first, then an upper bound above it', () => {
  assert.equal(firstProblem({ k: [{ numeric: ['<', 100, '>', 10] }] }), 'Too many elements in numeric expression');
  assert.equal(firstProblem({ k: [{ numeric: ['>=', 1, '>', 2] }] }), 'Bad numeric range operator: >');
  assert.equal(firstProblem({ k: [{ numeric: ['=', '000'] }] }), 'Value of equals must be numeric');
  assert.equal(firstProblem({ k: [{ numeric: ['>', 20, '<', 30, '<', 50] }] }), 'Too many terms in numeric range expression');
});

test('FP-22: nested policy in attribute scope names the scope; a structural error inside wins', () => {
  assert.equal(firstProblem({ object: { key: ['x'] } }), 'Filter policy scope MessageAttributes does not support nested filter policy');
  assert.equal(firstProblem({ key: { suffix: 'value' } }), '"suffix" must be an object or an array');
});

test('validateFilterPolicy accepts the JSON text SNS receives', () => {
  assert.deepEqual(validateFilterPolicy('{"store":["example_corp"]}'), []);
  assert.equal(firstProblem('{"store":'), 'Filter policy is not valid JSON');
});
