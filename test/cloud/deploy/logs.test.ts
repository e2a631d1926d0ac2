/**
 * `sluice logs --follow` against moto_server: following says on stderr that it waits and for what,
 * so a quiet function does not look like a hung command; stdout keeps only the events (and with
 * --json, only JSON lines). Needs only the function's log group, not a deployed stack.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { motoUnavailable } from '../../helpers/moto.js';
import { BIN, ROOT, startCloud, type Cloud } from './helpers.js';
import { EXAMPLE, completed, waitFor } from '../../cli/support.js';

const skip = motoUnavailable();
const LOG_GROUP = '/aws/lambda/three-node-pipe-dev-copy';

describe('sluice logs --follow', { skip }, () => {
  let cloud: Cloud;

  before(async () => {
    cloud = await startCloud();
    await cloud.aws.logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  });
  after(async () => cloud?.stop());

  /** Start `sluice logs copy --follow ...`, wait until its stderr matches `waiting`, stop it with Ctrl-C, and return what it printed. */
  async function followUntil(args: string[], waiting: RegExp | undefined) {
    const child = spawn(process.execPath, [BIN, 'logs', 'copy', '--entry', EXAMPLE, '--stage', 'dev', '--follow', ...args], { cwd: ROOT, env: cloud.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const done = completed(child, 30_000);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    if (waiting) await waitFor(`stderr to match ${waiting}`, () => (waiting.test(stderr) ? true : undefined));
    else await new Promise((resolve) => setTimeout(resolve, 3000));
    child.kill('SIGINT');
    return done;
  }

  test('GIVEN a function with no log events WHEN followed THEN stderr says it waits for its events, in which log group, and how to stop', async () => {
    const run = await followUntil([], /waiting/);
    assert.match(run.stderr, new RegExp(`no log events of 'copy' since \\S+ yet; waiting for them in log group '${LOG_GROUP}' on stage 'dev' \\(checked every 2 s; Ctrl-C stops\\)`));
    assert.equal(run.stdout, '');
  });

  test('GIVEN a function with log events WHEN followed THEN they print on stdout, then stderr says it waits for new ones', async () => {
    await cloud.aws.logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: 's1' }));
    await cloud.aws.logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: 's1', logEvents: [{ timestamp: Date.now() - 1000, message: 'copied a.csv' }] }));
    const run = await followUntil([], /waiting for new log events/);
    assert.match(run.stdout, /copied a\.csv\n$/);
    assert.match(run.stderr, /waiting for new log events of 'copy' in log group/);
    assert.doesNotMatch(run.stdout, /waiting/);
  });

  test('GIVEN --json WHEN followed THEN stdout holds only the events as JSON lines and nothing says it waits there', async () => {
    const run = await followUntil(['--json'], undefined);
    const lines = run.stdout.split('\n').filter(Boolean);
    assert.ok(lines.length >= 1, run.stdout);
    for (const line of lines) assert.equal(JSON.parse(line).message, 'copied a.csv');
    assert.doesNotMatch(run.stdout + run.stderr, /waiting/);
  });
});
