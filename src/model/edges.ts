/**
 * Facts about edges, read from the kinds' edge tables: what an edge is, and how a function is invoked
 * through the edges that end at it.
 */
import type { AnyNode, Edge } from './node.js';
import type { EdgeDefinition } from './kind.js';
import { kindOf } from './kinds.js';
import type { Pipeline } from './pipeline.js';

/** The definition of an edge, if the edge is allowed. */
export function edgeDefinition(edge: Edge): EdgeDefinition | undefined {
  return kindOf(edge.from).outgoing[edge.to.kind];
}

/**
 * Whether events cross the edge (a notification, a subscription, a trigger): every allowed edge but
 * one a job reads a stage over (`stage` in its definition).
 */
export function carriesEvents(edge: Edge): boolean {
  const def = edgeDefinition(edge);
  return def !== undefined && def.stage !== true;
}

/**
 * Whether something invokes `node` asynchronously (a bucket, topic or schedule: LA-10), so it has
 * retries and an on-failure destination.
 * @example invokedAsync(pipe, copy) // true for raw.to(copy)
 */
export function invokedAsync(pipe: Pipeline, node: AnyNode): boolean {
  return pipe.incoming(node).some((e) => edgeDefinition(e)?.invokes === 'async');
}
