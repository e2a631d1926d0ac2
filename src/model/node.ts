/**
 * Nodes, edges and paths: the graph a pipeline is made of. `a.to(b)` returns a path whose `.to(c)`
 * continues from `b`; nodes are plain values, so shared steps are functions that return them.
 */
import type { Problem } from './errors.js';
import type { EdgeOptionsOf, EdgeTarget } from './edge-types.js';

/** Every kind of node sluice knows. Adding one is a compile error in every backend until implemented. */
export type Kind = 'bucket' | 'fn' | 'queue' | 'topic' | 'table' | 'schedule' | 'job' | 'glueJob' | 'flow' | 'comprehend' | 'notify';

/** Options on an edge; which ones apply depends on its two ends (the `options` of its kind's `outgoing` entry). */
export interface EdgeOptions {
  /** bucket -> fn|queue|topic: only keys starting with this (compared with the URL-encoded key, as S3 does). */
  prefix?: string;
  /** bucket -> fn|queue|topic: only keys ending with this. */
  suffix?: string;
  /** fn -> bucket: objects the step writes get this key prefix (also how sluice proves a write cannot re-trigger the step). */
  keyPrefix?: string;
  /** topic -> queue|fn: SNS subscription filter policy. */
  filterPolicy?: Record<string, unknown>;
  /** topic -> queue|fn: what the filter policy looks at. @default 'MessageAttributes' */
  filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
  /** topic -> queue: deliver the published message as is, attributes as SQS attributes. @default false */
  rawMessageDelivery?: boolean;
  /** queue -> fn: messages per invocation, 1..10000 (over 10 needs a batching window). @default 10 */
  batchSize?: number;
  /** queue -> fn: how long to gather a batch, 0..300 seconds. @default 0 */
  maxBatchingWindow?: number | string;
}

/** A directed edge between two nodes. */
export interface Edge {
  readonly from: AnyNode;
  readonly to: AnyNode;
  readonly options: EdgeOptions;
}

/** Any node of any kind. */
export type AnyNode = Node<Kind, object>;

/** Base of every node kind. */
export abstract class Node<K extends Kind, P extends object> {
  /** The node's kind. */
  abstract readonly kind: K;
  /** The problems of the node's own props, against AWS's limits; every one, not just the first. */
  abstract problems(): Problem[];
  constructor(
    /** The node's name, unique in its pipeline. */
    readonly name: string,
    /** The props it was declared with, defaults not applied. */
    readonly props: P,
  ) {}

  /**
   * Connect this node to the next one; returns a path that continues from `target`.
   *
   * The types enforce the kinds' edge tables (each kind's `outgoing` in `src/model/<kind>.ts`):
   * `target` must be of a kind this node's kind connects to, and `options` may hold only the options
   * that edge takes. An edge that does not exist fails to compile, its target asked to be an
   * `EdgeNotAllowed<from, to, what to do instead>`; an option the edge does not take is an unknown
   * property (typed `EdgeTakesNoOptions<from, to>` on an edge that takes none). An edge with an end
   * typed only as `AnyNode` (a graph built from data) is not checked by the types: validation checks
   * every edge anyway, as it must for JavaScript callers.
   * @example raw.to(copy, { suffix: '.csv' }).to(curated)
   * @example (node as AnyNode).to(other) // an edge only validation checks
   */
  to<From extends Kind, T extends AnyNode>(this: { readonly kind: From }, target: EdgeTarget<From, T>, options?: EdgeOptionsOf<From, T['kind']>): Path<T> {
    // Typed by `this`'s kind, not the class's K: a signature using K would make Node invariant in it, so a
    // Bucket would no longer be an AnyNode (nor a Path<Fn> a Path).
    return new Path<T>([{ from: this as unknown as AnyNode, to: target as T, options: (options ?? {}) as EdgeOptions }], target as T);
  }

  toString(): string {
    return `${this.kind} '${this.name}'`;
  }
}

/** A chain of edges; `.to()` continues from its last node. */
export class Path<Last extends AnyNode = AnyNode> {
  constructor(
    readonly edges: readonly Edge[],
    readonly last: Last,
  ) {}

  /** Continue the path from its last node, typed as `Node.to()` is from that node. */
  to<From extends Kind, T extends AnyNode>(this: { readonly last: { readonly kind: From } }, target: EdgeTarget<From, T>, options?: EdgeOptionsOf<From, T['kind']>): Path<T> {
    const path = this as unknown as Path<Last>;
    return new Path<T>([...path.edges, { from: path.last, to: target as T, options: (options ?? {}) as EdgeOptions }], target as T);
  }
}

/** What `pipeline()` accepts: paths, or single nodes with no edges. */
export type PathLike = Path | AnyNode;
