/**
 * What a step knows of its neighbours: the buckets, queues and topics downstream (where its outputs
 * go), what it may read, and the physical names of each on AWS. Derived from the pipeline's wiring;
 * on Lambda it arrives as JSON in the `SLUICE_BINDINGS` environment variable.
 */
import type { Pipeline } from '../model/pipeline.js';
import type { Fn } from '../model/fn.js';
import { grantsOf } from '../model/permissions.js';
import { Queue } from '../model/queue.js';
import { Topic } from '../model/topic.js';

/** A step's view of the pipeline around it. */
export interface StepBindings {
  pipeline: string;
  stage: string;
  node: string;
  environment: Record<string, string>;
  /** Buckets downstream, with the key prefix the edge adds. */
  buckets: Array<{ name: string; keyPrefix?: string }>;
  /** Queues downstream with their size limit. */
  queues: Array<{ name: string; maxMessageSize: number }>;
  /** Topics downstream with their size limit. */
  topics: Array<{ name: string; maxMessageSize: number }>;
  /** Buckets the step may read (`ctx.body` of an object input). */
  readableBuckets: string[];
  tablesRead: string[];
  tablesWritten: string[];
  /** Physical resource name to node name (on AWS; locally names are the node names). */
  nodeNames?: Record<string, string>;
}

/**
 * The bindings of one function in a pipeline.
 * @example const b = bindingsFor(pipe, copy, 'local'); b.buckets // [{ name: 'curated' }]
 */
export function bindingsFor(pipe: Pipeline, fn: Fn, stage: string): StepBindings {
  const grants = grantsOf(pipe, fn);
  const out = pipe.outgoing(fn);
  const names = (use: string, kind: string) => grants.filter((g) => g.use === use && g.node.kind === kind).map((g) => g.node.name);
  return {
    pipeline: pipe.name,
    stage,
    node: fn.name,
    environment: fn.resolved.environment,
    buckets: out.filter((e) => e.to.kind === 'bucket').map((e) => ({ name: e.to.name, ...(e.options.keyPrefix ? { keyPrefix: e.options.keyPrefix } : {}) })),
    queues: out.filter((e) => e.to instanceof Queue).map((e) => ({ name: e.to.name, maxMessageSize: (e.to as Queue).resolved.maxMessageSize })),
    topics: out.filter((e) => e.to instanceof Topic).map((e) => ({ name: e.to.name, maxMessageSize: (e.to as Topic).maxMessageSize })),
    readableBuckets: names('read', 'bucket'),
    tablesRead: names('read', 'table'),
    tablesWritten: names('write', 'table'),
  };
}
