/**
 * What the console's node page and graph counts read: `Stage.activity` and the counters in `status()`.
 * Locally the engine keeps them in the state as it commits (both store backends); on AWS they come
 * from the function's CloudWatch log events, read here from moto's CloudWatch Logs (MOTO_LAMBDA_NO_DOCKER:
 * no function runs there, so the events Lambda would write are put into the log group directly).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { bucket, fn, pipeline } from 'sluice';
import { fixture, startLocal } from '../helpers/local.js';
import { motoUnavailable } from '../helpers/moto.js';
import { startCloud } from '../cloud/deploy/helpers.js';
import { logActivity } from '../../src/stage/aws/activity.js';

describe('local activity', () => {
  test('records each invocation with its outcome, error, heartbeats and timings, and counts them per node', async (t) => {
    // GIVEN a function that copies objects and throws for a key holding 'poison'
    const local = await startLocal(t, pipeline('activity', [bucket('raw').to(fn('copy', { handler: fixture('copy-or-throw') })).to(bucket('curated'))]));
    // WHEN two good objects and one poison object are processed
    await local.put('raw', 'a.txt', 'a');
    await local.put('raw', 'b.txt', 'b');
    await local.put('raw', 'poison.txt', 'p');
    await local.settle();
    // (the two async retries come after Lambda's back-off: 1 and 2 minutes)
    await local.advance('4m');
    // THEN the activity lists 2 successes and 3 failed attempts (1 + 2 async retries), newest first
    const activity = await local.stage.activity('copy');
    assert.equal(activity.invocations.filter((i) => i.ok).length, 2);
    const failed = activity.invocations.filter((i) => !i.ok);
    assert.equal(failed.length, 3);
    assert.deepEqual(failed[0]!.error, { errorType: 'Error', errorMessage: "cannot process 'poison.txt'" });
    assert.ok(activity.invocations.every((i, n) => n === 0 || i.at <= activity.invocations[n - 1]!.at));
    // AND each good invocation processed one input (a core_process heartbeat) with its timings
    for (const ok of activity.invocations.filter((i) => i.ok)) {
      assert.equal(ok.heartbeats?.coreProcess, 1);
      assert.ok(ok.timings!.total >= ok.timings!.coreProcess);
    }
    assert.equal(activity.invocations.filter((i) => i.heartbeats?.start).length, 1, 'one start heartbeat: the first invocation');
    assert.equal(activity.timings.count, 5);
    assert.ok(activity.timings.p50! <= activity.timings.p95!);
    // AND the stage's status counts them for the graph
    const copy = (await local.stage.status()).nodes.find((n) => n.node === 'copy')!;
    assert.deepEqual(copy.activity, { invocations: 5, failures: 3, retries: 2, deadLettered: 1 });
  });
});

describe('AWS activity from CloudWatch Logs (moto)', { skip: motoUnavailable() }, () => {
  test("groups a function's log events into invocations by request id, with REPORT's duration and errors", async (t) => {
    const cloud = await startCloud();
    t.after(() => cloud.stop());
    // GIVEN a function's log group holding what Lambda writes for one good and one failed invocation
    const group = '/aws/lambda/activity-dev-copy';
    await cloud.aws.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await cloud.aws.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's1' }));
    const now = Date.now();
    const ok = '11111111-1111-4111-8111-111111111111';
    const bad = '22222222-2222-4222-8222-222222222222';
    const lines = [
      `START RequestId: ${ok} Version: $LATEST`,
      `2026-01-01T00:00:00.000Z\t${ok}\tINFO\tcopied a.txt`,
      `END RequestId: ${ok}`,
      `REPORT RequestId: ${ok}\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB`,
      `START RequestId: ${bad} Version: $LATEST`,
      `2026-01-01T00:00:01.000Z\t${bad}\tERROR\tInvoke Error {"errorType":"Error","errorMessage":"cannot process"}`,
      `END RequestId: ${bad}`,
      `REPORT RequestId: ${bad}\tDuration: 30.00 ms\tBilled Duration: 30 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB`,
    ];
    await cloud.aws.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's1', logEvents: lines.map((message, i) => ({ message, timestamp: now - 10_000 + i })) }));
    // WHEN its activity is read
    const activity = await logActivity(cloud.aws, 'copy', group, { limit: 10 });
    // THEN there are two invocations, newest first, with their durations, logs and the failure
    assert.deepEqual(activity.invocations.map((i) => [i.requestId, i.ok, i.durationMs]), [[bad, false, 30], [ok, true, 12.5]]);
    assert.deepEqual(activity.invocations[1]!.logs.map((l) => l.message), ['copied a.txt']);
    assert.match(activity.invocations[0]!.error!.errorMessage, /cannot process/);
    assert.deepEqual(activity.timings, { count: 2, p50: 12.5, p95: 30 });
  });
});
