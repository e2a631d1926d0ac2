/**
 * What the local engine runs for a branch, and what it replays into it. The branch pipeline
 * (`branchPipeline`) plus, for each input that is a queue or a topic, the upstream steps between main's
 * root buckets and it: the local engine keeps no message once consumed, so a message input is replayed
 * by running those steps on main's root objects in the branch's own state (AWS would send the
 * messages main's queue holds). Bucket inputs are replayed as the objects main holds.
 */
import { Flow } from '../model/flow.js';
import { Path, type AnyNode, type Edge, type PathLike } from '../model/node.js';
import { Pipeline } from '../model/pipeline.js';
import { inSample } from './sample.js';
import { branchPipeline, type BranchPlan } from './plan.js';
import type { BranchTriggerOptions } from './backend.js';
import type { IngestionStep } from '../envelope/ingestion-step.js';
import { INGESTION_ID_METADATA } from '../envelope/lineage.js';

/** The branch's local pipeline and where its replayed objects go. */
export interface LocalRun {
  pipeline: Pipeline;
  /** Buckets whose main objects are replayed, sampled by root key (inputs, or roots of a message input's upstream). */
  roots: string[];
  /** Buckets branched steps only read (by grant): main's objects copied whole, before the replay. */
  reads: string[];
}

/**
 * The pipeline the local engine runs for a branch, with the buckets to replay.
 * @example localRunOf(pylon, planBranch(pylon, 'parse-incidents', 'x', 'local')).roots // ['requests']
 */
export function localRunOf(pipe: Pipeline, plan: BranchPlan): LocalRun {
  const base = branchPipeline(pipe, plan);
  const extra = new Set<AnyNode>();
  const extraEdges = new Set<Edge>();
  const roots = new Set<string>();
  const climb = (node: AnyNode) => {
    if (extra.has(node)) return;
    extra.add(node);
    if (node.kind === 'bucket') {
      roots.add(node.name);
      return;
    }
    for (const e of pipe.incoming(node)) {
      if (e.from.kind === 'schedule' || e.from.kind === 'flow') continue;
      extraEdges.add(e);
      climb(e.from);
    }
    // An upstream step's other outputs land too (its writes go to the branch's state, never main's).
    for (const e of pipe.outgoing(node)) if (node.kind === 'fn' && !extraEdges.has(e)) {
      extraEdges.add(e);
      extra.add(e.to);
    }
  };
  for (const input of plan.inputs) {
    const from = pipe.node(input.from)!;
    if (from.kind === 'bucket') roots.add(from.name);
    else climb(from);
  }
  const branched = new Set(plan.branched);
  const upstreamReads = plan.upstream.filter((u) => u.kind === 'bucket' && !roots.has(u.node) && !extra.has(pipe.node(u.node)!)).map((u) => u.node);
  if (extra.size === 0) return { pipeline: base, roots: [...roots], reads: upstreamReads };
  // Base edges first (the branch's own flows), then the upstream ones; never an upstream step writing into the branch.
  const paths: PathLike[] = [...base.edges, ...[...extraEdges].filter((e) => !branched.has(e.to.name))].map((e) => new Path([e], e.to));
  for (const node of base.nodes.values()) paths.push(node);
  for (const node of extra) if (!(node instanceof Flow)) paths.push(node);
  return { pipeline: new Pipeline(pipe.name, dedupe(paths), pipe.props), roots: [...roots], reads: upstreamReads };
}

/** Paths without repeating one edge (the same edge object twice would be reported as a duplicate). */
function dedupe(paths: PathLike[]): PathLike[] {
  const seen = new Set<unknown>();
  return paths.filter((p) => {
    const id = p instanceof Path ? p.edges[0] : p;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** What a replay filter needs of an object. */
export interface ReplayCandidate {
  key: string;
  lastModified: number;
  metadata?: Record<string, string>;
}

/**
 * The root input key of an object: the key of the object its lineage starts at, or its own key when
 * it has no lineage (a root object, or one a job wrote).
 */
export function rootKeyOf(object: ReplayCandidate, step: (id: string) => IngestionStep | undefined): string {
  let id = object.metadata?.[INGESTION_ID_METADATA];
  let root = object.key;
  const seen = new Set<string>();
  while (id && !seen.has(id)) {
    seen.add(id);
    const s = step(id);
    if (!s) break;
    const input = s.inputs.find((i) => i.kind === 'object');
    if (input && input.kind === 'object') root = input.key;
    id = s.parentIngestionId ?? undefined;
  }
  return root;
}

/** Whether a trigger's options pick anything out (a sample, a prefix or a time). */
export function isFiltered(options: BranchTriggerOptions | undefined): boolean {
  return options !== undefined && (options.sample !== undefined || options.keys !== undefined || options.since !== undefined);
}

/**
 * Whether an object is replayed (or, on main's side of deltas, compared) under the options: its root
 * key in the sample and under the prefix, and the object written at or after `since`.
 */
export function picked(object: ReplayCandidate, rootKey: string, options: BranchTriggerOptions): boolean {
  if (options.sample !== undefined && !inSample(rootKey, options.sample)) return false;
  if (options.keys !== undefined && !rootKey.startsWith(options.keys)) return false;
  if (options.since !== undefined && object.lastModified < options.since.getTime()) return false;
  return true;
}

