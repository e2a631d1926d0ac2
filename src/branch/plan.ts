/**
 * The branch plan: which nodes a branch from one node copies, what it reads from main, what
 * `branch trigger` replays, how its flows are re-orchestrated and which buckets `deltas` compares.
 * Pure: no I/O. Every backend (local, AWS) and the CLI start from the same plan.
 */
import { Fn } from '../model/fn.js';
import { Flow, flowLevels } from '../model/flow.js';
import { Path, type AnyNode, type Edge, type Kind, type PathLike } from '../model/node.js';
import { Pipeline } from '../model/pipeline.js';
import { BranchError } from './errors.js';
import { branchNameProblems, checkBranchName } from './names.js';

/** What a branch is made of, from the pipeline and the node it starts at. */
export interface BranchPlan {
  name: string;
  stage: string;
  pipeline: string;
  from: string;
  /** The branch's own stage name: `${stage}--${name}`. */
  branchStage: string;
  /** `from` and every node downstream of it, in topological order: created for the branch. */
  branched: string[];
  /** Nodes outside the branch whose data branched nodes read (upstream of `from`, or read via a grant), with who reads them: read from main, never written. */
  upstream: Array<{ node: string; kind: Kind; readers: string[] }>;
  /** Edges from main into the branch: what `branch trigger` replays (bucket -> fn: objects as S3 events; queue/topic -> fn: messages; bucket -> job: the job reads main's stage). */
  inputs: Array<{ from: string; to: string }>;
  /** For job branches: each flow with only its branched jobs, in levels (re-orchestration). */
  flows: Array<{ flow: string; levels: string[][] }>;
  /** Buckets (branch copies) whose objects `deltas` compares with main's. */
  outputs: string[];
  /**
   * Branched buckets that steps outside the branch also write (medallion: `enrich` writes `silver` beside
   * the branched `clean`), with those steps: before a replay, the objects those writers put in main's
   * copy are copied into the branch's, so the branch sees everything main's downstream steps see.
   */
  coWriters: Array<{ node: string; writers: string[] }>;
}

/** Kinds that write into a store. */
const WRITERS: ReadonlySet<Kind> = new Set<Kind>(['fn', 'job', 'glueJob']);

/**
 * Plan a branch `name` of `pipeline` from node `from` on `stage`.
 *
 * Branched: `from` and every node downstream of it (edges, and tables its functions write). A step
 * outside the branch that also writes a branched store is not re-run: it is listed in `coWriters`, and
 * what it wrote in main is copied into the branch before a replay. A flow with branched jobs is branched
 * with only those jobs. Schedules are never branched: a branch is fed by `branch trigger`.
 * @example planBranch(pipe, 'clean', 'dedup', 'local').branched // ['clean', 'quarantine', 'silver', 'aggregate', 'gold', 'nightly']
 */
export function planBranch(pipeline: Pipeline, from: string, name: string, stage: string): BranchPlan {
  checkBranchName(name, pipeline.name);
  const start = pipeline.node(from);
  if (!start || start.kind === 'schedule') {
    const known = [...pipeline.nodes.values()].filter((n) => n.kind !== 'schedule').map((n) => n.name);
    throw new BranchError('SLUICE_E_BRANCH_NODE', start
      ? `${start} cannot be branched: a schedule only starts steps, and a branch is fed by sluice branch trigger; branch from the step it starts`
      : `pipeline '${pipeline.name}' has no node '${from}' to branch from; branch from one of: ${known.join(', ')}`, { node: from, given: from });
  }
  const branched = branchedNodes(pipeline, start);
  const order = topologicalOrder(pipeline).filter((n) => branched.has(n) && n.kind !== 'flow');
  const flows = pipeline.nodesOf('flow').filter((f) => Array.isArray(f.jobs) && f.jobs.some((j) => branched.has(j)));
  const upstream = new Map<AnyNode, Set<string>>();
  const read = (node: AnyNode, reader: AnyNode) => {
    if (branched.has(node) || node.kind === 'schedule') return;
    (upstream.get(node) ?? upstream.set(node, new Set()).get(node)!).add(reader.name);
  };
  const inputs: Array<{ from: string; to: string }> = [];
  for (const node of order) {
    for (const edge of pipeline.incoming(node)) {
      // A step outside the branch writing into it is a co-writer (its output is copied), not an input.
      if (branched.has(edge.from) || edge.from.kind === 'schedule' || WRITERS.has(edge.from.kind)) continue;
      read(edge.from, node);
      if (!inputs.some((i) => i.from === edge.from.name && i.to === node.name)) inputs.push({ from: edge.from.name, to: node.name });
    }
    if (node instanceof Fn) for (const store of [...node.bucketsRead, ...node.tablesRead]) read(store, node);
  }
  const plan: BranchPlan = {
    name,
    stage,
    pipeline: pipeline.name,
    from: start.name,
    branchStage: branchStageName(stage, name),
    branched: [...order.map((n) => n.name), ...flows.map((f) => f.name)],
    upstream: [...upstream].map(([node, readers]) => ({ node: node.name, kind: node.kind, readers: [...readers] })),
    inputs,
    flows: flows.map((f) => ({
      flow: f.name,
      levels: flowLevels(pipeline, f).levels.map((level) => level.filter((j) => branched.has(j)).map((j) => j.name)).filter((level) => level.length > 0),
    })),
    outputs: order.filter((n) => n.kind === 'bucket').map((n) => n.name),
    coWriters: coWriters(pipeline, branched),
  };
  const problems = branchNameProblems(pipeline, plan);
  if (problems.length > 0) throw new BranchError(problems[0]!.code, problems.map((p) => p.message).join('\n'), { node: name, given: name });
  return plan;
}

/**
 * The stage a branch runs as: `${stage}--${name}`. `--` is reserved for branches, so it can never be
 * main's or another branch's stage.
 * @example branchStageName('dev', 'dedup') // 'dev--dedup'
 */
export function branchStageName(stage: string, name: string): string {
  return `${stage}--${name}`;
}

/**
 * The branch as a pipeline of its own: the branched nodes and the edges among them, each flow with only
 * its branched jobs, plus the upstream nodes it reads and the input edges from them. Those upstream
 * nodes are main's (listed in `plan.upstream`): a backend never creates, writes or notifies them, it
 * reads them (the local backend replays their data into the branch's state; synth grants read only).
 * They are in the pipeline so it validates (a job must read a stage) and so readers keep their grants.
 * @example branchPipeline(pipe, planBranch(pipe, 'copy', 'try', 'local')).nodes.keys() // raw, copy, curated
 */
export function branchPipeline(pipeline: Pipeline, plan: BranchPlan): Pipeline {
  const branched = new Set(plan.branched);
  const inputs = new Set(plan.inputs.map((i) => `${i.from}\0${i.to}`));
  const paths: PathLike[] = [];
  const keep = (e: Edge) => (branched.has(e.from.name) && branched.has(e.to.name) && e.from.kind !== 'flow') || inputs.has(`${e.from.name}\0${e.to.name}`);
  for (const edge of pipeline.edges) if (keep(edge)) paths.push(new Path([edge], edge.to));
  for (const name of plan.branched) {
    const node = pipeline.node(name)!;
    if (node instanceof Flow) {
      const jobs = node.jobs.filter((j) => branched.has(j.name));
      paths.push(new Flow(node.name, jobs, node.props));
    } else paths.push(node);
  }
  for (const u of plan.upstream) paths.push(pipeline.node(u.node)!);
  return new Pipeline(pipeline.name, paths, pipeline.props);
}

/** `start` and everything downstream of it. */
function branchedNodes(pipeline: Pipeline, start: AnyNode): Set<AnyNode> {
  const branched = new Set<AnyNode>();
  const queue: AnyNode[] = start instanceof Flow ? [...start.jobs] : [start];
  while (queue.length > 0) {
    const node = queue.pop()!;
    if (branched.has(node) || node.kind === 'schedule' || node.kind === 'flow') continue;
    branched.add(node);
    for (const e of pipeline.outgoing(node)) queue.push(e.to);
    if (node instanceof Fn) queue.push(...node.tablesWritten);
  }
  return branched;
}

/** Branched buckets that steps outside the branch write, with those steps. */
function coWriters(pipeline: Pipeline, branched: ReadonlySet<AnyNode>): BranchPlan['coWriters'] {
  const writers = new Map<AnyNode, Set<string>>();
  const add = (store: AnyNode, writer: AnyNode) => {
    if (branched.has(store) && !branched.has(writer)) (writers.get(store) ?? writers.set(store, new Set()).get(store)!).add(writer.name);
  };
  for (const e of pipeline.edges) if (WRITERS.has(e.from.kind) && e.to.kind === 'bucket') add(e.to, e.from);
  return [...writers].map(([store, names]) => ({ node: store.name, writers: [...names] }));
}

/** Every node, upstream before downstream (declaration order among equals; loops keep declaration order). */
function topologicalOrder(pipeline: Pipeline): AnyNode[] {
  const nodes = [...pipeline.nodes.values()];
  const before = new Map<AnyNode, Set<AnyNode>>(nodes.map((n) => [n, new Set()]));
  for (const e of pipeline.edges) before.get(e.to)?.add(e.from);
  for (const f of pipeline.nodesOf('fn')) {
    for (const t of f.tablesWritten) before.get(t)?.add(f);
    for (const s of [...f.tablesRead, ...f.bucketsRead]) if (!f.tablesWritten.has(s as never)) before.get(f)?.add(s);
  }
  const order: AnyNode[] = [];
  const placed = new Set<AnyNode>();
  while (placed.size < nodes.length) {
    const next = nodes.find((n) => !placed.has(n) && [...before.get(n)!].every((d) => placed.has(d) || d === n))
      ?? nodes.find((n) => !placed.has(n))!;
    placed.add(next);
    order.push(next);
  }
  return order;
}
