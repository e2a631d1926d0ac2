/**
 * Where each node, edge and flow box of a pipeline graph goes: ELK's layered layout (elkjs, the
 * Eclipse Layout Kernel compiled to JavaScript: no native code, no browser), left to right in the
 * direction data flows, flows drawn as boxes around their jobs. Shared by `sluice plot` (SVG, PNG)
 * and the console, which draws the same positions in the page.
 */
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { PipelineGraph } from './graph.js';

/** A positioned box, in pixels from the drawing's top left. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A graph with its positions. */
export interface LaidOutGraph {
  graph: PipelineGraph;
  width: number;
  height: number;
  nodes: Record<string, Box>;
  /** Each edge's polyline, start to end. */
  edges: Record<string, Array<{ x: number; y: number }>>;
  /** Each edge label's box, where ELK put it. */
  labels: Record<string, Box>;
  groups: Record<string, Box>;
}

/** Node boxes: wide enough for the name and the noun at the drawing's font sizes. */
export const NODE_HEIGHT = 46;
const CHAR_WIDTH = 8.4;
const SMALL_CHAR_WIDTH = 6;

/** A node's width for its longest line. */
export function nodeWidth(name: string, noun: string, detail?: string): number {
  return Math.ceil(Math.max(90, name.length * CHAR_WIDTH + 24, (noun.length + (detail ? detail.length + 3 : 0)) * SMALL_CHAR_WIDTH + 24));
}

/** An edge label's size. */
function labelSize(text: string): { width: number; height: number } {
  return { width: Math.ceil(text.length * SMALL_CHAR_WIDTH + 6), height: 14 };
}

const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.spacing.nodeNode': '24',
  'elk.spacing.edgeLabel': '4',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  // Nodes in the order they were declared where the layering allows: the drawing follows the code.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Every coordinate relative to the drawing, not to the box a node or edge sits in.
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

// elkjs is CommonJS whose types declare an ES default export: take the constructor from either shape.
const ElkConstructor = ((elkModule as unknown as { default?: unknown }).default ?? elkModule) as new () => ELK;

let elk: ELK | undefined;

/** The ELK input for a graph: nodes sized for their text, flows as compound nodes holding their jobs. */
export function elkInput(graph: PipelineGraph): ElkNode {
  const children = new Map<string, ElkNode>();
  const top: ElkNode[] = [];
  for (const g of graph.groups) {
    const box: ElkNode = { id: `group:${g.id}`, children: [], layoutOptions: { 'elk.padding': '[top=26,left=12,bottom=12,right=12]' } };
    children.set(box.id, box);
    top.push(box);
  }
  for (const n of graph.nodes) {
    const shape: ElkNode = { id: n.id, width: nodeWidth(n.label ?? n.id, n.noun, n.detail), height: NODE_HEIGHT };
    const parent = n.group ? children.get(`group:${n.group}`) : undefined;
    (parent?.children ?? top).push(shape);
  }
  const edges: ElkExtendedEdge[] = graph.edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to], ...(e.label ? { labels: [{ text: e.label, ...labelSize(e.label) }] } : {}) }));
  return { id: 'root', layoutOptions: OPTIONS, children: top, edges };
}

/**
 * Lay out a pipeline graph.
 * @example const laid = await layoutGraph(pipelineGraph(pipe)); laid.nodes['raw'] // { x, y, width, height }
 */
export async function layoutGraph(graph: PipelineGraph): Promise<LaidOutGraph> {
  elk ??= new ElkConstructor();
  const result = await elk.layout(elkInput(graph));
  const out: LaidOutGraph = { graph, width: Math.ceil(result.width ?? 0), height: Math.ceil(result.height ?? 0), nodes: {}, edges: {}, labels: {}, groups: {} };
  const visit = (node: ElkNode) => {
    for (const c of node.children ?? []) {
      const box = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 };
      if (c.id.startsWith('group:')) out.groups[c.id.slice('group:'.length)] = box;
      else out.nodes[c.id] = box;
      visit(c);
    }
    for (const e of (node.edges ?? []) as ElkExtendedEdge[]) {
      const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      out.edges[e.id] = points.map((p) => ({ x: p.x, y: p.y }));
      const label = e.labels?.[0];
      if (label) out.labels[e.id] = { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 };
    }
  };
  visit(result);
  return out;
}
