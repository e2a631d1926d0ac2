/**
 * The branch as a CloudFormation stack of its own: `${pipeline}-${stage}--${name}`, synthesized by the
 * ordinary synthesizer from `branchPipeline` with main's upstream nodes marked external (their names
 * stay main's, nothing of them is created or wired, and grants on them keep their reads only), so
 * every physical name is under the branch stage and can never be main's or another branch's.
 */
import { Path, type AnyNode, type Edge, type PathLike } from '../../model/node.js';
import { carriesEvents } from '../../model/edges.js';
import { Pipeline } from '../../model/pipeline.js';
import type { ExternalNodes } from '../../cloud/synth/context.js';
import { stackName } from '../../cloud/synth/names.js';
import { synthesize, type Synthesis } from '../../cloud/synth/synth.js';
import { branchPipeline, type BranchPlan } from '../plan.js';

/** What the branch's stack is made from. */
export interface BranchStack {
  /** The branch pipeline, with the upstream nodes it reads and the event paths into it. */
  pipe: Pipeline;
  /** Main's nodes in it: read only, never created. */
  external: ExternalNodes;
  /** The branch's stack: `${pipeline}-${stage}--${name}`. */
  stackName: string;
  /** Main's stack: `${pipeline}-${stage}`. */
  mainStackName: string;
}

/**
 * The branch's stack: `branchPipeline`, plus the edges that carry S3 events from main's buckets
 * through main's queues and topics to the branch (bucket -> queue -> fn: the function reads the bucket
 * the events name, so it needs that read grant, and the replay starts from that bucket).
 * @example branchStack(pipe, plan).stackName // 'medallion-dev--dedup'
 */
export function branchStack(pipeline: Pipeline, plan: BranchPlan): BranchStack {
  const base = branchPipeline(pipeline, plan);
  const branched = new Set(plan.branched);
  const paths: PathLike[] = [...base.nodes.values(), ...base.edges.map((e) => new Path([e], e.to))];
  const added = new Set<Edge>(base.edges);
  const queue: AnyNode[] = [...base.nodes.values()].filter((n) => !branched.has(n.name) && (n.kind === 'queue' || n.kind === 'topic'));
  while (queue.length > 0) {
    const node = queue.pop()!;
    for (const edge of pipeline.incoming(node)) {
      if (added.has(edge) || !carriesEvents(edge) || !['bucket', 'queue', 'topic'].includes(edge.from.kind)) continue;
      added.add(edge);
      paths.push(new Path([edge], edge.to));
      if (edge.from.kind !== 'bucket') queue.push(edge.from);
    }
  }
  const pipe = new Pipeline(pipeline.name, paths, pipeline.props);
  const external = new Set([...pipe.nodes.keys()].filter((n) => !branched.has(n)));
  return {
    pipe,
    external: { stage: plan.stage, nodes: external },
    stackName: stackName(pipeline.name, plan.branchStage),
    mainStackName: stackName(pipeline.name, plan.stage),
  };
}

/**
 * Synthesize the branch's stack (what `deploy` deploys), without deploying it.
 * @example const { template } = await branchSynthesis(pipe, plan, { cacheDir: '.sluice/cache' });
 */
export async function branchSynthesis(pipeline: Pipeline, plan: BranchPlan, options: { cacheDir?: string } = {}): Promise<Synthesis> {
  const stack = branchStack(pipeline, plan);
  return synthesize(stack.pipe, { stage: plan.branchStage, external: stack.external, ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}) });
}
