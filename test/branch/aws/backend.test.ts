/**
 * `AwsBranchBackend` end to end against moto_server: main deployed with data (its steps run in process
 * on the events AWS sends, MOTO_LAMBDA_NO_DOCKER), a branch from `score` deployed beside it, fed by a
 * 50% sample of main's rows, both sides of `scores` downloaded for deltas (main's restricted by lineage
 * to the same sample), and destroyed: main byte-identical before and after, the account as it was.
 * Bad input: main missing, trigger before deploy, a bucket the branch does not copy, and a deploy that
 * fails half way, after which destroy still removes everything.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DeleteStackCommand, ExecuteChangeSetCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { AwsSession } from '../../../src/cloud/deploy/aws.js';
import { deploy } from '../../../src/cloud/deploy/deploy.js';
import { describeStack } from '../../../src/cloud/deploy/stack.js';
import { AwsStage } from '../../../src/stage/aws/stage.js';
import { AwsBranchBackend } from '../../../src/branch/aws/backend.js';
import { planBranch } from '../../../src/branch/plan.js';
import { inSample } from '../../../src/branch/sample.js';
import { bucketDeltas } from '../../../src/branch/deltas/index.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { REGION, leftovers, startCloud, type Cloud } from '../../cloud/deploy/helpers.js';
import { CACHE_DIR } from '../../cloud/synth/helpers.js';
import { listAccount, objectsOf, runStep, snapshotStage } from './helpers.js';
import scores from './fixtures/scores.pipeline.js';

const skip = motoUnavailable();
const STAGE = 'dev';
/** Twelve CSV files in main's raw, and the rows main's parse made of them. */
const RAW = Array.from({ length: 12 }, (_, i) => ({ key: `day-${String(i).padStart(2, '0')}.csv`, body: `a,${i}\nb,${i + 1}\n` }));
const ROWS = RAW.map((r) => r.key.replace('.csv', '.jsonl'));
/** The rows whose root input (the raw file their lineage starts at) is in a sample: what a sampled branch replays. */
const rowsInSample = (percent: number) => RAW.filter((r) => inSample(r.key, percent)).map((r) => r.key.replace('.csv', '.jsonl')).sort();

describe('a branch on an AWS stage (moto)', { skip }, () => {
  let cloud: Cloud;
  let backend: AwsBranchBackend;
  let mainBefore: string;
  let accountBefore: Record<string, string[]>;
  const plan = planBranch(scores, 'score', 'try', STAGE);

  before(async () => {
    cloud = await startCloud();
    backend = new AwsBranchBackend({ aws: cloud.aws, cacheDir: CACHE_DIR, runner: 'in-process' });
    // GIVEN main deployed, with raw's files parsed into rows and scored into scores by main's own steps
    await deploy(scores, { stage: STAGE, cacheDir: CACHE_DIR, yes: true, aws: cloud.aws });
    const main = await AwsStage.open(scores, STAGE, { aws: cloud.aws });
    await main.put('raw', RAW.map((r) => ({ key: r.key, body: Buffer.from(r.body) })));
    await runStep(main, 'parse', 'raw', RAW.map((r) => r.key), CACHE_DIR);
    await runStep(main, 'score', 'rows', ROWS, CACHE_DIR);
    assert.equal((await main.list('scores')).length, 12);
    mainBefore = await snapshotStage(cloud, scores, STAGE);
    accountBefore = await listAccount(cloud);
  });
  after(async () => cloud?.stop());

  test('GIVEN the branch is not deployed WHEN it is triggered or compared THEN each says to deploy it first', async () => {
    await assert.rejects(backend.trigger(plan, scores, {}), (e: { code: string; message: string }) => e.code === 'SLUICE_E_BRANCH_AWS_NOT_DEPLOYED' && /deploy it first: sluice branch deploy try --stage dev/.test(e.message));
    await assert.rejects(backend.sides(plan, scores, 'scores', mkdtempSync(join(tmpdir(), 'sides-'))), (e: { code: string }) => e.code === 'SLUICE_E_BRANCH_AWS_NOT_DEPLOYED');
    assert.deepEqual(await backend.holdings(plan, scores), { resources: [], objects: 0, bytes: 0 });
  });

  test('GIVEN a stage whose main stack is not deployed WHEN a branch of it is deployed THEN it is refused with the deploy to run, and nothing is created', async () => {
    const orphan = planBranch(scores, 'score', 'try', 'nomain');
    await assert.rejects(backend.deploy(orphan, scores), (e: { code: string; message: string }) => e.code === 'SLUICE_E_BRANCH_AWS_MAIN_MISSING' && /stack 'scores-nomain' is not deployed .*deploy the stage first \(sluice deploy --stage nomain\)/.test(e.message));
    assert.equal(await describeStack(cloud.aws, 'scores-nomain--try'), undefined);
  });

  test('GIVEN main deployed WHEN the branch is deployed THEN it is a stack of its own whose every resource is named under the branch stage', async () => {
    const lines: string[] = [];
    const holdings = await backend.deploy(plan, scores, (l) => lines.push(l));
    assert.equal((await describeStack(cloud.aws, 'scores-dev--try'))?.StackStatus, 'CREATE_COMPLETE');
    assert.deepEqual([...new Set(holdings.resources.map((r) => r.node))].sort(), ['', 'score', 'scores']);
    for (const r of holdings.resources) assert.match(r.physicalId, /scores-dev--try|^[0-9a-f-]{36}$|^arn:aws:kms/, `${r.node}/${r.part}: ${r.physicalId}`);
    assert.ok(holdings.resources.some((r) => r.node === 'score' && r.part === 'Function' && r.physicalId === 'scores-dev--try-score'));
    assert.deepEqual([holdings.objects, holdings.bytes], [0, 0]);
  });

  test('GIVEN the deployed branch WHEN it is triggered on a 50% sample THEN it replays exactly the rows whose root raw file is in the sample through score, writing only its own scores', async () => {
    const progress: number[] = [];
    const report = await backend.trigger(plan, scores, { sample: 50, onProgress: (done) => progress.push(done) });
    const sampled = rowsInSample(50);
    assert.notDeepEqual(sampled, ROWS.filter((k) => inSample(k, 50)).sort(), 'the fixture tells root keys from the rows\' own keys');
    assert.ok(sampled.length > 0 && sampled.length < ROWS.length, `the sample picks some rows, not all (${sampled.length})`);
    assert.deepEqual(report, { replayed: sampled.length, skipped: ROWS.length - sampled.length, failed: 0 });
    assert.equal(progress.at(-1), sampled.length);
    const written = await objectsOf(cloud, 'scores-dev--try-scores');
    assert.deepEqual(written.map((o) => o.key).sort(), sampled.sort());
    // AND what the branch wrote carries its lineage, recorded in the branch's own table
    assert.ok(written.every((o) => o.metadata['ingestion-id']), 'every branch output has an ingestion id');
  });

  test('GIVEN the sampled branch WHEN both sides of scores are downloaded with the same sample THEN main\'s side is restricted by lineage to the same rows, byte-identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sides-'));
    const sides = await backend.sides(plan, scores, 'scores', dir, { sample: 50 });
    const sampled = rowsInSample(50);
    assert.equal(sides.bucket, 'scores');
    assert.deepEqual(sides.main.map((o) => o.key).sort(), sampled);
    assert.deepEqual(sides.branch.map((o) => o.key).sort(), sampled);
    for (const side of [sides.main, sides.branch]) {
      for (const o of side) {
        assert.ok(o.path.startsWith(dir), o.path);
        const bytes = readFileSync(o.path);
        assert.equal(bytes.byteLength, o.size);
        assert.match(bytes.toString('utf8'), /^\{"name":"a","score":\d+\}\n\{"name":"b","score":\d+\}\n$/);
      }
    }
    const etags = (s: typeof sides.main) => Object.fromEntries(s.map((o) => [o.key, o.etag]));
    assert.deepEqual(etags(sides.branch), etags(sides.main), 'the same code on the same rows writes the same bytes');
    // AND the sides carry the bucket's format, and the deltas engine reads them: nothing differs
    assert.equal(sides.format, 'jsonl');
    const delta = await bucketDeltas(sides);
    assert.deepEqual([delta.objects.added, delta.objects.removed, delta.objects.changed, delta.objects.unchanged], [[], [], [], sampled.length]);
    // AND without a sample, main's side holds all of main's scores
    const whole = await backend.sides(plan, scores, 'scores', mkdtempSync(join(tmpdir(), 'sides-')));
    assert.equal(whole.main.length, 12);
    assert.equal(whole.branch.length, sampled.length);
  });

  test('GIVEN the branch WHEN sides are asked of a bucket it does not copy THEN it names its outputs', async () => {
    await assert.rejects(backend.sides(plan, scores, 'rows', tmpdir()), (e: { code: string; message: string }) => e.code === 'SLUICE_E_BRANCH_AWS_OUTPUT' && /its outputs are: scores/.test(e.message));
  });

  test('GIVEN the branch WHEN triggered by key prefix or since a time THEN only those rows are replayed', async () => {
    const byPrefix = await backend.trigger(plan, scores, { keys: 'day-1' });
    assert.deepEqual(byPrefix, { replayed: 2, skipped: 10, failed: 0 });
    const future = await backend.trigger(plan, scores, { since: new Date(Date.now() + 3_600_000) });
    assert.deepEqual(future, { replayed: 0, skipped: 12, failed: 0 });
  });

  test('GIVEN the lambda runner WHEN the branch is triggered THEN each sampled row is an asynchronous invoke of the branch\'s function (moto\'s stub runs none)', async () => {
    // MOTO_LAMBDA_NO_DOCKER: in moto's "simple" mode an Invoke is accepted and runs nothing.
    const set = (simple: boolean) => fetch(`${cloud.moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: !simple } }) });
    await set(true);
    try {
      const lambda = new AwsBranchBackend({ aws: cloud.aws, cacheDir: CACHE_DIR });
      const report = await lambda.trigger(plan, scores, { sample: 10, wait: true });
      assert.deepEqual(report, { replayed: rowsInSample(10).length, skipped: ROWS.length - rowsInSample(10).length, failed: 0 });
    } finally {
      await set(false);
    }
  });

  test('GIVEN the triggered branch WHEN its holdings are read THEN they count its objects and bytes', async () => {
    const holdings = await backend.holdings(plan, scores);
    const written = await objectsOf(cloud, 'scores-dev--try-scores');
    assert.ok(holdings.objects >= written.length && written.length > 0);
    assert.ok(holdings.bytes > 0);
  });

  test('GIVEN the branch WHEN destroyed THEN nothing of it is left, the account is as before the branch, and main is byte-identical', async () => {
    const lines: string[] = [];
    await backend.destroy(plan, scores, (l) => lines.push(l));
    const left = await leftovers(cloud, 'scores-dev--try');
    assert.deepEqual(Object.values(left).flat(), [], JSON.stringify(left));
    assert.deepEqual(await listAccount(cloud), accountBefore);
    assert.equal(await snapshotStage(cloud, scores, STAGE), mainBefore);
    // AND destroying again finds nothing to do
    await backend.destroy(plan, scores);
  });

  test('GIVEN a branch deploy that fails half way and is interrupted before it cleans up WHEN the branch is destroyed THEN everything it made is removed, and nothing of main\'s', async () => {
    const half = planBranch(scores, 'parse', 'half', STAGE);
    const before = await listAccount(cloud);
    // GIVEN a bucket name of the branch taken while its change set runs (moto fails ExecuteChangeSet
    // half way, MOTO_CFN_NO_ROLLBACK), and the deploy's own clean-up cut short (DeleteStack fails)
    const real = new CloudFormationClient({ region: REGION });
    class Interrupted extends CloudFormationClient {
      override send(command: never): never {
        if ((command as object) instanceof ExecuteChangeSetCommand) {
          return cloud.aws.s3.send(new CreateBucketCommand({ Bucket: 'scores-dev--half-scores' })).then(() => real.send(command)) as never;
        }
        if ((command as object) instanceof DeleteStackCommand) return Promise.reject(Object.assign(new Error('connection reset'), { name: 'NetworkingError' })) as never;
        return real.send(command) as never;
      }
    }
    const broken = new AwsBranchBackend({ aws: new AwsSession(REGION, cloud.moto.endpoint, { cloudformation: new Interrupted({ region: REGION }) }), cacheDir: CACHE_DIR });
    await assert.rejects(broken.deploy(half, scores));
    await cloud.aws.s3.send(new DeleteBucketCommand({ Bucket: 'scores-dev--half-scores' }));
    const made = await leftovers(cloud, 'scores-dev--half');
    assert.ok(Object.values(made).flat().length > 0, `the failed deploy left something to remove: ${JSON.stringify(made)}`);
    // WHEN
    await backend.destroy(half, scores);
    // THEN
    assert.deepEqual(Object.values(await leftovers(cloud, 'scores-dev--half')).flat(), []);
    assert.deepEqual(await listAccount(cloud), before);
    assert.equal(await snapshotStage(cloud, scores, STAGE), mainBefore);
  });
});
