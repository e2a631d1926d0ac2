/**
 * `pipeline(name, paths)`: collects every node reachable from the paths (and the tables its functions
 * declare) into one graph that backends run, synthesize or deploy.
 */
import { Node, Path, type AnyNode, type Edge, type Kind, type PathLike } from './node.js';
import { Fn } from './fn.js';
import type { Bucket } from './bucket.js';
import type { Queue } from './queue.js';
import type { Topic } from './topic.js';
import type { Table } from './table.js';
import type { Schedule } from './schedule.js';
import type { Job } from './job.js';
import type { GlueJob } from './glue-job.js';
import { Flow } from './flow.js';
import type { Comprehend } from './comprehend.js';
import type { Notify } from './notify.js';

/** The node class of each kind. */
export interface NodeOfKind {
  bucket: Bucket;
  fn: Fn;
  queue: Queue;
  topic: Topic;
  table: Table;
  schedule: Schedule;
  job: Job;
  glueJob: GlueJob;
  flow: Flow;
  comprehend: Comprehend;
  notify: Notify;
}
import { PipelineValidationError, type Problem } from './errors.js';
import { validatePipeline } from './validate.js';

/** Props of a pipeline. */
export interface PipelineProps {
  /** What the pipeline does; shown by `sluice nodes` and in the template. */
  description?: string;
}

/** A pipeline: named nodes and the edges between them. */
export class Pipeline {
  /** Nodes by name, in the order they were first met. */
  readonly nodes: ReadonlyMap<string, AnyNode>;
  /** Every edge, in declaration order, duplicates kept for validation to report. */
  readonly edges: readonly Edge[];
  /** Problems found while collecting (duplicate names); `validate()` adds the rest. */
  private readonly collectProblems: Problem[];

  constructor(
    readonly name: string,
    paths: readonly PathLike[],
    readonly props: PipelineProps = {},
  ) {
    const nodes = new Map<string, AnyNode>();
    const edges: Edge[] = [];
    const problems: Problem[] = [];
    const addNode = (node: AnyNode) => {
      const seen = nodes.get(node.name);
      if (seen === node) return;
      if (seen) {
        problems.push({ code: 'SLUICE_E_DUPLICATE_NAME', node: node.name, message: `${node} and ${seen} share the name '${node.name}'; every node in pipeline '${name}' needs its own name` });
        return;
      }
      nodes.set(node.name, node);
      if (node instanceof Fn) for (const t of [...node.tablesRead, ...node.tablesWritten, ...node.bucketsRead, ...node.servicesUsed]) addNode(t);
      // A flow brings its jobs (validation reports an item that is not one).
      if (node instanceof Flow && Array.isArray(node.jobs)) for (const j of node.jobs) if (j instanceof Node) addNode(j);
    };
    for (const [index, item] of (paths ?? []).entries()) {
      if (item instanceof Path) {
        for (const edge of item.edges) {
          addNode(edge.from);
          addNode(edge.to);
          edges.push(edge);
        }
      } else if (item instanceof Node) {
        addNode(item);
      } else {
        problems.push({ code: 'SLUICE_E_PIPELINE_PATH', node: name, message: `pipeline '${name}': item ${index} of the paths is not a node or a path (given ${JSON.stringify(item)}); pass paths like raw.to(copy).to(curated)` });
      }
    }
    this.nodes = nodes;
    this.edges = edges;
    this.collectProblems = problems;
  }

  /** The node named `name`, or undefined. */
  node(name: string): AnyNode | undefined {
    return this.nodes.get(name);
  }

  /** Every node of one kind. */
  nodesOf<K extends Kind>(kind: K): Array<NodeOfKind[K]> {
    return [...this.nodes.values()].filter((n) => n.kind === kind) as unknown as Array<NodeOfKind[K]>;
  }

  /** Edges that end at `node`. */
  incoming(node: AnyNode): Edge[] {
    return this.edgeIndex().into.get(node) ?? [];
  }

  /** Edges that start at `node`. */
  outgoing(node: AnyNode): Edge[] {
    return this.edgeIndex().out.get(node) ?? [];
  }

  /** Edges by their ends, built on first use: synthesis asks for every node's edges. */
  private index: { into: Map<AnyNode, Edge[]>; out: Map<AnyNode, Edge[]> } | undefined;
  private edgeIndex(): { into: Map<AnyNode, Edge[]>; out: Map<AnyNode, Edge[]> } {
    if (this.index) return this.index;
    const into = new Map<AnyNode, Edge[]>();
    const out = new Map<AnyNode, Edge[]>();
    for (const e of this.edges) {
      (into.get(e.to) ?? into.set(e.to, []).get(e.to)!).push(e);
      (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
    }
    return (this.index = { into, out });
  }

  /** Every problem with the pipeline; empty when it can run and deploy. */
  validate(): Problem[] {
    return [...this.collectProblems, ...validatePipeline(this)];
  }

  /** Throw a `PipelineValidationError` listing every problem, if there is any. */
  assertValid(extra: Problem[] = []): void {
    const problems = [...this.validate(), ...extra];
    if (problems.length > 0) throw new PipelineValidationError(this.name, problems);
  }
}

/**
 * Declare a pipeline from paths of nodes.
 * @example export default pipeline('three-node-pipe', [raw.to(copy).to(curated)]);
 */
export function pipeline(name: string, paths: readonly PathLike[], props: PipelineProps = {}): Pipeline {
  return new Pipeline(name, paths, props);
}
