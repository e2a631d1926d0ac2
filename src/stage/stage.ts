/**
 * The Stage: where a pipeline runs, seen through one interface. `local` is the embedded engine; any
 * other name is the pipeline's CloudFormation stack on AWS. The CLI, the test harness and the console
 * talk to a stage only through this interface, so every command is written once and behaves the same
 * on both: the same arguments, the same errors (an unknown node is `nodeFor`'s error everywhere), the
 * same results and renderings. Adapters: `local.ts` (over the engine) and `aws/stage.ts` (over the SDK).
 */
import type { OutboxReport } from './outbox.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Lineage } from '../envelope/lineage.js';
import type { Item } from '../runtime/types.js';
import type { TriggerOptions, StartedExecution, ExecutionSummary, ExecutionDetail } from './execution-types.js';

export type { TriggerOptions, StartedExecution, ExecutionStatus, ExecutionSummary, JobRunStatus, JobProgress, ExecutionDetail } from './execution-types.js';

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
  /** Steps: what ran over the stage's life (the local stage keeps it; absent on AWS). */
  activity?: { invocations: number; failures: number; retries: number; deadLettered: number };
  /**
   * Notify nodes on AWS stages: each email subscription of the topic and whether its recipient
   * confirmed it. SNS delivers nothing to a `pending` address until its recipient clicks the link in
   * the confirmation email SNS sent when the stack subscribed it.
   */
  subscriptions?: EmailSubscription[];
  /** Notify nodes on the local stage: how many emails the outbox holds (read them with `sluice outbox`). */
  emails?: number;
}

/** An email subscription of a notify node's topic, as SNS lists it. */
export interface EmailSubscription {
  email: string;
  /**
   * `pending`: SNS waits for the recipient to confirm (PendingConfirmation); `confirmed`: it delivers;
   * `missing`: the node declares the address but SNS lists no subscription for it (SNS deleted it after
   * 48 hours unconfirmed, or its recipient unsubscribed: CloudFormation notices neither).
   */
  state: 'pending' | 'confirmed' | 'missing';
}

/** One recent invocation of a step, as the console lists it. */
export interface RecentInvocation {
  requestId: string;
  /** When it ended (ISO-8601). */
  at: string;
  ok: boolean;
  durationMs: number;
  /** Inputs it was given; how many failed. */
  records?: number;
  failedRecords?: number;
  error?: { errorType: string; errorMessage: string; code?: string };
  /** Its log lines: `ctx.log` locally, its CloudWatch log events on AWS. */
  logs: Array<{ at?: string; message: string; data?: Record<string, unknown> }>;
  /** Pylon heartbeats: the step's first invocation (`start`), inputs processed (`core_process`). */
  heartbeats?: { start: boolean; coreProcess: number };
  /** Pylon timings summed over its inputs (ms): the step function alone, and with the framework's I/O. */
  timings?: { coreProcess: number; total: number };
}

/** A step's recent invocations and their timings. */
export interface NodeActivity {
  node: string;
  /** Newest first. */
  invocations: RecentInvocation[];
  /** Durations of `invocations` (ms): how many, median and 95th percentile. */
  timings: { count: number; p50?: number; p95?: number };
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

/**
 * Many changes to one table: items to put, keys to delete, and (atomic writes only) keys that must
 * exist and keys that must not, checked in the same transaction as the writes.
 */
export interface TableChanges {
  put: Item[];
  delete: Item[];
  mustExist?: Item[];
  mustNotExist?: Item[];
}

/** Options of `TableItems.write`. */
export interface TableWriteOptions {
  /**
   * All or nothing: the local store's transaction, DynamoDB's TransactWriteItems on AWS (at most
   * `MAX_ATOMIC_TABLE_CHANGES` changes and checks). Without it, AWS writes BatchWriteItem requests of 25
   * items, each applied whole, and a failure part-way leaves the requests before it applied.
   * @default false
   */
  atomic?: boolean;
  /** Called as changes are written: how many so far, of how many. */
  onProgress?: (done: number, total: number) => void;
}

/** DynamoDB's limit on the actions of one TransactWriteItems request. */
export const MAX_ATOMIC_TABLE_CHANGES = 100;

/** Read and write one table's items, as the table holds them (no grants: this is the owner's view). */
export interface TableItems {
  get(key: Item): Promise<Item | undefined>;
  put(item: Item): Promise<void>;
  delete(key: Item): Promise<void>;
  scan(limit?: number): Promise<Item[]>;
  query(partitionValue: unknown, options?: { limit?: number; descending?: boolean }): Promise<Item[]>;
  /**
   * Apply many changes; a failed `mustExist` / `mustNotExist` check fails with
   * SLUICE_E_TABLE_ITEMS_CONFLICT and changes nothing (atomic writes only).
   */
  write(changes: TableChanges, options?: TableWriteOptions): Promise<void>;
}

/**
 * What to invoke a function with (`sluice invoke`): an event given whole, or the event AWS would send
 * the function for an object put into a bucket upstream of it, or a message sent to a queue or topic
 * upstream of it, built along the edges between (an S3 event, an SQS or SNS event, wrapped as each
 * edge delivers: an S3 event in an SQS message, SNS's notification in a queue without raw delivery).
 */
export type InvokeInput =
  /** An event in any shape a function takes (S3, SQS, SNS, EventBridge), as `sam local invoke -e` takes it. */
  | { event: unknown }
  /** The S3 ObjectCreated event for an object already in a bucket of the stage upstream of the function. */
  | { object: { bucket: string; key: string } }
  /**
   * The event for one message: sent to `from` (a queue or topic upstream of the function; by default
   * the one queue or topic feeding it), delivered as the edges between deliver it.
   */
  | { message: { body: string; attributes?: Record<string, string | number>; from?: string } };

/** Options of `Stage.invoke`. */
export interface InvokeOptions {
  /**
   * Deliver the outputs as a real invocation would (objects written, messages sent, lineage
   * recorded), for the rest of the pipeline to process. Without it, the local stage runs the step and
   * only shows its outputs; an AWS stage refuses, since a deployed function writes its outputs itself.
   * @default false
   */
  deliver?: boolean;
}

/** One output of an invoked step, as it would be delivered. */
export type InvokedOutput =
  | { type: 'object'; bucket: string; key: string; size: number; contentType?: string; metadata?: Record<string, string>; body: Buffer }
  | { type: 'message'; to: string; body: string; attributes: Record<string, string>; subject?: string; delaySeconds?: number };

/** What one invocation did. */
export interface InvocationReport {
  fn: string;
  /** The request id the step saw (`ctx.requestId`). */
  requestId: string;
  /** The event it was invoked with. */
  event: unknown;
  /** Whether it succeeded, every record included. */
  ok: boolean;
  /** Why the whole invocation failed, when it did. */
  error?: FailureError;
  /** SQS records the step reported failed (batchItemFailures), with their errors where known. */
  failedRecords: Array<{ recordId: string; error?: FailureError }>;
  /** What the handler returned (`{ batchItemFailures }` for an SQS event). */
  response?: unknown;
  /**
   * The outputs of the records that succeeded (locally). Absent on AWS: the deployed function writes
   * its outputs itself and reports none.
   */
  outputs?: InvokedOutput[];
  /** Its log lines: `ctx.log` locally, the tail of its CloudWatch log (4 KB) on AWS. */
  logs: Array<{ at?: string; message: string; data?: Record<string, unknown> }>;
  /** How long it ran: locally measured, on AWS as Lambda reports it (wall time otherwise). */
  durationMs: number;
  /** Inputs skipped as already processed (idempotency). */
  duplicates?: number;
  /** Whether the outputs went downstream (`deliver`), or were only shown. */
  delivered: boolean;
}


/** Options of `Stage.fire`. */
export interface FireOptions {
  /** The event's `detail`. @default the schedule's own `detail` */
  detail?: Record<string, unknown>;
  /** Deliver to this target of the schedule only. @default every target */
  target?: string;
}

/** A schedule fired now. */
export interface FiredSchedule {
  schedule: string;
  /** The scheduled event sent, as EventBridge sends it. */
  event: Record<string, unknown>;
  /** The targets it was delivered to (functions invoked asynchronously, flows started). */
  targets: string[];
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
  /** Delete objects from a bucket (a key not there is no error); returns how many keys were asked. */
  deleteObjects(bucket: string, keys: readonly string[]): Promise<number>;
  /** The chain of steps from an object back to its root input. */
  lineage(bucket: string, key: string): Promise<Lineage>;
  /** A table's items. */
  table(name: string): TableItems;
  /**
   * Run one function once on an event, as `sam local invoke -e` does, without running the rest of
   * the pipeline: nothing is received from its queues, and its outputs are shown, not delivered,
   * unless `deliver` says so. Fails with SLUICE_E_INVOKE_SOURCE for an object or message that could
   * not reach the function, and on AWS with SLUICE_E_INVOKE_DELIVERS without `deliver`.
   * @example await stage.invoke('copy', { object: { bucket: 'raw', key: 'a.csv' } })
   */
  invoke(fn: string, input: InvokeInput, options?: InvokeOptions): Promise<InvocationReport>;
  /**
   * Start an execution of a flow with `input` (JSON; `{}` when absent). When one is running, the
   * flow's `overlap` decides: `refuse` fails with SLUICE_E_FLOW_RUNNING naming the running execution,
   * `queue` starts this one once the running one ends.
   * @example const { id } = await stage.trigger('nightly', { date: '2024-05-01' })
   */
  trigger(flow: string, input?: unknown, options?: TriggerOptions): Promise<StartedExecution>;
  /**
   * Fire a schedule now, as its EventBridge rule would: its targets get the scheduled event (a
   * function invoked asynchronously, a flow started with the event as input), so nobody waits for
   * the clock. Locally the engine delivers it; on AWS sluice sends it as EventBridge would.
   * @example await stage.fire('five-minute-timer')
   */
  fire(schedule: string, options?: FireOptions): Promise<FiredSchedule>;
  /**
   * The notify nodes' outbox (one node's when `name` is given): locally the emails rendered and the
   * addresses; on AWS each email subscription's confirmation state (sent emails cannot be read back).
   * @example (await stage.outbox('alerts')).subscriptions.map((s) => s.state) // ['pending']
   */
  outbox(name?: string): Promise<OutboxReport>;
  /** A flow's executions, newest first (`limit`, default 20). */
  executions(flow: string, options?: { limit?: number }): Promise<ExecutionSummary[]>;
  /** One execution of a flow with each job's progress (`id` as `trigger` returned it). */
  execution(flow: string, id: string): Promise<ExecutionDetail>;
  /**
   * Let the stage work for up to `ms` before the caller looks again (following an execution): the
   * local engine runs its pending work (returning early once idle); on AWS, time passes.
   */
  pause(ms: number): Promise<void>;
  /** Every node with what the stage holds for it. */
  status(): Promise<StageStatus>;
  /**
   * A step's most recent invocations (`limit`, default 50) with their logs, heartbeats and timings:
   * the local state's record, or on AWS its CloudWatch log events of the last hour.
   */
  activity(node: string, options?: { limit?: number }): Promise<NodeActivity>;
  /** Release what the stage holds open (the local store, SDK clients). */
  close(): Promise<void>;
}
