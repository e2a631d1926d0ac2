/**
 * `AwsBranchBackend`: branches on an AWS stage. A branch is a stack of its own,
 * `${pipeline}-${stage}--${name}` (`stack.ts`), deployed and destroyed by the ordinary `deploy` and
 * `destroy`; it reads main's upstream data through read-only grants and is fed only by `trigger`'s
 * replay (`replay.ts`), never by main's notifications. Main's stack, resources, notifications and data
 * are never written: main is only listed, read and described.
 */
import type { Pipeline } from '../../model/pipeline.js';
import { openSession, type AwsSession } from '../../cloud/deploy/aws.js';
import { deploy } from '../../cloud/deploy/deploy.js';
import { destroy } from '../../cloud/deploy/destroy.js';
import { deployedNodes } from '../../cloud/deploy/deployed.js';
import { describeStack, stackState } from '../../cloud/deploy/stack.js';
import { AwsStage } from '../../stage/aws/stage.js';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { BranchError } from '../errors.js';
import type { BranchPlan } from '../plan.js';
import type { BranchBackend, BranchHoldings, BranchTriggerOptions, BranchTriggerReport, BucketSides } from '../backend.js';
import { branchStack } from './stack.js';
import { replay, type BranchRunner } from './replay.js';
import { downloadSides } from './sides.js';
import { join } from 'node:path';

/** Options of `AwsBranchBackend`. */
export interface AwsBranchBackendOptions {
  /** The AWS session. @default openSession() */
  aws?: AwsSession;
  /** Where handler bundles are cached. @default `.sluice/cache` in the working directory */
  cacheDir?: string;
  /**
   * How replayed events reach the branch's functions: `lambda` invokes the deployed functions;
   * `in-process` runs the working tree's handlers here with each deployed function's environment
   * (for emulators that run no Lambda code, and to try a handler without redeploying it). @default 'lambda'
   */
  runner?: BranchRunner;
  /** Invocations and downloads in flight at once. @default 8 */
  concurrency?: number;
  /** How long a waiting trigger sleeps between two looks at a running flow execution, ms. @default 5000 */
  pollMs?: number;
}

/**
 * Branches on an AWS stage (the contract's `BranchBackend`).
 * @example
 * const backend = new AwsBranchBackend();
 * await backend.deploy(plan, pipe);
 * await backend.trigger(plan, pipe, { sample: 10 });
 */
export class AwsBranchBackend implements BranchBackend {
  private session: AwsSession | undefined;

  constructor(private readonly options: AwsBranchBackendOptions = {}) {
    this.session = options.aws;
  }

  /**
   * Deploy the branch's stack beside main's, after checking main is deployed.
   * @throws BranchError SLUICE_E_BRANCH_AWS_MAIN_MISSING when main's stack is not deployed.
   */
  async deploy(plan: BranchPlan, pipeline: Pipeline, onProgress?: (line: string) => void): Promise<BranchHoldings> {
    const aws = await this.aws();
    const stack = branchStack(pipeline, plan);
    const main = await describeStack(aws, stack.mainStackName);
    if (stackState(main?.StackStatus) !== 'stable') {
      throw new BranchError('SLUICE_E_BRANCH_AWS_MAIN_MISSING', `branch '${plan.name}' reads main's data on stage '${plan.stage}', but stack '${stack.mainStackName}' is ${main ? main.StackStatus : 'not deployed'} in account ${(await aws.identity()).account}, region ${aws.region}; deploy the stage first (sluice deploy --stage ${plan.stage})`, { node: plan.name, field: 'stage', given: plan.stage });
    }
    await deploy(stack.pipe, { stage: plan.branchStage, cacheDir: this.cacheDir(), yes: true, aws, external: stack.external, ...(onProgress ? { log: onProgress } : {}) });
    return this.holdings(plan, pipeline);
  }

  /**
   * Replay main's upstream data into the deployed branch (`replay.ts`).
   * @throws BranchError SLUICE_E_BRANCH_AWS_NOT_DEPLOYED before the branch is deployed.
   */
  async trigger(plan: BranchPlan, pipeline: Pipeline, options: BranchTriggerOptions): Promise<BranchTriggerReport> {
    const { main, branch } = await this.stages(plan, pipeline);
    return replay(plan, { main, branch, runner: this.options.runner ?? 'lambda', cacheDir: this.cacheDir(), concurrency: this.concurrency() }, options);
  }

  /**
   * Both sides of one branched bucket, downloaded to `dir` (`sides.ts`).
   * @throws BranchError SLUICE_E_BRANCH_AWS_OUTPUT for a bucket the branch does not copy.
   */
  async sides(plan: BranchPlan, pipeline: Pipeline, bucket: string, dir: string, sample?: BranchTriggerOptions): Promise<BucketSides> {
    if (!plan.outputs.includes(bucket)) {
      throw new BranchError('SLUICE_E_BRANCH_AWS_OUTPUT', `branch '${plan.name}' has no copy of bucket '${bucket}' to compare with main's; its outputs are: ${plan.outputs.join(', ') || 'none'}`, { node: bucket, field: 'bucket', given: bucket, expected: plan.outputs.join(' | ') });
    }
    const { main, branch } = await this.stages(plan, pipeline);
    return downloadSides(main, branch, bucket, dir, sample, this.concurrency());
  }

  /** The branch stack's resources by node and part, and the objects and bytes in its buckets. */
  async holdings(plan: BranchPlan, pipeline: Pipeline): Promise<BranchHoldings> {
    const aws = await this.aws();
    const stack = branchStack(pipeline, plan);
    const holdings: BranchHoldings = { resources: [], objects: 0, bytes: 0 };
    if (!(await describeStack(aws, stack.stackName))) return holdings;
    const { nodes, other } = await deployedNodes(aws, stack.pipe, stack.stackName);
    const buckets: string[] = [];
    for (const [node, d] of nodes) {
      for (const r of d.resources) {
        if (!r.physicalId) continue;
        holdings.resources.push({ node, part: r.part, physicalId: r.physicalId });
        if (r.type === 'AWS::S3::Bucket') buckets.push(r.physicalId);
      }
    }
    for (const r of other) {
      if (!r.physicalId) continue;
      holdings.resources.push({ node: '', part: r.part, physicalId: r.physicalId });
      if (r.type === 'AWS::S3::Bucket') buckets.push(r.physicalId);
    }
    for (const bucket of buckets) {
      let token: string | undefined;
      do {
        const page = await aws.call(`listing the branch's bucket '${bucket}'`, () => aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) })));
        for (const o of page.Contents ?? []) {
          holdings.objects++;
          holdings.bytes += o.Size ?? 0;
        }
        token = page.NextContinuationToken;
      } while (token);
    }
    return holdings;
  }

  /** Empty the branch's buckets and delete its stack and whatever it kept (also after a deploy that failed half way); nothing of main's. */
  async destroy(plan: BranchPlan, pipeline: Pipeline, onProgress?: (line: string) => void): Promise<void> {
    const aws = await this.aws();
    const stack = branchStack(pipeline, plan);
    // destroy() finds everything by the branch stage's names and tags: main's names never match.
    await destroy(stack.pipe, { stage: plan.branchStage, yes: true, aws, ...(onProgress ? { log: onProgress } : {}) });
  }

  /** Main's stage (the full pipeline) and the branch's (its stack's pipeline), the branch checked deployed. */
  private async stages(plan: BranchPlan, pipeline: Pipeline): Promise<{ main: AwsStage; branch: AwsStage }> {
    const aws = await this.aws();
    const stack = branchStack(pipeline, plan);
    const deployed = await describeStack(aws, stack.stackName);
    if (stackState(deployed?.StackStatus) !== 'stable') {
      throw new BranchError('SLUICE_E_BRANCH_AWS_NOT_DEPLOYED', `branch '${plan.name}' is not deployed on stage '${plan.stage}' (stack '${stack.stackName}' is ${deployed ? deployed.StackStatus : 'absent'}); deploy it first: sluice branch deploy ${plan.name} --stage ${plan.stage}`, { node: plan.name, field: 'stage', given: plan.stage });
    }
    const pollMs = this.options.pollMs ?? 5_000;
    const [main, branch] = await Promise.all([
      AwsStage.open(pipeline, plan.stage, { aws, pollMs }),
      AwsStage.open(stack.pipe, plan.branchStage, { aws, pollMs }),
    ]);
    return { main, branch };
  }

  private async aws(): Promise<AwsSession> {
    return (this.session ??= await openSession());
  }

  private cacheDir(): string {
    return this.options.cacheDir ?? join(process.cwd(), '.sluice', 'cache');
  }

  private concurrency(): number {
    return Math.max(1, this.options.concurrency ?? 8);
  }
}
