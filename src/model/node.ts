/**
 * Nodes, edges and paths: the graph a pipeline is made of. `a.to(b)` returns a path whose `.to(c)`
 * continues from `b`; nodes are plain values, so shared steps are functions that return them.
 */
import type { Problem } from './errors.js';

/** Every kind of node sluice knows. Adding one is a compile error in every backend until implemented. */
export type Kind = 'bucket' | 'fn' | 'queue' | 'topic' | 'table' | 'schedule';

/** Options on an edge; which ones apply depends on its two ends (see `edges.ts`). */
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
   * @example raw.to(copy, { suffix: '.csv' }).to(curated)
   */
  to<T extends AnyNode>(target: T, options: EdgeOptions = {}): Path<T> {
    return new Path<T>([{ from: this as AnyNode, to: target, options }], target);
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

  /** Continue the path from its last node. */
  to<T extends AnyNode>(target: T, options: EdgeOptions = {}): Path<T> {
    return new Path<T>([...this.edges, { from: this.last, to: target, options }], target);
  }
}

/** What `pipeline()` accepts: paths, or single nodes with no edges. */
export type PathLike = Path | AnyNode;
