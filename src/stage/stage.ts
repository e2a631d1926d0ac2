/**
 * The Stage: where a pipeline runs, seen through one interface. `local` is the embedded engine; any
 * other name is the pipeline's CloudFormation stack on AWS. The CLI, the test harness and the console
 * talk to a stage only through this interface, so every command is written once and behaves the same
 * on both: the same arguments, the same errors (an unknown node is `nodeFor`'s error everywhere), the
 * same results and renderings. Adapters: `local.ts` (over the engine) and `aws/stage.ts` (over the SDK).
 */
import type { Pipeline } from '../model/pipeline.js';
import type { Lineage } from '../envelope/lineage.js';
import type { Item } from '../runtime/types.js';

/** An object to put. */
export interface ObjectToPut {
  key: string;
  body: Uint8Array;
  contentType?: string;
  metadata?: Record<string, string>;
}

/** An object as a bucket lists it. */
export interface ObjectInfo {
  key: string;
  size: number;
  eTag: string;
  /** ISO-8601. */
  lastModified: string;
}

/** An object read whole: its bytes and what the bucket holds about it. */
export interface StoredObject extends ObjectInfo {
  bucket: string;
  body: Buffer;
  contentType?: string;
  /** User metadata (the `ingestion-id` of the step that wrote it, among others). */
  metadata?: Record<string, string>;
}

/** A message waiting in a queue. */
export interface QueueMessage {
  id: string;
  body: string;
  /** Attributes, SNS-typed: `{ type: 'String' | 'Number' | ..., value }`. */
  attributes: Record<string, { type: string; value: string }>;
  /** ISO-8601. */
  sentAt: string;
}

/** A serialized error, as a failure records it. */
export interface FailureError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
  code?: string;
}

/**
 * An entry of a node's dead-letter destination: a queue's DLQ (a message received too often) or a
 * function's on-failure queue (Lambda's record of an async event that ran out of retries or age).
 * The same shape on every stage.
 */
export interface DeadLetter {
  /** The message id (queue DLQ) or the request id of the failed invocation (function). */
  id: string;
  /** The message body (queue) or the original event as JSON (function). */
  body: string;
  /** When it was sent (ISO-8601). */
  sentAt: string;
  /** How many times it was received (queue) or attempted (function). */
  attempts: number;
  /** Functions: why it failed, `RetriesExhausted` or `EventAgeExceeded`. */
  condition?: string;
  /** Functions: when it failed (ISO-8601). */
  failedAt?: string;
  /**
   * The error: a function's last attempt's; a queue message's last consumer error (the local engine
   * keeps it; SQS records none, so on AWS it is absent).
   */
  error?: FailureError | null;
  /** Functions: the original event. */
  event?: unknown;
  /** Queue messages: their attributes, as text. */
  attributes?: Record<string, string>;
}

/** What a stage holds for one node. */
export interface NodeStatus {
  node: string;
  kind: string;
  /** Deployed resources with their physical ids (AWS stages). */
  resources?: Array<{ part: string; logicalId?: string; type: string; physicalId?: string; status?: string }>;
  /** Buckets: how many objects. */
  objects?: number;
  /** Queues: messages waiting, in flight and delayed. */
  queue?: { visible: number; inFlight: number; delayed: number };
  /** Queues and functions: entries in the dead-letter destination. */
  deadLetters?: number;
  /** Which of `resources` (by part) holds the messages counted in `queue`, and which the dead letters. */
  holding?: { messages?: string; deadLetters?: string };
}

/** A stage at a glance. */
export interface StageStatus {
  pipeline: string;
  stage: string;
  /** Whether anything of the pipeline exists on the stage (the local state, or the stack). */
  deployed: boolean;
  /** Where it is, for people: the state folder, or the stack with its account and region. */
  where: string;
  nodes: NodeStatus[];
  /** AWS stages: the stack. */
  stack?: { name: string; account: string; region: string; status?: string; reason?: string; updatedAt?: string; outputs: Record<string, string> };
  /** AWS stages: resources of edges (`raw->copy/Permission`) and of the stack (its key). */
  other?: NonNullable<NodeStatus['resources']>;
}

/** Read and write one table's items, as the table holds them (no grants: this is the owner's view). */
export interface TableItems {
  get(key: Item): Promise<Item | undefined>;
  put(item: Item): Promise<void>;
  delete(key: Item): Promise<void>;
  scan(limit?: number): Promise<Item[]>;
  query(partitionValue: unknown, options?: { limit?: number; descending?: boolean }): Promise<Item[]>;
}

/** A pipeline on a stage. */
export interface Stage {
  /** The stage's name: `local`, or an AWS stage such as `dev`. */
  readonly name: string;
  readonly pipeline: Pipeline;
  /** What commands against this stage need after their arguments: `''` locally, ` --stage dev` on AWS. */
  readonly commandSuffix: string;
  /** How results name the stage for people: `''` locally, ` on stage 'dev'` on AWS. */
  readonly label: string;
  /** What happens to what a command writes (objects put, messages sent), for people. */
  readonly afterWrite: string;
  /** Put objects into a bucket, in order; returns their keys. */
  put(bucket: string, objects: Iterable<ObjectToPut>): Promise<string[]>;
  /** The objects of a bucket under a key prefix, in key order. */
  list(bucket: string, prefix?: string): Promise<ObjectInfo[]>;
  /** One object, whole. */
  get(bucket: string, key: string): Promise<StoredObject>;
  /** Send a message to a queue, or publish it to a topic. */
  send(target: string, body: string, attributes?: Record<string, string | number>): Promise<{ messageId: string }>;
  /**
   * Messages waiting in a queue, without consuming them. On AWS each read is a receive (with a zero
   * visibility timeout), which counts towards the queue's `maxReceiveCount`: reading a queue whose
   * count is small can move its messages to the DLQ. `status()` counts them without receiving.
   */
  messages(queue: string): Promise<QueueMessage[]>;
  /** The dead letters of a queue or a function, without consuming them. */
  deadLetters(node: string): Promise<DeadLetter[]>;
  /** Send a node's dead letters back where they came from; returns how many. */
  redrive(node: string): Promise<number>;
  /** The chain of steps from an object back to its root input. */
  lineage(bucket: string, key: string): Promise<Lineage>;
  /** A table's items. */
  table(name: string): TableItems;
  /** Every node with what the stage holds for it. */
  status(): Promise<StageStatus>;
  /** Release what the stage holds open (the local store, SDK clients). */
  close(): Promise<void>;
}
