/**
 * The shape of a node kind's definition: everything the kind *is*, as data, independent of any
 * backend. Its edges and the grants they give, the IAM actions of each use, its name rule and prop
 * validation; and the facts every backend reads instead of repeating them: the AWS resources it is
 * deployed as (its parts, with their physical-name and ARN shapes), where its dead letters go, what
 * the stage commands can do with it, and how a step bound to it finds it. One definition per kind
 * lives in that kind's file; `kinds.ts` collects them in a typed table.
 */
import type { EdgeOptions, Kind, AnyNode } from './node.js';
import type { ErrorCode, Problem } from './errors.js';

/** How a function uses a resource; each use maps to IAM actions in the kind's permission table. */
/**
 * What a grant lets a function do with a node. `write` on a table adds, replaces and deletes items;
 * `put` only adds and replaces them (`fn.writes(table, { delete: false })`). `readStage` on a bucket lists
 * and reads its objects (a job's input stage).
 */
export type Use = 'read' | 'readStage' | 'write' | 'put' | 'send' | 'publish' | 'consume' | 'invoke';

/** An AWS service that delivers into a pipeline's resources by itself (S3 notifications, SNS, EventBridge, CloudWatch alarms). */
export type DeliveringService = 's3' | 'sns' | 'events' | 'cloudwatch';

/** What an impossible edge's error says when its kind's definition gives no `instead` for it. */
export const NO_INSTEAD = 'see the edge table in the README';

/** An allowed edge from this kind to another. */
export interface EdgeDefinition {
  /** What the edge does, for docs and `sluice nodes`. */
  meaning: string;
  /** The grant the edge gives the function at one of its ends: `use` on the node at `on`. */
  grant?: { on: 'from' | 'to'; use: Use };
  /** Which edge options apply. */
  options: ReadonlyArray<keyof EdgeOptions>;
  /**
   * How the edge invokes the function at its end: `async` (S3, SNS and EventBridge invoke
   * asynchronously, with retries and an on-failure destination) or `poll` (an event source mapping
   * polls a queue and invokes with batches).
   */
  invokes?: 'async' | 'poll';
  /**
   * The AWS service that carries the edge's data into a part of the target (the queue an S3
   * notification or an SNS subscription writes to, the on-failure queue SNS and EventBridge
   * dead-letter into): that part needs a resource policy for the service, and a key it may use.
   */
  delivery?: { service: DeliveringService; into: string };
  /**
   * The target reads the source as a data stage when its flow runs it (bucket -> job): no event
   * crosses the edge, so it is no notification, trigger or loop.
   */
  stage?: true;
}

/** How an ARN of a part is built from its physical name (AWS's documented format for the resource type). */
export interface ArnShape {
  /** The service prefix: `sqs`, `sns`, `lambda`, `s3`, `events`, `dynamodb`. */
  service: string;
  /** Whether the ARN carries a region and an account (bucket ARNs carry neither). */
  regional: boolean;
  /** What follows `region:account:` (or `:::`), with `{name}` for the physical name. */
  resource: string;
}

/** One AWS resource a node is deployed as. Its key in `parts` is its logical-id suffix and path part (`orders/Dlq`). */
export interface ResourcePart {
  /** The CloudFormation resource type. */
  type: string;
  /** Its physical name, with `{name}` for `${pipeline}-${stage}-${node}`; absent for resources AWS names. */
  name?: string;
  /** What CloudFormation reports as its physical id: its name, its URL (queues) or its ARN (topics). */
  physicalId?: 'name' | 'url' | 'arn';
  /** How its ARN is built from its physical name, when other resources refer to it by name. */
  arn?: ArnShape;
}

/**
 * What the stage commands (`sluice put`, `send`, `dlq`, `table`, `logs`, `worker`) can do with a
 * node: one list per kind, so every command finds its nodes, and reports an unknown one, the same way.
 * `invoke`: run the node's step (a worker, a single invocation). `executions`: start a flow and list its runs.
 * `fire`: fire a schedule now, as its rule would (`sluice trigger <schedule>`). `trigger`: what
 * `sluice trigger` takes (a flow, a schedule, or a function a schedule invokes).
 */
export type DataOp = 'objects' | 'send' | 'messages' | 'deadLetters' | 'items' | 'logs' | 'invoke' | 'executions' | 'fire' | 'trigger';

/** Where a node's dead letters go: the part that holds them, and what one is. */
export interface DeadLetterDefinition {
  /** The part holding them (a queue's `Dlq`, a function's on-failure `Failures` queue). */
  part: string;
  /**
   * `message`: the message itself, moved after too many receives (SQS redrive). `invocation`:
   * Lambda's invocation record of an async event that ran out of retries or age.
   */
  record: 'message' | 'invocation';
  /** The part a redrive sends them back to. */
  redriveTo: string;
}

/** What a step bound to the node (in `SLUICE_BINDINGS`) is told about it. */
export interface BindingShape {
  /**
   * The part the step addresses; its physical id (name, URL or ARN) is in the binding. null: a service
   * with no resource of its own (comprehend), which the binding names by its node's physical base.
   */
  part: string | null;
  /** What else the step needs: the size limit and path of a message target, the key schema of a table. */
  fields: ReadonlyArray<'maxMessageSize' | 'path' | 'keySchema' | 'keyPrefix' | 'language'>;
}

/**
 * Everything a kind is, independent of any backend: data only, so a Lambda bundle that reads a fact
 * (the runtime's binding schema) carries no model code. A node's validation is its class's `problems()`.
 * `N` is the kind's node class, which the registry's type ties each definition to.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- N ties a definition to its node class in KINDS' type
export interface KindDefinition<N extends AnyNode = AnyNode, P extends string = string> {
  kind: Kind;
  /** What the kind is, for people: `S3 bucket`, `Lambda function`. */
  noun: { one: string; many: string };
  /** Allowed outgoing edges by target kind. */
  outgoing: Partial<Record<Kind, EdgeDefinition>>;
  /** For edges that are not allowed: what to do instead, by target kind. */
  instead?: Partial<Record<Kind, string>>;
  /** IAM actions per use of this kind (data, never typed at a wiring site). */
  permissions: Partial<Record<Use, readonly string[]>>;
  /** Node names: pattern, its description and max length before stage and pipeline prefixes. */
  name: { pattern: RegExp; description: string; maxLength: number };
  /** The AWS resources a node of this kind is deployed as, the primary one first. */
  parts: Readonly<Record<P, ResourcePart>>;
  /** Where its dead letters go; null when it has none. */
  deadLetters: (DeadLetterDefinition & { part: P; redriveTo: P }) | null;
  /** What the stage commands can do with it, and how to tell a user to (`{name}` is the node). */
  data: { ops: readonly DataOp[]; hint?: string };
  /** What a bound step is told about it; null when no step can be bound to it (nothing grants a use of it). */
  binding: (BindingShape & { part: P | null }) | null;
}

/** Check a number prop against a range, the way every kind reports it. */
export function checkRange(
  problems: Problem[],
  node: AnyNode,
  field: string,
  code: ErrorCode,
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
      given: value,
      expected: `${min}..${max}${unit}`,
      message: `${node}: ${field} must be between ${min} and ${max}${unit} (given ${value})`,
    });
  }
}
