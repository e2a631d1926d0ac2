/**
 * How the drawing looks, shared by the SVG `sluice plot` writes and the console's page: a colour per
 * kind (a kind the table does not know gets one derived from its name, so new kinds draw without a
 * change here) and a line style per edge role.
 */
import type { EdgeRole } from './graph.js';

const KIND_COLOURS: Record<string, string> = {
  bucket: '#2f7d32',
  queue: '#b26a00',
  topic: '#8e24aa',
  table: '#1565c0',
  fn: '#d84315',
  schedule: '#6d4c41',
  job: '#00838f',
  glueJob: '#00695c',
  flow: '#37474f',
};

/** The colour of a kind's nodes. */
export function kindColour(kind: string): string {
  const known = KIND_COLOURS[kind];
  if (known) return known;
  let hash = 0;
  for (const c of kind) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 55%, 38%)`;
}

/** Each edge role's stroke: colour and dash pattern. */
export const EDGE_STYLES: Record<EdgeRole, { colour: string; dash?: string; label: string }> = {
  trigger: { colour: '#333333', label: 'trigger (event invokes or delivers)' },
  write: { colour: '#1565c0', label: 'write (outputs sent or stored)' },
  subscription: { colour: '#8e24aa', dash: '6 3', label: 'subscription (with its filter)' },
  schedule: { colour: '#6d4c41', dash: '2 3', label: 'schedule' },
  stage: { colour: '#00838f', label: 'stage a job reads when its flow runs' },
  uses: { colour: '#9e9e9e', dash: '4 4', label: 'uses through ctx (tables, services)' },
  edge: { colour: '#555555', label: 'edge' },
  replay: { colour: '#c62828', dash: '6 4', label: "a branch reads main's data (replay, reads, copied)" },
};

/** Text for XML and HTML: every character that could end a text node or an attribute, escaped. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
