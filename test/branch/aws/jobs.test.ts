/**
 * A job branch on an AWS stage against moto_server: examples/medallion deployed as main, branched from
 * `clean`. Its trigger copies what main's steps outside the branch wrote into branched buckets
 * (`enrich`'s customers in silver) and starts the branch flow's own state machine, which runs only
 * clean and aggregate over main's bronze. moto runs no execution (MOTO_SFN_NO_RUN): it stays RUNNING,
 * so what is checked is the execution started on the branch's state machine, never main's, and main
 * byte-identical after the branch is destroyed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeExecutionCommand, DescribeStateMachineCommand, ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { deploy } from '../../../src/cloud/deploy/deploy.js';
import { AwsBranchBackend } from '../../../src/branch/aws/backend.js';
import { planBranch } from '../../../src/branch/plan.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { ACCOUNT, REGION, leftovers, startCloud, type Cloud } from '../../cloud/deploy/helpers.js';
import { CACHE_DIR } from '../../cloud/synth/helpers.js';
import { listAccount, objectsOf, snapshotStage } from './helpers.js';
import medallion from '../../../examples/medallion/pipeline.js';

const skip = motoUnavailable();
const STAGE = 'dev';

describe('a job branch on an AWS stage (moto)', { skip }, () => {
  let cloud: Cloud;
  let backend: AwsBranchBackend;
  let mainBefore: string;
  let accountBefore: Record<string, string[]>;
  const plan = planBranch(medallion, 'clean', 'dedup', STAGE);

  before(async () => {
    cloud = await startCloud();
    backend = new AwsBranchBackend({ aws: cloud.aws, cacheDir: CACHE_DIR });
    // GIVEN medallion deployed, with bronze and the silver customers enrich wrote
    await deploy(medallion, { stage: STAGE, cacheDir: CACHE_DIR, yes: true, aws: cloud.aws });
    await cloud.aws.s3.send(new PutObjectCommand({ Bucket: 'medallion-dev-bronze', Key: 'orders/2024-05-01.parquet', Body: 'PAR1 bronze' }));
    await cloud.aws.s3.send(new PutObjectCommand({ Bucket: 'medallion-dev-silver', Key: 'customers/part-0.parquet', Body: 'PAR1 customers', Metadata: { 'ingestion-id': '019aa000-0000-7000-8000-00000000000e' } }));
    mainBefore = await snapshotStage(cloud, medallion, STAGE);
    accountBefore = await listAccount(cloud);
  });
  after(async () => cloud?.stop());

  test('GIVEN the branch deployed WHEN it is triggered THEN main\'s co-written silver is copied in and the branch\'s own flow starts, running clean and aggregate only', async () => {
    await backend.deploy(plan, medallion);
    const report = await backend.trigger(plan, medallion, {});
    // THEN one execution, of the branch's state machine
    assert.equal(report.executions?.length, 1);
    assert.deepEqual([report.replayed, report.failed], [0, 0]);
    const arn = report.executions![0]!;
    assert.match(arn, new RegExp(`^arn:aws:states:${REGION}:${ACCOUNT}:execution:medallion-dev--dedup-nightly:`));
    const execution = await cloud.aws.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    assert.deepEqual(JSON.parse(execution.input!), { branch: 'dedup', from: 'clean' });
    // AND that state machine runs the branch's clean and aggregate, never main's jobs or extract/enrich
    const machine = await cloud.aws.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: execution.stateMachineArn! }));
    const definition = machine.definition!;
    assert.match(definition, /medallion-dev--dedup-clean/);
    assert.match(definition, /medallion-dev--dedup-aggregate/);
    assert.doesNotMatch(definition, /medallion-dev-(clean|aggregate|extract)|enrich/);
    // AND main's flow was not started
    const mainRuns = await cloud.aws.sfn.send(new ListExecutionsCommand({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:medallion-dev-nightly` }));
    assert.deepEqual(mainRuns.executions ?? [], []);
    // AND enrich's customers are in the branch's silver, as main's downstream sees them, with their lineage
    const silver = await objectsOf(cloud, 'medallion-dev--dedup-silver');
    assert.deepEqual(silver.map((o) => [o.key, o.metadata['ingestion-id']]), [['customers/part-0.parquet', '019aa000-0000-7000-8000-00000000000e']]);
    // moto runs no execution (MOTO_SFN_NO_RUN): stop it, as the end of the run would
    await cloud.aws.sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });

  test('GIVEN the triggered job branch WHEN destroyed THEN nothing of it is left and main is byte-identical', async () => {
    await backend.destroy(plan, medallion);
    assert.deepEqual(Object.values(await leftovers(cloud, 'medallion-dev--dedup')).flat(), []);
    assert.deepEqual(await listAccount(cloud), accountBefore);
    assert.equal(await snapshotStage(cloud, medallion, STAGE), mainBefore);
  });
});
