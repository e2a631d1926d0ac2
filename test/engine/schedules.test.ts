/**
 * Schedules on the local engine's manual clock (docs/aws-semantics.md SCH-*): rate() from the rule's creation,
 * cron() at whole UTC minutes, and EventBridge's 'Scheduled Event' shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, schedule } from 'sluice';
import { fixture, startLocal } from '../helpers/local.js';
import { eventsOf, received } from '../fixtures/handlers/raw-recorder.js';

const at = (iso: string) => `2026-01-05T${iso}Z`;

test('rate(5 minutes) fires every five minutes from when the rule was created', async (t) => {
  // GIVEN a rate schedule started at 10:00:00 UTC, triggering a component
  const pipe = pipeline('s-rate', [schedule('every-5', 'rate(5 minutes)').to(fn('echo', { handler: fixture('echo-input') })).to(bucket('seen'))]);
  const local = await startLocal(t, pipe);
  await local.settle();
  // WHEN the clock moves to just before, then onto, each fire time
  await local.advance('299s');
  assert.deepEqual(await local.list('seen'), [], 'nothing before 10:05');
  await local.advance('1s');
  assert.deepEqual(await local.list('seen'), [`schedule/every-5/${at('10:05:00')}`]);
  await local.advance('10m');
  // THEN it fired at 10:05, 10:10 and 10:15, once each (SCH-03)
  assert.deepEqual(await local.list('seen'), ['10:05:00', '10:10:00', '10:15:00'].map((time) => `schedule/every-5/${at(time)}`));
  const input = await local.json('seen', `schedule/every-5/${at('10:10:00')}`);
  assert.deepEqual(input, { kind: 'schedule', schedule: 'every-5', time: at('10:10:00'), detail: {} });
});

test('a scheduled rule invokes a plain handler with the EventBridge Scheduled Event shape', async (t) => {
  // GIVEN a plain Lambda handler on a rate schedule with a detail
  received.length = 0;
  const pipe = pipeline('s-shape', [schedule('nightly', { expression: 'rate(1 hour)', detail: { job: 'compact' } }).to(fn('rec', { handler: fixture('raw-recorder') }))]);
  const local = await startLocal(t, pipe);
  // WHEN the first fire time passes
  await local.advance('1h');
  // THEN the event has exactly the documented fields, the time in whole seconds (SCH-01)
  const [event] = eventsOf('rec');
  assert.deepEqual(Object.keys(event).sort(), ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
  assert.equal(event.version, '0');
  assert.equal(event['detail-type'], 'Scheduled Event');
  assert.equal(event.source, 'aws.events');
  assert.match(event.account, /^\d{12}$/);
  assert.equal(typeof event.id, 'string');
  assert.equal(event.time, at('11:00:00'));
  assert.equal(typeof event.region, 'string');
  assert.deepEqual(event.resources, [`arn:aws:events:${event.region}:${event.account}:rule/nightly`]);
  assert.deepEqual(event.detail, { job: 'compact' });
});

test('cron() fires at the minute it names, in UTC, and again the next day', async (t) => {
  // GIVEN a daily cron at 10:15 UTC, the clock at 10:00
  const pipe = pipeline('s-cron', [schedule('daily', 'cron(15 10 * * ? *)').to(fn('echo', { handler: fixture('echo-input') })).to(bucket('seen'))]);
  const local = await startLocal(t, pipe);
  // WHEN the clock reaches 10:14, then 10:15
  await local.advance('14m');
  assert.deepEqual(await local.list('seen'), []);
  await local.advance('1m');
  // THEN it fired at 10:15 exactly
  assert.deepEqual(await local.list('seen'), [`schedule/daily/${at('10:15:00')}`]);
  // AND not again until 10:15 the next day
  await local.advance('1439m');
  assert.equal((await local.list('seen')).length, 1);
  await local.advance('1m');
  assert.deepEqual(await local.list('seen'), [`schedule/daily/${at('10:15:00')}`, 'schedule/daily/2026-01-06T10:15:00Z']);
});

test('cron() day-of-week counts 1 as Sunday, so 2 and MON name the same day', async (t) => {
  // GIVEN two weekly crons at 09:00, one written MON and one written 2, on Monday 2026-01-05 at 10:00
  const echo = fn('echo', { handler: fixture('echo-input') });
  const pipe = pipeline('s-cron-dow', [schedule('by-name', 'cron(0 9 ? * MON *)').to(echo).to(bucket('seen')), schedule('by-number', 'cron(0 9 ? * 2 *)').to(echo)]);
  const local = await startLocal(t, pipe);
  // WHEN a week passes
  await local.advance('7d');
  // THEN both fired once, at 09:00 on the next Monday (SCH-04)
  const inputs = await Promise.all((await local.list('seen')).map((k) => local.json<{ schedule: string; time: string }>('seen', k)));
  assert.deepEqual(inputs.map((i) => [i.schedule, i.time]).sort(), [['by-name', '2026-01-12T09:00:00Z'], ['by-number', '2026-01-12T09:00:00Z']]);
});
