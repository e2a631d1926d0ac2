/**
 * A laid-out pipeline graph as one self-contained SVG document: what `sluice plot` writes (and turns
 * into PNG with resvg). Every name is escaped; fonts are generic families so any renderer draws it.
 */
import type { LaidOutGraph } from './layout.js';
import { EDGE_STYLES, escapeXml, kindColour } from './style.js';
import type { EdgeRole } from './graph.js';

const MARGIN = 16;
const LEGEND_LINE = 16;

/**
 * Render a laid-out graph as SVG text.
 * @example writeFileSync('pipeline.svg', renderSvg(await layoutGraph(pipelineGraph(pipe))))
 */
export function renderSvg(laid: LaidOutGraph): string {
  const { graph } = laid;
  const roles = [...new Set(graph.edges.map((e) => e.role))] as EdgeRole[];
  const legendHeight = roles.length ? roles.length * LEGEND_LINE + 28 : 0;
  const width = Math.max(laid.width, 320) + MARGIN * 2;
  const height = laid.height + MARGIN * 2 + legendHeight;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">`);
  out.push(`<title>${escapeXml(`pipeline ${graph.pipeline}`)}</title>`);
  out.push('<defs>');
  for (const role of roles) out.push(`<marker id="arrow-${role}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${EDGE_STYLES[role].colour}"/></marker>`);
  out.push('</defs>');
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<g transform="translate(${MARGIN},${MARGIN})">`);
  for (const g of graph.groups) {
    const box = laid.groups[g.id];
    if (!box) continue;
    const [data, fill, stroke] = g.branch ? [`data-branch="${escapeXml(g.branch)}"`, '#fff8e1', '#c62828'] : [`data-flow="${escapeXml(g.id)}"`, '#eceff1', '#90a4ae'];
    out.push(`<g class="group" ${data}><rect x="${r(box.x)}" y="${r(box.y)}" width="${r(box.width)}" height="${r(box.height)}" rx="8" fill="${fill}" stroke="${stroke}" stroke-dasharray="5 3"/><text x="${r(box.x + 10)}" y="${r(box.y + 17)}" font-size="12" fill="#37474f">${escapeXml(g.label ?? `flow ${g.id}`)}</text></g>`);
  }
  for (const e of graph.edges) {
    const points = laid.edges[e.id];
    if (!points?.length) continue;
    const style = EDGE_STYLES[e.role];
    out.push(`<g class="edge" data-edge="${escapeXml(e.id)}"><title>${escapeXml(`${e.from} -> ${e.to}: ${e.meaning}`)}</title><polyline points="${points.map((p) => `${r(p.x)},${r(p.y)}`).join(' ')}" fill="none" stroke="${style.colour}" stroke-width="1.5"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#arrow-${e.role})"/>`);
    const label = laid.labels[e.id];
    if (e.label && label) out.push(`<rect x="${r(label.x)}" y="${r(label.y)}" width="${r(label.width)}" height="${r(label.height)}" fill="#ffffff" opacity="0.85"/><text x="${r(label.x + 3)}" y="${r(label.y + 11)}" font-size="10" fill="${style.colour}">${escapeXml(e.label)}</text>`);
    out.push('</g>');
  }
  for (const n of graph.nodes) {
    const box = laid.nodes[n.id];
    if (!box) continue;
    const colour = kindColour(n.kind);
    const sub = n.detail ? `${n.noun} · ${n.detail}` : n.noun;
    out.push(`<g class="node" data-node="${escapeXml(n.id)}" data-kind="${escapeXml(n.kind)}"${n.branch ? ` data-branch="${escapeXml(n.branch)}"` : ''}><rect x="${r(box.x)}" y="${r(box.y)}" width="${r(box.width)}" height="${r(box.height)}" rx="6" fill="#ffffff" stroke="${colour}" stroke-width="2"/><rect x="${r(box.x)}" y="${r(box.y)}" width="6" height="${r(box.height)}" rx="3" fill="${colour}"/><text x="${r(box.x + 14)}" y="${r(box.y + 19)}" font-size="13" font-weight="bold" fill="#212121">${escapeXml(n.label ?? n.id)}</text><text x="${r(box.x + 14)}" y="${r(box.y + 36)}" font-size="10" fill="${colour}">${escapeXml(sub)}</text></g>`);
  }
  out.push('</g>');
  if (roles.length) {
    const top = laid.height + MARGIN * 2 + 8;
    out.push(`<g class="legend" transform="translate(${MARGIN},${top})"><text x="0" y="10" font-size="11" font-weight="bold" fill="#424242">edges</text>`);
    roles.forEach((role, i) => {
      const style = EDGE_STYLES[role];
      const y = 24 + i * LEGEND_LINE;
      out.push(`<line x1="0" y1="${y - 4}" x2="32" y2="${y - 4}" stroke="${style.colour}" stroke-width="1.5"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#arrow-${role})"/><text x="40" y="${y}" font-size="10" fill="#424242">${escapeXml(style.label)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}
