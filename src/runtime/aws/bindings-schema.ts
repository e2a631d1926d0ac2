/**
 * The schema of `SLUICE_BINDINGS`, the JSON a deployed function finds its neighbours in (written by
 * src/cloud/synth/bindings.ts), built from the kinds' binding shapes in the model: one entry per node
 * the function holds a grant on, its fields those its kind's shape lists. A malformed entry is
 * reported naming the node and the field, instead of failing later with a TypeError.
 */
import * as z from 'zod/mini';
import { definitionOf, KINDS } from '../../model/kinds.js';
import type { Kind } from '../../model/node.js';
import type { Use } from '../../model/kind.js';
import { QUEUE_DEFAULTS } from '../../model/queue.js';
import { TOPIC_DEFAULT_MAX_MESSAGE_SIZE } from '../../model/topic.js';
import { describeIssue } from '../../envelope/errors.js';
import type { MessagePath } from '../../envelope/offload.js';

/** One entry of `SLUICE_BINDINGS`. */
export interface EnvBinding {
  kind: Kind;
  /** The physical name of the bound part. */
  name: string;
  /** The grants the function holds on it (what `grantsOf` says). */
  uses: Use[];
  /** Queues: the queue URL. */
  url?: string;
  /** Topics: the topic ARN. */
  arn?: string;
  /** Queues and topics: the largest message in bytes. */
  maxMessageSize?: number;
  /**
   * Queues and topics: the smallest limit on the path beyond (a topic's subscribed queues) and whether
   * SNS wraps the message on the way. Without it the target's own limit counts (wrapped for a topic).
   */
  path?: MessagePath;
  /** Buckets the function writes with a `keyPrefix` edge option. */
  keyPrefix?: string;
  /** Tables: the key attribute names. */
  partitionKey?: string;
  sortKey?: string;
  /** Language services: the language of the texts. */
  language?: string;
}

const USES = z.array(z.enum(['read', 'write', 'put', 'send', 'publish', 'consume', 'invoke']));
const NAME = z.string().check(z.minLength(1));
const SIZE = z.int().check(z.positive());
const PATH = z.object({ limit: SIZE, wrapped: z.boolean() });

/** The schema of one kind's entry, from its binding shape. */
function entrySchema(kind: Kind) {
  const def = definitionOf(kind);
  const shape = def.binding!;
  const physicalId = shape.part === null ? undefined : def.parts[shape.part]?.physicalId;
  const fields = new Set(shape.fields);
  return z.object({
    kind: z.literal(kind),
    name: NAME,
    uses: USES,
    ...(physicalId === 'url' ? { url: NAME } : {}),
    ...(physicalId === 'arn' ? { arn: NAME } : {}),
    ...(fields.has('maxMessageSize') ? { maxMessageSize: z.optional(SIZE) } : {}),
    ...(fields.has('maxMessageSize') || fields.has('path') ? { path: z.optional(PATH) } : {}),
    ...(fields.has('keyPrefix') ? { keyPrefix: z.optional(z.string()) } : {}),
    ...(fields.has('keySchema') ? { partitionKey: NAME, sortKey: z.optional(NAME) } : {}),
    ...(fields.has('language') ? { language: NAME } : {}),
  });
}

const BOUND_KINDS = (Object.keys(KINDS) as Kind[]).filter((k) => definitionOf(k).binding);

/** The largest message a queue or topic takes when its entry does not say (the kinds' defaults). */
const DEFAULT_MAX_MESSAGE_SIZE: Partial<Record<Kind, number>> = { queue: QUEUE_DEFAULTS.maxMessageSize, topic: TOPIC_DEFAULT_MAX_MESSAGE_SIZE };

/**
 * Check `SLUICE_BINDINGS`' entries: the entries, or the first problem with one, as a sentence naming
 * the node and the field.
 */
export function parseBindings(value: object): { ok: true; bindings: Record<string, EnvBinding> } | { ok: false; problem: string } {
  const bindings: Record<string, EnvBinding> = {};
  for (const [node, entry] of Object.entries(value)) {
    const kind = (entry as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string' || !(BOUND_KINDS as string[]).includes(kind)) {
      return { ok: false, problem: `SLUICE_BINDINGS entry '${node}' has kind ${JSON.stringify(kind)}, not one of ${BOUND_KINDS.join(', ')}` };
    }
    const parsed = z.safeParse(entrySchema(kind as Kind), entry, { reportInput: true });
    if (!parsed.success) return { ok: false, problem: `SLUICE_BINDINGS entry '${node}': ${describeIssue(parsed.error.issues[0]!, 'the entry')}` };
    const b = parsed.data as EnvBinding;
    const limit = DEFAULT_MAX_MESSAGE_SIZE[b.kind];
    bindings[node] = limit !== undefined && b.maxMessageSize === undefined ? { ...b, maxMessageSize: limit } : b;
  }
  return { ok: true, bindings };
}
