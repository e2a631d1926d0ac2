/**
 * What a node kind's cost module is: how the monthly volume that reaches a node passes along its
 * edges, and which price lines the node is billed on for that volume. One module per kind behind the
 * typed `KIND_COST` registry (registry.ts), as the engine and synth have theirs.
 */
import type { AnyNode, Edge } from '../model/node.js';
import type { Pipeline } from '../model/pipeline.js';
import type { PriceId, PriceTable } from './prices.js';
import type { StackFacts } from './stack-facts.js';
import type { StepExpectation } from './steps.js';

/** Items a month through a node or an edge, and their average size in bytes. */
export interface Volume {
  count: number;
  bytes: number;
}

/** One billed line of one node: `quantity` units of a price line a month, and what they cost. */
export interface CostLine {
  /** The price line (its unit, price and source are in the estimate's `prices`). */
  price: PriceId;
  /** What is counted, for people: `PUT requests: objects written by 'copy'`. */
  what: string;
  /** Units a month, in the price line's unit. */
  quantity: number;
  /** USD a month, at list price, before any free tier. */
  usd: number;
}

/** What a kind's cost module is given: the pipeline, the synthesized stack's facts, prices and expectations. */
export interface CostContext {
  readonly pipeline: Pipeline;
  readonly facts: StackFacts;
  readonly prices: PriceTable;
  /** A billed line of `quantity` units of price `price`. */
  line(price: PriceId, quantity: number, what: string): CostLine;
  /** What one input of a step (fn, job, Glue job) takes and gives: declared, measured by a run, or the default. */
  step(node: AnyNode): StepExpectation;
  /** The volume that reached a node (after `--volume` and propagation). */
  volumeOf(node: AnyNode): Volume;
  /** Record an assumption the estimate rests on (shown with the estimate, once each). */
  assume(text: string): void;
}

/**
 * A kind's cost: how volume flows through its nodes, and what they are billed.
 * @example const queueCost: KindCost<Queue> = { source: ..., passes: (q, v) => v, lines: (q, v, ctx) => [...] };
 */
export interface KindCost<N extends AnyNode> {
  /** What reaches the node from outside the pipeline a month (its `expected` declaration, a schedule's fires), if anything. */
  source(node: N, ctx: CostContext): Volume | undefined;
  /** What the node passes along one of its outgoing edges a month, given what reached it. */
  passes(node: N, inflow: Volume, edge: Edge, ctx: CostContext): Volume;
  /** The node's billed lines a month, given what reached it. */
  lines(node: N, inflow: Volume, ctx: CostContext): CostLine[];
  /** What "count" means for this kind, for people: `objects`, `messages`, `inputs`, `fires`, `executions`, `runs`. */
  unit: string;
  /** How the estimate labels a volume from `source`: declared on the node, a schedule's fires, or derived from another node (a flow's runs). */
  sourceLabel: 'declared' | 'schedule' | 'propagated';
}

/** SQS, SNS and EventBridge bill each 64 KB chunk of a payload as one request. */
export function chunks(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 65_536));
}

/** Bytes in a GB, as AWS bills storage and data (binary). */
export const GB = 1024 ** 3;
