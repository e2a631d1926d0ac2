/**
 * Branches drawn beside main (`sluice plot --branch NAME`): each branch's copies of its branched nodes
 * in a box labelled `branch <name> (from <node>)`, the edges among the copies as main has them, and a
 * dashed `replay` edge from each main node the branch reads (its upstream, replayed by `sluice branch
 * trigger`, or a branched store main's steps also write, copied before a replay) into the copy that
 * reads it. A copy's id is `branch:<name>/<node>`: node and branch names hold neither `:` nor `/`, so it
 * never collides with main's ids or another branch's. Takes the plan's shape, not the branch module's
 * type, so the console depends on no other part.
 */
import type { GraphEdge, GraphNode, PipelineGraph } from './graph.js';

/** What of a branch plan (src/branch/plan.ts `BranchPlan`) the drawing needs. */
export interface BranchOverlay {
  name: string;
  from: string;
  /** The nodes copied for the branch. */
  branched: string[];
  /** Main's nodes the branch reads, with the branched nodes that read them. */
  upstream: Array<{ node: string; readers: string[] }>;
  /** Main's edges into the branch that `branch trigger` replays. */
  inputs: Array<{ from: string; to: string }>;
  /** Branched stores main's steps also write: main's objects are copied into the branch's copy. */
  coWriters?: Array<{ node: string; writers: string[] }>;
  /** Each branched flow with only its branched jobs, in levels. */
  flows?: Array<{ flow: string; levels: string[][] }>;
}

/**
 * The id of a branch's copy of a node.
 * @example branchNodeId('try', 'copy') // 'branch:try/copy'
 */
export function branchNodeId(branch: string, node: string): string {
  return `branch:${branch}/${node}`;
}

/**
 * The group id of a branch's box.
 * @example branchGroupId('try') // 'branch:try'
 */
export function branchGroupId(branch: string): string {
  return `branch:${branch}`;
}

/**
 * Main's graph with each branch drawn beside it.
 * @example withBranches(pipelineGraph(pipe), [planBranch(pipe, 'copy', 'try', 'local')])
 */
export function withBranches(graph: PipelineGraph, branches: readonly BranchOverlay[]): PipelineGraph {
  const nodes = [...graph.nodes];
  const edges = [...graph.edges];
  const groups = [...graph.groups];
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const b of branches) {
    const branched = new Set(b.branched.filter((n) => byId.has(n)));
    const copy = (id: string) => branchNodeId(b.name, id);
    const group = branchGroupId(b.name);
    const members: string[] = [];
    for (const id of b.branched) {
      const main = byId.get(id);
      if (!main) continue;
      // A branched flow orchestrates only its branched jobs: say how many, not main's count.
      const flow = b.flows?.find((f) => f.flow === id);
      const detail = flow ? `${flow.levels.flat().length} job(s) branched` : main.detail;
      const node: GraphNode = { id: copy(id), kind: main.kind, noun: main.noun, ...(detail ? { detail } : {}), label: main.label ?? main.id, group, branch: b.name };
      nodes.push(node);
      members.push(node.id);
    }
    groups.push({ id: group, members, label: `branch ${b.name} (from ${b.from})`, branch: b.name });
    for (const e of graph.edges) {
      if (!branched.has(e.from) || !branched.has(e.to)) continue;
      edges.push({ ...e, id: `${copy(e.from)}->${copy(e.to)}`, from: copy(e.from), to: copy(e.to) });
    }
    const seen = new Set<string>();
    const read = (from: string, to: string, label: string, meaning: string) => {
      const id = `${from}->${copy(to)}`;
      if (seen.has(id) || !byId.has(from) || !branched.has(to)) return;
      seen.add(id);
      edges.push({ id, from, to: copy(to), role: 'replay', meaning, label } satisfies GraphEdge);
    };
    for (const i of b.inputs) read(i.from, i.to, 'replay', `branch ${b.name} reads main's ${i.from}: sluice branch trigger replays it into ${i.to}`);
    for (const u of b.upstream) for (const r of u.readers) read(u.node, r, 'reads', `branch ${b.name}'s ${r} reads main's ${u.node}, never writes it`);
    for (const c of b.coWriters ?? []) read(c.node, c.node, 'copied', `main's ${c.node} (written by ${c.writers.join(', ')}) is copied into branch ${b.name}'s before a replay`);
  }
  return { ...graph, nodes, edges, groups };
}
