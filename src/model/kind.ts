/**
 * The shape of a node kind's definition: which edges it accepts, the actions each use of it needs,
 * its name rule and its prop validation. One definition per kind lives in that kind's file.
 */
import type { EdgeOptions, Kind, AnyNode } from './node.js';
import type { Problem } from './errors.js';

/** How a function uses a resource; each use maps to IAM actions in the kind's permission table. */
export type Use = 'read' | 'write' | 'send' | 'publish' | 'consume' | 'invoke';

/** An allowed edge from this kind to another. */
export interface EdgeDefinition {
  /** What the edge does, for docs and `sluice nodes`. */
  meaning: string;
  /** The grant the edge gives the function at one of its ends: `use` on the node at `on`. */
  grant?: { on: 'from' | 'to'; use: Use };
  /** Which edge options apply. */
  options: ReadonlyArray<keyof EdgeOptions>;
}

/** Everything a kind is, independent of any backend. */
export interface KindDefinition<N extends AnyNode = AnyNode> {
  kind: Kind;
  /** Allowed outgoing edges by target kind. */
  outgoing: Partial<Record<Kind, EdgeDefinition>>;
  /** For edges that are not allowed: what to do instead, by target kind. */
  instead?: Partial<Record<Kind, string>>;
  /** IAM actions per use of this kind (data, never typed at a wiring site). */
  permissions: Partial<Record<Use, readonly string[]>>;
  /** Node names: pattern, its description and max length before stage and pipeline prefixes. */
  name: { pattern: RegExp; description: string; maxLength: number };
  /** Prop validation: every problem, not just the first. */
  validate(node: N): Problem[];
}

/** Check a number prop against a range, the way every kind reports it. */
export function checkRange(
  problems: Problem[],
  node: AnyNode,
  field: string,
  code: string,
  value: number | undefined,
  min: number,
  max: number,
  unit = '',
): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < min || value > max) {
    problems.push({
      code,
      node: node.name,
      field,
      message: `${node}: ${field} must be between ${min} and ${max}${unit} (given ${value})`,
    });
  }
}
