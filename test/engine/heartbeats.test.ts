/**
 * Heartbeats and timings on the local engine, as Pylon logs them: `heartbeat start` when a step starts
 * (its first invocation), `heartbeat core_process` per input, and `timed_execution` with the step
 * function alone (core_process) and with the framework's I/O (total).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue } from 'sluice';
import type { EngineEvent } from '../../src/engine/index.js';
import { fixture, startLocal, T0 } from '../helpers/local.js';

test('a step beats once when it starts and once per input, with core and total timings per input', async (t) => {
  // GIVEN a queue consumed in batches of 10, with every engine event recorded
  const events: EngineEvent[] = [];
  const local = await startLocal(t, pipeline('hb-beats', [queue('work').to(fn('copy', { handler: fixture('copy-or-throw') }), { batchSize: 10 }).to(bucket('out'))]), { onEvent: (e) => events.push(e) });
  // WHEN three messages arrive, then two more later
  for (const body of ['a', 'b', 'c']) await local.send('work', body);
  await local.settle();
  for (const body of ['d', 'e']) await local.send('work', body);
  await local.settle();
  // THEN 'start' once, before the first invocation, saying how the step runs
  const starts = events.filter((e) => e.type === 'heartbeat' && e.name === 'start');
  assert.deepEqual(starts, [{ type: 'heartbeat', fn: 'copy', name: 'start', execution: 'local', at: new Date(T0).toISOString() }]);
  assert.ok(events.indexOf(starts[0]!) < events.findIndex((e) => e.type === 'invocation'));
  // AND one core_process heartbeat and one timed_execution line per input, naming its ingestion id
  const beats = events.filter((e): e is Extract<EngineEvent, { name: 'core_process' }> => e.type === 'heartbeat' && e.name === 'core_process');
  const timings = events.filter((e): e is Extract<EngineEvent, { type: 'timed_execution' }> => e.type === 'timed_execution');
  assert.equal(beats.length, 5);
  assert.deepEqual(timings.map((x) => x.ingestionId), beats.map((b) => b.ingestionId));
  for (const x of timings) {
    assert.equal(x.fn, 'copy');
    assert.ok(x.core_process >= 0 && x.total >= x.core_process, `core ${x.core_process} <= total ${x.total}`);
  }
  // AND each invocation reports how many inputs it ran and their summed timings
  const invocations = events.filter((e): e is Extract<EngineEvent, { type: 'invocation' }> => e.type === 'invocation');
  assert.deepEqual(invocations.map((i) => i.executions), [3, 2]);
  assert.ok(invocations.every((i) => i.totalMs >= i.coreMs));
});

test('core_process times the step function alone; total adds the framework\'s I/O around it', async (t) => {
  // GIVEN a step that spends about 30 ms in its own code
  const events: EngineEvent[] = [];
  const local = await startLocal(t, pipeline('hb-core', [queue('work').to(fn('slow', { handler: fixture('busy-step') })).to(bucket('out'))]), { onEvent: (e) => events.push(e) });
  await local.send('work', '30');
  await local.settle();
  const [timing] = events.filter((e): e is Extract<EngineEvent, { type: 'timed_execution' }> => e.type === 'timed_execution');
  assert.ok(timing!.core_process >= 25, `core_process ${timing!.core_process} ms covers the step's 30 ms`);
  assert.ok(timing!.total >= timing!.core_process);
});

test('a plain Lambda handler has no executions: no per-input heartbeats, but its invocation is reported', async (t) => {
  const events: EngineEvent[] = [];
  const local = await startLocal(t, pipeline('hb-plain', [queue('work').to(fn('rec', { handler: fixture('raw-recorder') }))]), { onEvent: (e) => events.push(e) });
  await local.send('work', 'ok');
  await local.settle();
  assert.deepEqual(events.filter((e) => e.type !== 'invocation'), []);
  assert.equal(events.filter((e) => e.type === 'invocation').length, 1);
});
