/**
 * A pipeline graph as text other tools draw: Graphviz DOT and Mermaid (GitHub renders Mermaid in
 * Markdown). Same content as the SVG: nodes with their kind, edges with their role and label, flows
 * as clusters (DOT) or subgraphs (Mermaid).
 */
import type { GraphEdge, PipelineGraph } from './graph.js';
import { EDGE_STYLES, kindColour } from './style.js';

/** A DOT string literal. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * The graph in Graphviz DOT (`dot -Tsvg`).
 * @example renderDot(pipelineGraph(pipe)).startsWith('digraph')
 */
export function renderDot(graph: PipelineGraph): string {
  const lines = [`digraph ${dotString(graph.pipeline)} {`, '  rankdir=LR;', '  node [shape=box, style="rounded", fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const grouped = new Set<string>();
  const nodeLine = (id: string) => {
    const n = graph.nodes.find((m) => m.id === id)!;
    return `${dotString(n.id)} [label=${dotString(`${n.label ?? n.id}\n${n.noun}${n.detail ? ` · ${n.detail}` : ''}`)}, color=${dotString(kindColour(n.kind))}];`;
  };
  graph.groups.forEach((g, i) => {
    lines.push(`  subgraph ${dotString(`cluster_${i}`)} {`, `    label=${dotString(g.label ?? `flow ${g.id}`)};`, '    style=dashed;', ...(g.branch ? ['    color="#c62828";'] : []));
    for (const m of g.members) {
      grouped.add(m);
      lines.push(`    ${nodeLine(m)}`);
    }
    lines.push('  }');
  });
  for (const n of graph.nodes) if (!grouped.has(n.id)) lines.push(`  ${nodeLine(n.id)}`);
  for (const e of graph.edges) {
    const style = EDGE_STYLES[e.role];
    const attrs = [`color=${dotString(style.colour)}`, ...(style.dash ? ['style=dashed'] : []), ...(e.label ? [`label=${dotString(e.label)}`] : []), `tooltip=${dotString(e.meaning)}`];
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid label text: quotes and markup characters as Mermaid's entity codes. */
function mermaidText(text: string): string {
  return text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

/**
 * The graph as a Mermaid flowchart (a ```mermaid block in Markdown).
 * @example renderMermaid(pipelineGraph(pipe)).startsWith('flowchart LR')
 */
export function renderMermaid(graph: PipelineGraph): string {
  // Mermaid ids are plain words: nodes get n0, n1, ... and keep their names as labels.
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR'];
  const nodeLine = (id: string) => {
    const n = graph.nodes.find((m) => m.id === id)!;
    return `${ids.get(id)}["${mermaidText(n.label ?? n.id)}<br/><small>${mermaidText(n.noun + (n.detail ? ` · ${n.detail}` : ''))}</small>"]`;
  };
  const grouped = new Set<string>();
  graph.groups.forEach((g, i) => {
    lines.push(`  subgraph g${i}["${mermaidText(g.label ?? `flow ${g.id}`)}"]`);
    for (const m of g.members) {
      grouped.add(m);
      lines.push(`    ${nodeLine(m)}`);
    }
    lines.push('  end');
  });
  for (const n of graph.nodes) if (!grouped.has(n.id)) lines.push(`  ${nodeLine(n.id)}`);
  for (const e of graph.edges) lines.push(`  ${ids.get(e.from)} ${mermaidArrow(e)} ${ids.get(e.to)}`);
  return `${lines.join('\n')}\n`;
}

function mermaidArrow(e: GraphEdge): string {
  const dashed = EDGE_STYLES[e.role].dash !== undefined;
  if (!e.label) return dashed ? '-.->' : '-->';
  return dashed ? `-. "${mermaidText(e.label)}" .->` : `-- "${mermaidText(e.label)}" -->`;
}
