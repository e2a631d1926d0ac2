/**
 * The pipeline as a drawable graph, shared by `sluice plot` and the console: every node with its
 * kind's noun, every edge with its meaning (trigger, write, subscription with its filter, schedule,
 * a stage a job reads, a grant used through `ctx`), and each flow with its jobs as a group. Read from
 * the kinds' registry (nouns, edge definitions, grants), so a new kind is drawn without a change here.
 */
import type { AnyNode } from '../model/node.js';
import type { Pipeline } from '../model/pipeline.js';
import { kindOf } from '../model/kinds.js';
import { edgeDefinition } from '../model/edges.js';
import { grantsOf } from '../model/permissions.js';
import type { Fn } from '../model/fn.js';
import type { Job } from '../model/job.js';
import type { GlueJob } from '../model/glue-job.js';
import type { Flow } from '../model/flow.js';

/** What an edge does, for its line style and legend. */
export type EdgeRole = 'trigger' | 'write' | 'subscription' | 'schedule' | 'stage' | 'uses' | 'edge' | 'replay';

/** A node to draw. */
export interface GraphNode {
  /** The node's name, unique in the pipeline. */
  id: string;
  kind: string;
  /** The kind's noun for people (`S3 bucket`). */
  noun: string;
  /** A short fact under the name: a schedule's expression, a flow's job count. */
  detail?: string;
  /** The group whose box holds it (a flow's jobs; a branch's copies). */
  group?: string;
  /** What is written as its name when it is not its id (a branch's copy shows the node's name). */
  label?: string;
  /** The branch it is a copy in (`sluice plot --branch`). */
  branch?: string;
}

/** An edge to draw. */
export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  role: EdgeRole;
  /** The kind's definition of the edge, for people (`S3 ObjectCreated event, async invoke with retries`). */
  meaning: string;
  /** What is written on the edge: its filter (prefix, suffix, filter policy), key prefix or use. */
  label?: string;
}

/** A flow and its jobs (or a branch and its copies), drawn as a box around them. */
export interface GraphGroup {
  id: string;
  members: string[];
  /** The box's title when it is not `flow <id>` (a branch's: `branch <name> (from <node>)`). */
  label?: string;
  /** The branch whose copies it holds. */
  branch?: string;
}

/** The graph of one pipeline. */
export interface PipelineGraph {
  pipeline: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
}

/** Kinds that run a step and hold grants (their grants may add `uses` edges). */
function isCompute(node: AnyNode): node is Fn | Job | GlueJob | Flow {
  return node.kind === 'fn' || node.kind === 'job' || node.kind === 'glueJob' || node.kind === 'flow';
}

/**
 * The drawable graph of a pipeline.
 * @example const graph = pipelineGraph(pipe); graph.nodes.map((n) => n.id)
 */
export function pipelineGraph(pipeline: Pipeline): PipelineGraph {
  const groups: GraphGroup[] = [];
  const groupOf = new Map<string, string>();
  for (const f of pipeline.nodesOf('flow')) {
    const members = (f.jobs ?? []).filter((j) => pipeline.node(j.name) === j).map((j) => j.name);
    groups.push({ id: f.name, members: [f.name, ...members] });
    for (const m of members) groupOf.set(m, f.name);
    groupOf.set(f.name, f.name);
  }
  // A stage only jobs of one flow touch (bronze between extract and clean) is drawn inside the flow's
  // box, so the box holds the flow's whole data path instead of edges leaving and re-entering it.
  for (const n of pipeline.nodes.values()) {
    if (groupOf.has(n.name)) continue;
    const neighbours = [...pipeline.incoming(n).map((e) => e.from), ...pipeline.outgoing(n).map((e) => e.to)];
    const flows = new Set(neighbours.map((m) => (m.kind === 'job' || m.kind === 'glueJob' ? groupOf.get(m.name) : undefined)));
    const [only] = [...flows];
    if (neighbours.length > 0 && flows.size === 1 && only !== undefined) {
      groupOf.set(n.name, only);
      groups.find((g) => g.id === only)!.members.push(n.name);
    }
  }
  const nodes: GraphNode[] = [...pipeline.nodes.values()].map((n) => {
    const detail = detailOf(n);
    const group = groupOf.get(n.name);
    return { id: n.name, kind: n.kind, noun: kindOf(n).noun.one, ...(detail ? { detail } : {}), ...(group ? { group } : {}) };
  });
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const e of pipeline.edges) {
    const id = `${e.from.name}->${e.to.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const def = edgeDefinition(e);
    const label = edgeLabel(e.options as Record<string, unknown>);
    edges.push({ id, from: e.from.name, to: e.to.name, role: roleOf(e.from, def), meaning: def?.meaning ?? 'edge', ...(label ? { label } : {}) });
  }
  // Grants a step uses through ctx without an edge (fn.reads(table), fn.writes(table), services).
  for (const n of pipeline.nodes.values()) {
    if (!isCompute(n)) continue;
    for (const g of grantsOf(pipeline, n)) {
      if (g.reason.startsWith('edge ') || g.reason.startsWith('S3 events')) continue;
      const writes = g.use !== 'read' && g.use !== 'readStage' && g.use !== 'consume';
      const [from, to] = writes ? [n.name, g.node.name] : [g.node.name, n.name];
      const id = `${from}->${to}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, from, to, role: 'uses', meaning: g.reason, label: g.use });
    }
  }
  return { pipeline: pipeline.name, nodes, edges, groups };
}

/** An edge's role from its definition and its source's kind. */
function roleOf(from: AnyNode, def: ReturnType<typeof edgeDefinition>): EdgeRole {
  if (from.kind === 'schedule') return 'schedule';
  if (from.kind === 'topic') return 'subscription';
  if (def?.stage) return 'stage';
  if (def?.grant?.on === 'to') return 'write';
  if (def?.invokes || def?.delivery || def?.grant?.on === 'from') return 'trigger';
  return 'edge';
}

/** What is written on an edge: its options, shortly. */
function edgeLabel(options: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  if (typeof options.prefix === 'string') parts.push(`prefix ${options.prefix}`);
  if (typeof options.suffix === 'string') parts.push(`suffix ${options.suffix}`);
  if (typeof options.keyPrefix === 'string') parts.push(`keys ${options.keyPrefix}`);
  if (options.filterPolicy !== undefined) parts.push(`filter ${JSON.stringify(options.filterPolicy)}`);
  if (options.rawMessageDelivery === true) parts.push('raw');
  if (typeof options.batchSize === 'number') parts.push(`batch ${options.batchSize}`);
  const text = parts.join(', ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text || undefined;
}

/** A short fact shown under a node's name. */
function detailOf(n: AnyNode): string | undefined {
  const props = n.props as Record<string, unknown> | undefined;
  if (n.kind === 'schedule' && typeof props?.expression === 'string') return props.expression;
  if (n.kind === 'flow') return `${(n as Flow).jobs?.length ?? 0} job(s)`;
  if (typeof props?.format === 'string') return props.format;
  return undefined;
}
