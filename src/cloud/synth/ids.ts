/**
 * Logical ids of every resource synth makes, from the kinds' resource parts (src/model), so one
 * kind's module can point at another kind's resources (a bucket depends on its target queue's policy)
 * without spelling ids twice. A node's part is its name in PascalCase plus the part's name
 * (`orders` + `Dlq` = `OrdersDlq`); edges use `<From>To<To><Suffix>`.
 */
import type { PartOf } from '../../model/kinds.js';
import type { AnyNode, Edge, Kind } from '../../model/node.js';
import { logicalStem } from './names.js';

const stem = (node: AnyNode | string) => logicalStem(typeof node === 'string' ? node : node.name);
const edge = (e: Edge, suffix: string) => `${stem(e.from)}To${stem(e.to)}${suffix}`;

/**
 * The logical id of one part of a node: the part must be one its kind has.
 * @example idOf(orders, 'Dlq') // 'OrdersDlq'
 */
export function idOf<K extends Kind>(node: AnyNode & { readonly kind: K }, part: PartOf<K>): string {
  return partIdOf(node, part);
}

/** `idOf` for code that handles any kind, with the part read from the kind's own data. */
export function partIdOf(node: AnyNode, part: string): string {
  return `${stem(node)}${part}`;
}

/** Logical ids of the resources that belong to edges. */
export const edgeIds = {
  /** The permission a bucket, topic or schedule needs to invoke a function. */
  permission: (e: Edge) => edge(e, 'Permission'),
  /** A topic's subscription of a queue or function. */
  subscription: (e: Edge) => edge(e, 'Subscription'),
  /** The role EventBridge assumes to start a flow's execution. */
  role: (e: Edge) => edge(e, 'Role'),
  /** A queue's event source mapping to a function. */
  mapping: (e: Edge) => edge(e, 'Mapping'),
  /** The EventBridge rule that routes an existing bucket's events to a function. */
  rule: (e: Edge) => edge(e, 'Rule'),
};

/** The path of a resource for people and tests: `copy/Role`, `raw->copy/Permission`. */
export const paths = {
  node: <K extends Kind>(n: AnyNode & { readonly kind: K }, part: PartOf<K>) => `${n.name}/${part}`,
  edge: (e: Edge, part: string) => `${e.from.name}->${e.to.name}/${part}`,
};
