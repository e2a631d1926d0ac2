/**
 * The shape of one node kind's synthesizer. Each kind has one module under `kinds/`, and the registry
 * (`registry.ts`) is a `Record<Kind, ...>`, so a kind without a synthesizer is a compile error.
 */
import type { Problem } from '../../model/errors.js';
import type { Fn } from '../../model/fn.js';
import type { Use } from '../../model/kind.js';
import type { AnyNode } from '../../model/node.js';
import type { SynthContext } from './context.js';
import type { NameRule } from './names.js';
import type { Str } from './template.js';

/** What synth does with one kind of node. */
export interface KindSynth<N extends AnyNode> {
  /** Every physical name the node's resources get, with the AWS limit each must fit. */
  names(node: N, ctx: SynthContext): NameRule[];
  /** Problems only synthesis can find (beyond names), e.g. settings AWS rejects or docs/security-rules.md forbids. */
  problems(node: N, ctx: SynthContext): Problem[];
  /** The IAM resources `fn`'s grant of `use` on this node applies to: exactly those, never `*`. */
  grantResources(node: N, use: Use, fn: Fn, ctx: SynthContext): Str[];
  /**
   * Why a grant on this node must be on `*` (its actions have no resource type), recorded in the role's
   * `sluice:unscoped` metadata; only kinds whose `grantResources` answers `*` have one.
   */
  unscopedReason?: (node: N) => string;
  /** Add the node's resources, and the wiring of the edges it owns, to the context. */
  synthesize(node: N, ctx: SynthContext): void;
}
