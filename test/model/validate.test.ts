/**
 * The model's validation rules and grants: every problem a pipeline can have is found before anything
 * runs, named by node and field with a stable code and the fix; grants follow from the wiring.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, queue, topic, table, schedule, pipeline, grantsOf, PipelineValidationError, type AnyNode, type Problem } from 'sluice';
import { visibilityOf } from '../../src/model/visibility.js';
import { localPipeline } from '../../src/testing/index.js';
import { synthesize } from '../../src/cloud/synth/synth.js';
import { CACHE_DIR, props } from '../cloud/synth/helpers.js';

const handler = new URL('../fixtures/chain/handlers/extract.ts', import.meta.url);
const step = (name: string, extra: Record<string, unknown> = {}) => fn(name, { handler, ...extra });
const codes = (problems: Problem[]) => problems.map((p) => p.code).sort();
const only = (problems: Problem[], code: string) => problems.filter((p) => p.code === code);

test('a valid three-node pipeline has no problems', () => {
  assert.deepEqual(pipeline('ok', [bucket('raw').to(step('copy')).to(bucket('curated'))]).validate(), []);
});

test('collects every problem at once instead of stopping at the first', () => {
  // GIVEN a pipeline with a bad name, a bad node name, an impossible edge and a bad queue prop
  // (the edge through AnyNode, which the types do not check, as a JavaScript caller's would not be)
  const pipe = pipeline('Bad_Pipe', [bucket('Raw').to(step('copy')).to(step('again') as AnyNode), queue('q', { visibilityTimeout: 50_000 })]);
  // WHEN it is validated
  const problems = pipe.validate();
  // THEN each problem is reported, with its code
  assert.deepEqual(codes(problems), ['SLUICE_E_EDGE_KIND', 'SLUICE_E_NODE_NAME', 'SLUICE_E_PIPELINE_NAME', 'SLUICE_E_QUEUE_VISIBILITY']);
  // AND assertValid throws one error listing them all
  assert.throws(() => pipe.assertValid(), (e: unknown) => e instanceof PipelineValidationError && e.problems.length === 4 && /4 problems/.test(e.message));
});

test('names the node, the range and the value given for an out-of-range prop', () => {
  const [p] = pipeline('pp', [queue('orders', { visibilityTimeout: 50_000 })]).validate();
  assert.equal(p!.message, "queue 'orders': visibilityTimeout must be between 0 and 43200 seconds (given 50000)");
  assert.equal(p!.field, 'visibilityTimeout');
});

test('rejects two different nodes with one name, and names that differ only in case', () => {
  const dup = pipeline('pp', [bucket('data').to(step('copy')), queue('data')]).validate();
  assert.deepEqual(codes(dup), ['SLUICE_E_DUPLICATE_NAME']);
  const cased = pipeline('pp', [bucket('data').to(step('Data'))]).validate();
  assert.deepEqual(codes(cased), ['SLUICE_E_DUPLICATE_NAME']);
});

// Impossible edges and options do not compile (test/model/impossible-edges.types.ts); these tests build
// them through AnyNode, untyped, as JavaScript or a graph built from data would.
test('says what to do instead of an edge that cannot exist', () => {
  const [p] = pipeline('pp', [step('a').to(step('b') as AnyNode)]).validate();
  assert.equal(p!.code, 'SLUICE_E_EDGE_KIND');
  assert.match(p!.message, /fn 'a' cannot connect to fn 'b'.*put a queue or topic between them/);
  const [q] = pipeline('pp', [bucket('a').to(bucket('b') as AnyNode)]).validate();
  assert.match(q!.message, /put a function between them/);
});

test('rejects an option the edge does not take', () => {
  const [p] = pipeline('pp', [bucket('raw').to(step('copy') as AnyNode, { batchSize: 5 })]).validate();
  assert.equal(p!.code, 'SLUICE_E_EDGE_OPTION');
  assert.match(p!.message, /option 'batchSize' does not apply to a bucket -> fn edge \(it takes prefix, suffix\)/);
});

test('rejects a batch size over 10 without a batching window (LSQS-03)', () => {
  const problems = pipeline('pp', [queue('q').to(step('w'), { batchSize: 100 })]).validate();
  assert.deepEqual(codes(problems), ['SLUICE_E_BATCH_WINDOW']);
  assert.deepEqual(pipeline('pp', [queue('q').to(step('w'), { batchSize: 100, maxBatchingWindow: '1s' })]).validate(), []);
});

test('rejects a filter policy SNS would reject, with its message', () => {
  const keys = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => [k, ['x']]));
  const problems = only(pipeline('pp', [topic('t').to(queue('q'), { filterPolicy: keys })]).validate(), 'SLUICE_E_FILTER_POLICY');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /edge t -> q: filter policy: .*can not have more than 5 keys/);
});

test("a filter policy value that is neither a list nor an object shows the fix as an example built from it", () => {
  // GIVEN a subscription whose policy gives one value where SNS wants a list
  const problems = only(pipeline('pp', [topic('t').to(queue('q'), { filterPolicy: { priority: 'high' } as never })]).validate(), 'SLUICE_E_FILTER_POLICY');
  // THEN the message says what SNS says AND shows the policy written as SNS takes it
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /filter policy: "priority" must be an object or an array; give its values as a list, e\.g\. \{ priority: \['high'\] \}/);
});

test('rejects notifications S3 would find overlapping, and accepts disjoint suffixes (S3-12)', () => {
  const raw = bucket('raw');
  const overlapping = pipeline('pp', [raw.to(step('a')), raw.to(queue('q'))]).validate();
  assert.deepEqual(codes(overlapping), ['SLUICE_E_S3_OVERLAP']);
  assert.match(overlapping[0]!.message, /fan out|subscribe both/);
  const raw2 = bucket('raw');
  assert.deepEqual(pipeline('pp', [raw2.to(step('a'), { suffix: '.csv' }), raw2.to(queue('q'), { suffix: '.json' })]).validate(), []);
});

test('finds a function that re-triggers itself, and accepts the loop broken by key prefixes', () => {
  const raw = bucket('raw');
  const copy = step('copy');
  const [loop] = pipeline('pp', [raw.to(copy).to(raw)]).validate();
  assert.equal(loop!.code, 'SLUICE_E_LOOP');
  assert.match(loop!.message, /raw -> copy -> raw; write under a key prefix the trigger ignores/);
  const raw2 = bucket('raw');
  const copy2 = step('copy');
  assert.deepEqual(pipeline('pp', [raw2.to(copy2, { prefix: 'in/' }).to(raw2, { keyPrefix: 'out/' })]).validate(), []);
});

test('rejects a schedule expression EventBridge would reject, naming the rule broken', () => {
  const [p] = pipeline('pp', [schedule('tick', 'cron(0 1 * * * *)').to(step('s'))]).validate();
  assert.equal(p!.code, 'SLUICE_E_SCHEDULE_EXPRESSION');
  assert.match(p!.message, /schedule 'tick': expression 'cron\(0 1 \* \* \* \*\)'/);
});

test('rejects a table without a partition key and a function with out-of-range settings', () => {
  const t = table('items', {} as never);
  const problems = pipeline('pp', [step('w', { timeout: 901, memory: 64, retryAttempts: 3 }).writes(t)]).validate();
  assert.deepEqual(codes(problems), ['SLUICE_E_FN_MEMORY', 'SLUICE_E_FN_RETRY', 'SLUICE_E_FN_TIMEOUT', 'SLUICE_E_TABLE_KEY']);
});

test('a consumed queue gets 6 x its consumer timeout plus the window unless declared (docs/security-rules.md SQS-6)', () => {
  const work = queue('work');
  const pipe = pipeline('pp', [work.to(step('w', { timeout: 20 }), { maxBatchingWindow: 5 })]);
  assert.deepEqual({ seconds: visibilityOf(pipe, work).seconds, required: visibilityOf(pipe, work).required }, { seconds: 125, required: 125 });
  // an unconsumed queue keeps SQS's default
  const idle = queue('idle');
  assert.equal(visibilityOf(pipeline('pp', [idle]), idle).seconds, 30);
  // a declared visibility below the rule is a problem naming the consumer and the value to use
  const low = queue('low', { visibilityTimeout: 60 });
  const [p] = pipeline('pp', [low.to(step('w', { timeout: 20 }))]).validate();
  assert.equal(p!.code, 'SLUICE_E_QUEUE_VISIBILITY');
  assert.match(p!.message, /visibilityTimeout \(60 s\) must be at least 6 x the timeout of fn 'w'.*set visibilityTimeout: 120/);
});

test('the local engine and the template use the same visibility timeout', async () => {
  // GIVEN a queue whose consumer has a 10 s timeout and fails every message
  const work = queue('work');
  const failing = fn('w', { handler: new URL('../fixtures/handlers/copy-or-throw.ts', import.meta.url), timeout: 10 });
  const pipe = pipeline('vis', [work.to(failing, { batchSize: 1 }).to(bucket('out'))]);
  // WHEN it is synthesized
  const { template } = await synthesize(pipe, { stage: 'dev', cacheDir: CACHE_DIR });
  // THEN the queue's VisibilityTimeout is 60 s
  assert.equal(props(template, 'work/Queue').VisibilityTimeout, 60);
  // AND locally a failed message comes back after exactly 60 s
  const local = await localPipeline(pipe);
  await local.send('work', 'poison');
  await local.settle();
  await local.advance('59s');
  assert.equal(local.stats().w!.invocations, 1);
  await local.advance('1s');
  assert.equal(local.stats().w!.invocations, 2);
  await local.close();
});

test('grants follow the wiring: read on triggers, write on targets, tables as declared', () => {
  const raw = bucket('raw');
  const events = queue('events');
  const items = table('items', { partitionKey: 'id' });
  const load = step('load').reads(items);
  const pipe = pipeline('pp', [raw.to(events), events.to(load).to(bucket('curated')), load.to(topic('done'))]);
  const grants = grantsOf(pipe, load).map((g) => `${g.use} ${g.node.name}`).sort();
  // the S3 events arriving through the queue need read on the bucket they name
  assert.deepEqual(grants, ['consume events', 'publish done', 'read items', 'read raw', 'write curated']);
});

test('key prefixes that become IAM grants may not hold * or ?, which IAM reads as wildcards', () => {
  // GIVEN a function writing under a wildcard keyPrefix, and one triggered under a wildcard prefix
  const wide = fn('wide', { handler: './h.ts' });
  const reader = fn('reader', { handler: './h.ts' });
  const problems = pipeline('pp', [bucket('in').to(wide).to(bucket('out'), { keyPrefix: 'o*?/' }), bucket('src').to(reader, { prefix: 'data/*' })]).validate();
  // THEN each is refused with the character, the reason and the fix
  const wildcard = problems.filter((p) => p.code === 'SLUICE_E_IAM_WILDCARD');
  assert.deepEqual(wildcard.map((p) => [p.node, p.field, p.given]), [['wide', 'keyPrefix', 'o*?/'], ['src', 'prefix', 'data/*']]);
  assert.match(wildcard[0]!.message, /edge wide -> out: keyPrefix "o\*\?\/" holds '\*' and '\?', which IAM reads as a wildcard, so the function's grant would reach keys outside the prefix; use a prefix without \* and \?/);
  // AND a bucket -> queue filter with * stays allowed: no grant is scoped by it
  assert.deepEqual(pipeline('pq', [bucket('raw').to(queue('q'), { prefix: 'a*' }).to(fn('c', { handler: './h.ts' }))]).validate().filter((p) => p.code === 'SLUICE_E_IAM_WILDCARD'), []);
});
