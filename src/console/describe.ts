/**
 * A node's declaration as the console shows it: kind, props (config values given as `secret()`
 * masked, and any config key that names a secret, password, token or key masked too), edges with
 * their meanings, grants, and what the page can do with it (its kind's data operations).
 */
import type { AnyNode } from '../model/node.js';
import type { Pipeline } from '../model/pipeline.js';
import { kindOf } from '../model/kinds.js';
import { edgeDefinition } from '../model/edges.js';
import { grantsOf } from '../model/permissions.js';
import { isSecretRef, secretPath } from '../model/secret.js';

const SECRET_KEY = /secret|password|passwd|token|api[-_]?key|credential|private/i;

/** A value with secrets masked, for display. */
export function masked(value: unknown, key = ''): unknown {
  if (isSecretRef(value)) return `••• secret ${secretPath(value)}`;
  if (SECRET_KEY.test(key) && (typeof value === 'string' || typeof value === 'number')) return '•••';
  if (Array.isArray(value)) return value.map((v) => masked(v));
  if (value instanceof RegExp) return String(value);
  if (value instanceof URL) return value.href;
  if (value && typeof value === 'object') {
    if ('kind' in value && 'name' in value && typeof (value as AnyNode).name === 'string' && 'props' in value) return `${(value as AnyNode).kind} '${(value as AnyNode).name}'`;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, k)]));
  }
  if (typeof value === 'function') return '[function]';
  return value;
}

/** What the console's node page shows of the declaration. */
export function describeNode(pipeline: Pipeline, node: AnyNode) {
  const def = kindOf(node);
  const compute = node.kind === 'fn' || node.kind === 'job' || node.kind === 'glueJob' || node.kind === 'flow';
  return {
    name: node.name,
    kind: node.kind,
    noun: def.noun.one,
    props: masked(node.props ?? {}),
    incoming: pipeline.incoming(node).map((e) => ({ node: e.from.name, kind: e.from.kind, meaning: edgeDefinition(e)?.meaning ?? 'edge', options: masked(e.options) })),
    outgoing: pipeline.outgoing(node).map((e) => ({ node: e.to.name, kind: e.to.kind, meaning: edgeDefinition(e)?.meaning ?? 'edge', options: masked(e.options) })),
    grants: compute ? grantsOf(pipeline, node as Parameters<typeof grantsOf>[1]).map((g) => ({ node: g.node.name, use: g.use, actions: [...g.actions], reason: g.reason })) : [],
    ops: [...def.data.ops],
    deadLetters: def.deadLetters !== null,
  };
}
