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
import type { AnyNode } from '../model/node.js';
import { payloadBucketName, type MessagePath } from '../envelope/offload.js';

/** A step's view of the pipeline around it. */
export interface StepBindings {
  pipeline: string;
  stage: string;
  node: string;
  environment: Record<string, string>;
  /** Buckets downstream, with the key prefix the edge adds. */
  buckets: Array<{ name: string; keyPrefix?: string }>;
  /** Queues downstream with their size limit, and the smallest limit on the path beyond (envelope offload). */
  queues: Array<{ name: string; maxMessageSize: number; path?: MessagePath }>;
  /** Topics downstream with their size limit, and the smallest limit on the path beyond (envelope offload). */
  topics: Array<{ name: string; maxMessageSize: number; path?: MessagePath }>;
  /** Notify nodes downstream: whom `ctx.notify()` emails. */
  notifications?: string[];
  /** Buckets the step may read (`ctx.body` of an object input). */
  readableBuckets: string[];
  tablesRead: string[];
  /** Tables it may put items into (`write` or `put` grants). */
  tablesWritten: string[];
  /** Tables it may also delete items from (`write` grants). */
  tablesDeleted: string[];
  /** Language services it calls (`fn.uses`), with the language of their texts. */
  sentiment?: Array<{ name: string; language: string }>;
  /** Physical resource name to node name (on AWS; locally names are the node names). */
  nodeNames?: Record<string, string>;
  /** The bucket large envelope bodies are offloaded to (`<pipeline>-<stage>-sluice-payloads`). */
  payloadBucket?: string;
  /**
   * The step's config for its stage, before secrets are read: `secret('/path')` values stay
   * references (`{ "sluice:secret": "/path" }`), so bindings never hold a secret.
   */
  config?: Record<string, unknown>;
  /** The step's version (its bundle's sha256), recorded in its ingestion steps. */
  version?: string;
  /**
   * Every node of the pipeline by name, with its kind (locally; a deployed function knows only its
   * neighbours), so an output naming a node it cannot reach says whether the node exists at all.
   */
  pipelineNodes?: Record<string, string>;
}

// Lambda's limit on an asynchronous invocation's event (an SNS notification to a function).
const ASYNC_INVOKE_MAX_BYTES = 262_144;

/**
 * The smallest size limit a message sent to `target` meets, and whether SNS wraps it on the way: a
 * topic's own limit, each subscribed queue's (wrapped unless raw delivery), and a subscribed
 * function's event limit (always wrapped in the SNS record).
 */
export function messagePathOf(pipe: Pipeline, target: Queue | Topic): MessagePath {
  if (target instanceof Queue) return { limit: target.resolved.maxMessageSize, wrapped: false };
  let limit = target.maxMessageSize;
  let wrapped = false;
  for (const e of pipe.outgoing(target as AnyNode)) {
    if (e.to instanceof Queue) {
      limit = Math.min(limit, e.to.resolved.maxMessageSize);
      if (!e.options.rawMessageDelivery) wrapped = true;
    } else if (e.to.kind === 'fn') {
      limit = Math.min(limit, ASYNC_INVOKE_MAX_BYTES);
      wrapped = true;
    }
  }
  return { limit, wrapped };
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
    queues: out.filter((e) => e.to instanceof Queue).map((e) => ({ name: e.to.name, maxMessageSize: (e.to as Queue).resolved.maxMessageSize, path: messagePathOf(pipe, e.to as Queue) })),
    topics: out.filter((e) => e.to instanceof Topic).map((e) => ({ name: e.to.name, maxMessageSize: (e.to as Topic).maxMessageSize, path: messagePathOf(pipe, e.to as Topic) })),
    notifications: out.filter((e) => e.to.kind === 'notify').map((e) => e.to.name),
    readableBuckets: names('read', 'bucket'),
    tablesRead: names('read', 'table'),
    tablesWritten: [...names('write', 'table'), ...names('put', 'table')],
    tablesDeleted: names('write', 'table'),
    sentiment: [...fn.servicesUsed].map((s) => ({ name: s.name, language: s.language })),
    payloadBucket: payloadBucketName(pipe.name, stage),
    config: fn.configFor(stage),
    pipelineNodes: Object.fromEntries([...pipe.nodes.values()].map((n) => [n.name, n.kind])),
  };
}
