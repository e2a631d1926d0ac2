/**
 * `sluice branch ... --stage dev` against moto_server, as a user runs it: a copy of the scores fixture
 * deployed as main with raw files in it, then a branch from `parse` created, deployed, triggered on a
 * sample, listed, compared and destroyed, each with `--json`; a branch of a stage never deployed is the
 * coded error. The branch's functions are invoked through the Lambda API; moto runs none
 * (MOTO_LAMBDA_NO_DOCKER, its "simple" mode accepts the invokes), so the replay's counts are checked
 * here and what the steps write is checked by backend.test.ts with the in-process runner.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { inSample } from '../../../src/branch/sample.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { leftovers, sluice, startCloud, type Cloud } from '../../cloud/deploy/helpers.js';
import { listAccount, snapshotStage } from './helpers.js';
import scores from './fixtures/scores.pipeline.js';

const skip = motoUnavailable();
const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const KEYS = Array.from({ length: 10 }, (_, i) => `in/${i}.csv`);

describe('sluice branch on an AWS stage (moto)', { skip }, () => {
  let cloud: Cloud;
  let dir: string;
  const cli = (...args: string[]) => sluice(cloud, [...args, '--entry', join(dir, 'scores.pipeline.ts'), '--json'], { cwd: dir });

  before(async () => {
    cloud = await startCloud();
    // GIVEN a project (a copy of the fixture) deployed as stage dev, with ten files in raw
    dir = mkdtempSync(join(tmpdir(), 'sluice-branch-aws-cli-'));
    cpSync(FIXTURES, dir, { recursive: true });
    const deployed = sluice(cloud, ['deploy', join(dir, 'scores.pipeline.ts'), '--stage', 'dev', '--yes', '--json'], { cwd: dir });
    assert.equal(deployed.status, 0, deployed.stderr + deployed.stdout);
    for (const key of KEYS) await cloud.aws.s3.send(new PutObjectCommand({ Bucket: 'scores-dev-raw', Key: key, Body: 'a,1\n' }));
  });
  after(async () => cloud?.stop());

  /** moto's Lambda in "simple" mode (Invoke answers without running anything), or back to its default. */
  const lambdaSimple = (simple: boolean) => fetch(`${cloud.moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: !simple } }) });

  test('GIVEN a stage never deployed WHEN a branch of it is deployed THEN the error says to deploy the stage first', () => {
    assert.equal(cli('branch', 'create', 'parse', 'try', '--stage', 'prod').status, 0);
    const run = cli('branch', 'deploy', 'try', '--stage', 'prod');
    assert.notEqual(run.status, 0);
    assert.match(run.stdout + run.stderr, /SLUICE_E_BRANCH_AWS_MAIN_MISSING/);
    assert.match(run.stdout + run.stderr, /sluice deploy --stage prod/);
  });

  test('GIVEN main deployed WHEN a branch is created, deployed, triggered on a sample, listed, compared and destroyed THEN each step reports what it did and main is untouched', async () => {
    const mainBefore = await snapshotStage(cloud, scores, 'dev');
    const accountBefore = await listAccount(cloud);
    const created = cli('branch', 'create', 'parse', 'try', '--stage', 'dev');
    assert.equal(created.status, 0, created.stderr + created.stdout);
    const deployed = cli('branch', 'deploy', 'try', '--stage', 'dev');
    assert.equal(deployed.status, 0, deployed.stderr + deployed.stdout);
    assert.ok((await listAccount(cloud)).functions.includes('scores-dev--try-parse'));
    // WHEN triggered on half of raw (MOTO_LAMBDA_NO_DOCKER: moto's "simple" Lambda accepts an Invoke and runs nothing)
    await lambdaSimple(true);
    const triggered = cli('branch', 'trigger', 'try', '--stage', 'dev', '--sample', '50');
    await lambdaSimple(false);
    assert.equal(triggered.status, 0, triggered.stderr + triggered.stdout);
    const sampled = KEYS.filter((k) => inSample(k, 50)).length;
    assert.deepEqual((({ replayed, skipped, failed }) => ({ replayed, skipped, failed }))(triggered.json()), { replayed: sampled, skipped: KEYS.length - sampled, failed: 0 });
    // THEN list shows it triggered, with its resources
    const listed = cli('branch', 'list', '--stage', 'dev');
    assert.equal(listed.status, 0, listed.stderr + listed.stdout);
    const row = listed.json().find((r: { name: string }) => r.name === 'try');
    assert.equal(row.state, 'triggered');
    assert.ok(row.resources > 0, JSON.stringify(row));
    // AND deltas download both sides of each output and compare them (the branch's are empty: no step ran on moto)
    const deltas = cli('branch', 'deltas', 'try', '--stage', 'dev');
    assert.equal(deltas.status, 0, deltas.stderr + deltas.stdout);
    assert.deepEqual(deltas.json().buckets.map((b: { bucket: string }) => b.bucket).sort(), ['rows', 'scores']);
    // WHEN destroyed THEN nothing of it is left and main is as it was
    const destroyed = cli('branch', 'destroy', 'try', '--stage', 'dev');
    assert.equal(destroyed.status, 0, destroyed.stderr + destroyed.stdout);
    assert.deepEqual(Object.values(await leftovers(cloud, 'scores-dev--try')).flat(), []);
    assert.deepEqual(await listAccount(cloud), accountBefore);
    assert.equal(await snapshotStage(cloud, scores, 'dev'), mainBefore);
    assert.equal(cli('branch', 'delete', 'try', '--stage', 'dev').status, 0);
  });
});
