/**
 * How a deployed handler finds its neighbours, its stores and its config: environment variables
 * synth sets on every function (`functionVariables`; the runtime reads them in
 * src/runtime/aws/bindings-env.ts).
 *
 * Set on every function:
 * - `SLUICE_PIPELINE`: the pipeline's name.
 * - `SLUICE_STAGE`: the stage (`dev`, `prod`, ...).
 * - `SLUICE_NODE`: the function's node name.
 * - `SLUICE_VERSION`: the sha256 (hex) of the function's zip; recorded as each ingestion step's
 *   `artifactVersion` (runtime: `StepBindings.version`).
 * - `SLUICE_BINDINGS`: JSON object mapping the node name of every resource the function holds a grant
 *   on to `{ kind, name, uses, url?, arn?, keyPrefix? }`:
 *   - `kind`: `bucket` | `queue` | `topic` | `table`;
 *   - `name`: the physical name (`${pipeline}-${stage}-${node}`);
 *   - `uses`: the grants, e.g. `["write"]` (what `grantsOf` says: read, write, send, publish, consume);
 *   - `url`: queues only, the queue URL; `arn`: topics only, the topic ARN;
 *   - `maxMessageSize`: queues and topics, the largest message in bytes;
 *   - `path`: topics only, `{ limit, wrapped }`: the smallest message limit on the way (the topic's and
 *     its subscribed queues') and whether SNS wraps the message (a subscription without raw
 *     delivery), so the runtime offloads what would not fit (src/envelope/offload.ts);
 *   - `keyPrefix`: buckets the function writes to with a `keyPrefix` edge option;
 *   - `partitionKey`, `sortKey`: tables only, the key attribute names (for `ctx.table(name).query`).
 *   A step's outputs go to every binding whose `uses` has `write`, `send` or `publish`, which is
 *   everything the runtime's `StepBindings` needs (buckets, queues, topics, readable buckets, tables).
 *
 * Set only where needed (`stores.ts` says which function needs what):
 * - `SLUICE_PAYLOAD_BUCKET`: the payload bucket `${pipeline}-${stage}-sluice-payloads`, on a
 *   `component`/`source`/`sink` that sends to a queue or topic (it may write `payloads/<node>/*`) or
 *   that a queue or topic feeds (it may read `payloads/*`). Runtime: `StepBindings.payloadBucket`.
 * - `SLUICE_LINEAGE_TABLE`: the lineage table `${pipeline}-${stage}-sluice-lineage`, on a handler
 *   with lineage on (`lineage !== false`; never a plain Lambda handler).
 * - `SLUICE_IDEMPOTENCY_TABLE`: the idempotency table `${pipeline}-${stage}-sluice-idempotency`, on a
 *   handler with an `idempotencyKey`; its record ids start with `<function name>#`.
 * - `SLUICE_STEP_CONFIG`: JSON of `fn.configFor(stage)`, omitted when empty. `secret('/path')` values
 *   stay references (`{"sluice:secret":"/path"}`), read from SSM when the step starts; a secret value
 *   is never in the template. Runtime: `StepBindings.config`; a process-level `SLUICE_CONFIG` (JSON)
 *   is laid over it, as locally (src/runtime/config.ts).
 *
 * The function's own `environment` comes first; `SLUICE_*` names are reserved. All of it counts
 * against Lambda's 4 KB (`estimateEnvironmentBytes`).
 *
 * @example
 * // SLUICE_BINDINGS for copy in raw -> copy -> curated:
 * // {"raw":{"kind":"bucket","name":"pipe-dev-raw","uses":["read"]},
 * //  "curated":{"kind":"bucket","name":"pipe-dev-curated","uses":["write"]}}
 */
import type { MessagePath } from '../../envelope/offload.js';
import type { Fn } from '../../model/fn.js';
import type { AnyNode, Kind } from '../../model/node.js';
import { existingName, topicRef } from './existing.js';
import { InternalError } from '../../model/errors.js';
import { kindOf } from '../../model/kinds.js';
import type { Queue } from '../../model/queue.js';
import type { Table } from '../../model/table.js';
import type { Comprehend } from '../../model/comprehend.js';
import type { Topic } from '../../model/topic.js';
import { partName } from '../../model/resources.js';
import { messagePathOf } from '../../runtime/bindings.js';
import { partIdOf } from './ids.js';
import type { Use } from '../../model/kind.js';
import type { Grant } from '../../model/permissions.js';
import type { SynthContext } from './context.js';
import { stepNeeds, storeNames } from './stores.js';
import { escapeSub, ref, sub, type Str, type Value } from './template.js';

/** One entry of `SLUICE_BINDINGS` before intrinsics are resolved. */
export interface Binding {
  kind: Kind;
  name: string;
  uses: Use[];
  url?: Str;
  arn?: Str;
  maxMessageSize?: number;
  path?: MessagePath;
  keyPrefix?: string;
  partitionKey?: string;
  sortKey?: string;
  language?: string;
}

/** The environment variable names sluice sets on functions (see the module comment). */
export const SLUICE_ENV = {
  pipeline: 'SLUICE_PIPELINE',
  stage: 'SLUICE_STAGE',
  node: 'SLUICE_NODE',
  bindings: 'SLUICE_BINDINGS',
  version: 'SLUICE_VERSION',
  payloadBucket: 'SLUICE_PAYLOAD_BUCKET',
  lineageTable: 'SLUICE_LINEAGE_TABLE',
  idempotencyTable: 'SLUICE_IDEMPOTENCY_TABLE',
  config: 'SLUICE_STEP_CONFIG',
} as const;

/**
 * A function's environment but `SLUICE_BINDINGS`: its own variables, then sluice's, each literal
 * text. `version` is its asset's hash (a placeholder of the same length before bundling).
 * @example functionVariables(ctx, copy, asset.hash).SLUICE_NODE // 'copy'
 */
export function functionVariables(ctx: SynthContext, fn: Fn, version: string): Record<string, string> {
  const needs = stepNeeds(ctx, fn);
  const names = storeNames(ctx);
  const variables: Record<string, string> = {
    ...fn.resolved.environment,
    [SLUICE_ENV.pipeline]: ctx.pipe.name,
    [SLUICE_ENV.stage]: ctx.stage,
    [SLUICE_ENV.node]: fn.name,
    [SLUICE_ENV.version]: version,
  };
  if (needs.producesPayloads || needs.consumesPayloads) variables[SLUICE_ENV.payloadBucket] = names.payloads;
  if (needs.lineage) variables[SLUICE_ENV.lineageTable] = names.lineage;
  if (needs.idempotency) variables[SLUICE_ENV.idempotencyTable] = names.idempotency;
  if (Object.keys(needs.config).length > 0) variables[SLUICE_ENV.config] = JSON.stringify(needs.config);
  return variables;
}

/** Resolved lengths used to estimate the environment's size (Lambda's limit is 4 KB in all). */
const ESTIMATE = { url: 'https://sqs.ap-southeast-2.amazonaws.com/123456789012/', arn: 'arn:aws-us-gov:sns:ap-southeast-2:123456789012:' };

/**
 * How a function bound to `node` finds it, from its kind's binding shape (src/model): the physical
 * name of the bound part, its URL or ARN when that is what the service addresses it by, and the
 * fields the shape lists.
 */
export function describeBinding(ctx: SynthContext, node: AnyNode): Omit<Binding, 'uses'> {
  const kind = kindOf(node);
  const shape = kind.binding;
  if (!shape) throw new InternalError(`a step cannot be bound to ${node}`);
  const binding: Omit<Binding, 'uses'> = { kind: node.kind, name: existingName(node) ?? (shape.part === null ? undefined : partName(node.kind, shape.part as never, ctx.name(node))) ?? ctx.name(node) };
  if (shape.part !== null) {
    const part = kind.parts[shape.part]!;
    const id = partIdOf(node, shape.part);
    // The Ref of a queue is its URL and of a topic its ARN: what SQS and SNS address them by.
    if (part.physicalId === 'url') binding.url = ref(id);
    if (part.physicalId === 'arn') binding.arn = node.kind === 'topic' ? topicRef(node as Topic) : ref(id);
  }
  for (const field of shape.fields) {
    if (field === 'maxMessageSize') binding.maxMessageSize = (node as Queue | Topic).maxMessageSize;
    // The path lets a producer's runtime offload bodies that fit the topic but not a queue it feeds.
    if (field === 'path') binding.path = messagePathOf(ctx.pipe, node as Queue | Topic);
    if (field === 'keySchema') {
      const table = node as Table;
      binding.partitionKey = table.partitionKey.name;
      if (table.sortKey) binding.sortKey = table.sortKey.name;
    }
    if (field === 'language') binding.language = (node as Comprehend).language;
  }
  return binding;
}

/** The bindings of a function (or job), one per node it holds grants on, in grant order. */
export function bindingsOf(ctx: SynthContext, fn: AnyNode, grants: readonly Grant[]): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  for (const grant of grants) {
    const existing = bindings.get(grant.node.name);
    if (existing) {
      if (!existing.uses.includes(grant.use)) existing.uses.push(grant.use);
      continue;
    }
    bindings.set(grant.node.name, { ...describeBinding(ctx, grant.node), uses: [grant.use] });
  }
  // Where the function writes with an edge's keyPrefix, its outputs get that prefix.
  for (const edge of ctx.outgoing(fn)) {
    const binding = bindings.get(edge.to.name);
    const writes = binding?.uses.includes('write') && kindOf(edge.to).binding?.fields.includes('keyPrefix');
    if (writes && edge.options.keyPrefix !== undefined) binding!.keyPrefix = edge.options.keyPrefix;
  }
  return bindings;
}

/**
 * The `SLUICE_BINDINGS` value: JSON text in an `Fn::Sub`, intrinsics (queue URLs, topic ARNs) as
 * Sub variables so the function depends on what it is bound to.
 */
export function bindingsValue(bindings: ReadonlyMap<string, Binding>): Str {
  const variables: Record<string, Value> = {};
  const placeholder = (value: Str, hint: string): string => {
    if (typeof value === 'string') return value;
    const name = `${hint}${Object.keys(variables).length}`;
    variables[name] = value as Value;
    return `\u0001${name}\u0002`;
  };
  const plain: Record<string, Record<string, unknown>> = {};
  for (const [node, b] of bindings) {
    const entry: Record<string, unknown> = { kind: b.kind, name: b.name, uses: b.uses };
    if (b.url !== undefined) entry.url = placeholder(b.url, 'Url');
    if (b.arn !== undefined) entry.arn = placeholder(b.arn, 'Arn');
    if (b.maxMessageSize !== undefined) entry.maxMessageSize = b.maxMessageSize;
    if (b.path !== undefined) entry.path = { limit: b.path.limit, wrapped: b.path.wrapped };
    if (b.keyPrefix !== undefined) entry.keyPrefix = b.keyPrefix;
    if (b.partitionKey !== undefined) entry.partitionKey = b.partitionKey;
    if (b.sortKey !== undefined) entry.sortKey = b.sortKey;
    if (b.language !== undefined) entry.language = b.language;
    plain[node] = entry;
  }
  const text = escapeSub(JSON.stringify(plain)).replace(/\\u0001(\w+)\\u0002/g, '${$1}');
  return Object.keys(variables).length ? sub(text, variables) : text;
}

/** An upper bound of the environment's size once intrinsics resolve, in bytes (keys and values). */
export function estimateEnvironmentBytes(variables: Record<string, string>, bindings: ReadonlyMap<string, Binding>): number {
  let total = 0;
  for (const [key, value] of Object.entries(variables)) total += key.length + Buffer.byteLength(value);
  let json = 0;
  for (const [node, b] of bindings) {
    json += node.length + b.name.length + 40 + b.uses.join('","').length + (b.keyPrefix?.length ?? 0) + (b.partitionKey?.length ?? 0) + (b.sortKey?.length ?? 0) + (b.language === undefined ? 0 : b.language.length + 12) + 30 + (b.maxMessageSize === undefined ? 0 : 26) + (b.path === undefined ? 0 : 45);
    if (b.url !== undefined) json += ESTIMATE.url.length + b.name.length + 8;
    if (b.arn !== undefined) json += ESTIMATE.arn.length + b.name.length + 8;
  }
  return total + SLUICE_ENV.bindings.length + json;
}
