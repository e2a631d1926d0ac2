/**
 * Compile-time proof that `a.to(b)` accepts only the edges the kinds define (each kind's `outgoing` in
 * src/model/<kind>.ts) and only the options each edge takes. Every `@ts-expect-error` line below is an
 * impossible edge or an option its edge does not take: if the types stopped rejecting it, the unused
 * `@ts-expect-error` would itself be an error. The lines without one must compile: every allowed edge,
 * with each of its options. `npm run typecheck` (and CI) checks this file; the test runner does not run
 * it. Validation still rejects the same edges at run time (test/model/validate.test.ts), for JavaScript
 * callers and for nodes typed only as `AnyNode`.
 */
import { bucket, fn, queue, topic, table, schedule, job, glueJob, flow, type AnyNode } from '../../src/index.js';

const handler = './handlers/copy.ts';
const raw = bucket('raw');
const curated = bucket('curated');
const copy = fn('copy', { handler });
const load = fn('load', { handler });
const work = queue('work');
const retry = queue('retry');
const events = topic('events');
const audit = topic('audit');
const items = table('items', { partitionKey: 'id' });
const archive = table('archive', { partitionKey: 'id' });
const hourly = schedule('hourly', 'rate(1 hour)');
const daily = schedule('daily', 'rate(1 day)');

// Every allowed edge, bare and with all of its options.
raw.to(work);
raw.to(work, { prefix: 'in/', suffix: '.csv' });
raw.to(events);
raw.to(events, { prefix: 'in/', suffix: '.csv' });
raw.to(copy);
raw.to(copy, { prefix: 'in/', suffix: '.csv' });
work.to(copy);
work.to(copy, { batchSize: 5, maxBatchingWindow: '1s' });
events.to(work);
events.to(work, { filterPolicy: { objectType: ['order'] }, filterPolicyScope: 'MessageBody', rawMessageDelivery: true });
events.to(copy);
events.to(copy, { filterPolicy: { objectType: ['order'] }, filterPolicyScope: 'MessageBody' });
copy.to(raw);
copy.to(raw, { keyPrefix: 'out/' });
copy.to(work);
copy.to(work, {});
copy.to(events);
copy.to(events, {});
hourly.to(copy);
hourly.to(copy, {});

// Every edge between kinds that cannot connect.
// @ts-expect-error bucket -> bucket is not an edge
raw.to(curated);
// @ts-expect-error bucket -> table is not an edge
raw.to(items);
// @ts-expect-error bucket -> schedule is not an edge
raw.to(hourly);
// @ts-expect-error queue -> bucket is not an edge
work.to(raw);
// @ts-expect-error queue -> queue is not an edge
work.to(retry);
// @ts-expect-error queue -> topic is not an edge
work.to(events);
// @ts-expect-error queue -> table is not an edge
work.to(items);
// @ts-expect-error queue -> schedule is not an edge
work.to(hourly);
// @ts-expect-error topic -> bucket is not an edge
events.to(raw);
// @ts-expect-error topic -> topic is not an edge
events.to(audit);
// @ts-expect-error topic -> table is not an edge
events.to(items);
// @ts-expect-error topic -> schedule is not an edge
events.to(hourly);
// @ts-expect-error table -> bucket is not an edge
items.to(raw);
// @ts-expect-error table -> queue is not an edge
items.to(work);
// @ts-expect-error table -> topic is not an edge
items.to(events);
// @ts-expect-error table -> table is not an edge
items.to(archive);
// @ts-expect-error table -> fn is not an edge
items.to(copy);
// @ts-expect-error table -> schedule is not an edge
items.to(hourly);
// @ts-expect-error fn -> table is not an edge
copy.to(items);
// @ts-expect-error fn -> fn is not an edge
copy.to(load);
// @ts-expect-error fn -> schedule is not an edge
copy.to(hourly);
// @ts-expect-error schedule -> bucket is not an edge
hourly.to(raw);
// @ts-expect-error schedule -> queue is not an edge
hourly.to(work);
// @ts-expect-error schedule -> topic is not an edge
hourly.to(events);
// @ts-expect-error schedule -> table is not an edge
hourly.to(items);
// @ts-expect-error schedule -> schedule is not an edge
hourly.to(daily);

// Every option on an edge that does not take it.
// @ts-expect-error bucket -> queue takes no keyPrefix
raw.to(work, { keyPrefix: 'out/' });
// @ts-expect-error bucket -> queue takes no filterPolicy
raw.to(work, { filterPolicy: { objectType: ['order'] } });
// @ts-expect-error bucket -> queue takes no filterPolicyScope
raw.to(work, { filterPolicyScope: 'MessageBody' });
// @ts-expect-error bucket -> queue takes no rawMessageDelivery
raw.to(work, { rawMessageDelivery: true });
// @ts-expect-error bucket -> queue takes no batchSize
raw.to(work, { batchSize: 5 });
// @ts-expect-error bucket -> queue takes no maxBatchingWindow
raw.to(work, { maxBatchingWindow: '1s' });
// @ts-expect-error bucket -> topic takes no keyPrefix
raw.to(events, { keyPrefix: 'out/' });
// @ts-expect-error bucket -> topic takes no filterPolicy
raw.to(events, { filterPolicy: { objectType: ['order'] } });
// @ts-expect-error bucket -> topic takes no filterPolicyScope
raw.to(events, { filterPolicyScope: 'MessageBody' });
// @ts-expect-error bucket -> topic takes no rawMessageDelivery
raw.to(events, { rawMessageDelivery: true });
// @ts-expect-error bucket -> topic takes no batchSize
raw.to(events, { batchSize: 5 });
// @ts-expect-error bucket -> topic takes no maxBatchingWindow
raw.to(events, { maxBatchingWindow: '1s' });
// @ts-expect-error bucket -> fn takes no keyPrefix
raw.to(copy, { keyPrefix: 'out/' });
// @ts-expect-error bucket -> fn takes no filterPolicy
raw.to(copy, { filterPolicy: { objectType: ['order'] } });
// @ts-expect-error bucket -> fn takes no filterPolicyScope
raw.to(copy, { filterPolicyScope: 'MessageBody' });
// @ts-expect-error bucket -> fn takes no rawMessageDelivery
raw.to(copy, { rawMessageDelivery: true });
// @ts-expect-error bucket -> fn takes no batchSize
raw.to(copy, { batchSize: 5 });
// @ts-expect-error bucket -> fn takes no maxBatchingWindow
raw.to(copy, { maxBatchingWindow: '1s' });
// @ts-expect-error queue -> fn takes no prefix
work.to(copy, { prefix: 'in/' });
// @ts-expect-error queue -> fn takes no suffix
work.to(copy, { suffix: '.csv' });
// @ts-expect-error queue -> fn takes no keyPrefix
work.to(copy, { keyPrefix: 'out/' });
// @ts-expect-error queue -> fn takes no filterPolicy
work.to(copy, { filterPolicy: { objectType: ['order'] } });
// @ts-expect-error queue -> fn takes no filterPolicyScope
work.to(copy, { filterPolicyScope: 'MessageBody' });
// @ts-expect-error queue -> fn takes no rawMessageDelivery
work.to(copy, { rawMessageDelivery: true });
// @ts-expect-error topic -> queue takes no prefix
events.to(work, { prefix: 'in/' });
// @ts-expect-error topic -> queue takes no suffix
events.to(work, { suffix: '.csv' });
// @ts-expect-error topic -> queue takes no keyPrefix
events.to(work, { keyPrefix: 'out/' });
// @ts-expect-error topic -> queue takes no batchSize
events.to(work, { batchSize: 5 });
// @ts-expect-error topic -> queue takes no maxBatchingWindow
events.to(work, { maxBatchingWindow: '1s' });
// @ts-expect-error topic -> fn takes no prefix
events.to(copy, { prefix: 'in/' });
// @ts-expect-error topic -> fn takes no suffix
events.to(copy, { suffix: '.csv' });
// @ts-expect-error topic -> fn takes no keyPrefix
events.to(copy, { keyPrefix: 'out/' });
// @ts-expect-error topic -> fn takes no rawMessageDelivery
events.to(copy, { rawMessageDelivery: true });
// @ts-expect-error topic -> fn takes no batchSize
events.to(copy, { batchSize: 5 });
// @ts-expect-error topic -> fn takes no maxBatchingWindow
events.to(copy, { maxBatchingWindow: '1s' });
// @ts-expect-error fn -> bucket takes no prefix
copy.to(raw, { prefix: 'in/' });
// @ts-expect-error fn -> bucket takes no suffix
copy.to(raw, { suffix: '.csv' });
// @ts-expect-error fn -> bucket takes no filterPolicy
copy.to(raw, { filterPolicy: { objectType: ['order'] } });
// @ts-expect-error fn -> bucket takes no filterPolicyScope
copy.to(raw, { filterPolicyScope: 'MessageBody' });
// @ts-expect-error fn -> bucket takes no rawMessageDelivery
copy.to(raw, { rawMessageDelivery: true });
// @ts-expect-error fn -> bucket takes no batchSize
copy.to(raw, { batchSize: 5 });
// @ts-expect-error fn -> bucket takes no maxBatchingWindow
copy.to(raw, { maxBatchingWindow: '1s' });
// @ts-expect-error fn -> queue takes no prefix
copy.to(work, { prefix: 'in/' });
// @ts-expect-error fn -> queue takes no suffix
copy.to(work, { suffix: '.csv' });
// @ts-expect-error fn -> queue takes no keyPrefix
copy.to(work, { keyPrefix: 'out/' });
// @ts-expect-error fn -> queue takes no filterPolicy
copy.to(work, { filterPolicy: { objectType: ['order'] } });
// @ts-expect-error fn -> queue takes no filterPolicyScope
copy.to(work, { filterPolicyScope: 'MessageBody' });
// @ts-expect-error fn -> queue takes no rawMessageDelivery
copy.to(work, { rawMessageDelivery: true });
// @ts-expect-error fn -> queue takes no batchSize
copy.to(work, { batchSize: 5 });
// @ts-expect-error fn -> queue takes no maxBatchingWindow
copy.to(work, { maxBatchingWindow: '1s' });
// @ts-expect-error fn -> topic takes no prefix
copy.to(events, { prefix: 'in/' });
// @ts-expect-error fn -> topic takes no suffix
copy.to(events, { suffix: '.csv' });
// @ts-expect-error fn -> topic takes no keyPrefix
copy.to(events, { keyPrefix: 'out/' });
// @ts-expect-error fn -> topic takes no filterPolicy
copy.to(events, { filterPolicy: { objectType: ['order'] } });
// @ts-expect-error fn -> topic takes no filterPolicyScope
copy.to(events, { filterPolicyScope: 'MessageBody' });
// @ts-expect-error fn -> topic takes no rawMessageDelivery
copy.to(events, { rawMessageDelivery: true });
// @ts-expect-error fn -> topic takes no batchSize
copy.to(events, { batchSize: 5 });
// @ts-expect-error fn -> topic takes no maxBatchingWindow
copy.to(events, { maxBatchingWindow: '1s' });
// @ts-expect-error schedule -> fn takes no prefix
hourly.to(copy, { prefix: 'in/' });
// @ts-expect-error schedule -> fn takes no suffix
hourly.to(copy, { suffix: '.csv' });
// @ts-expect-error schedule -> fn takes no keyPrefix
hourly.to(copy, { keyPrefix: 'out/' });
// @ts-expect-error schedule -> fn takes no filterPolicy
hourly.to(copy, { filterPolicy: { objectType: ['order'] } });
// @ts-expect-error schedule -> fn takes no filterPolicyScope
hourly.to(copy, { filterPolicyScope: 'MessageBody' });
// @ts-expect-error schedule -> fn takes no rawMessageDelivery
hourly.to(copy, { rawMessageDelivery: true });
// @ts-expect-error schedule -> fn takes no batchSize
hourly.to(copy, { batchSize: 5 });
// @ts-expect-error schedule -> fn takes no maxBatchingWindow
hourly.to(copy, { maxBatchingWindow: '1s' });

// A path continues from its last node, typed the same way.
raw.to(copy).to(curated, { keyPrefix: 'out/' });
raw.to(copy).to(work).to(load, { batchSize: 5 });
// @ts-expect-error fn -> fn is not an edge, at the end of a path either
raw.to(copy).to(load);
// @ts-expect-error fn -> bucket takes no prefix, at the end of a path either
raw.to(copy).to(curated, { prefix: 'in/' });
// @ts-expect-error bucket -> table is not an edge, however long the path before it
raw.to(copy).to(curated).to(items);

// A node typed only as AnyNode (a graph built from data) is unchecked, at either end: validation checks it.
const untyped: AnyNode = copy;
untyped.to(load);
copy.to(untyped, { batchSize: 5 });
raw.to(untyped).to(load);

// A node whose kind is a union connects where each of its kinds does.
const source = Math.random() < 0.5 ? raw : work;
source.to(copy);
// @ts-expect-error queue -> topic is not an edge, so neither is (bucket | queue) -> topic
source.to(events);

// Jobs and flows: a job reads and writes stages; a schedule starts a flow; a flow publishes its outcome.
const clean = job('clean', { handler: './jobs/clean.ts' });
const enrich = glueJob('enrich', { script: './jobs/enrich.py' });
const nightly = flow('nightly', [clean, enrich]);
raw.to(clean).to(curated);
raw.to(enrich).to(curated);
hourly.to(nightly).to(events);
// @ts-expect-error job -> job: put the stage between them
clean.to(job('next', { handler }));
// @ts-expect-error job -> fn: a job writes a stage the function reads
clean.to(copy);
// @ts-expect-error bucket -> job takes no options: a job reads the whole stage
raw.to(clean, { prefix: 'in/' });
// @ts-expect-error bucket -> flow: the flow's jobs read the bucket
raw.to(nightly);
// @ts-expect-error flow -> queue: publish the outcome to a topic
nightly.to(work);
