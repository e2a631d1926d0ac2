/**
 * The shape of one node kind on an AWS stage: what the data commands do with a deployed node of that
 * kind, through the AWS SDK. Each kind has one module under `kinds/`, and the registry
 * (`registry.ts`) is a `Record<Kind, ...>`: a kind without a module fails to compile. A member is
 * `null` when the kind does not do that (a function takes no messages; a bucket has no dead letters).
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { AnyNode, Kind } from '../../model/node.js';
import type { PartOf } from '../../model/kinds.js';
import type { Pipeline } from '../../model/pipeline.js';
import type { AwsSession } from '../../cloud/deploy/aws.js';
import type { EmailSubscription, ExecutionDetail, ExecutionSummary, InvocationReport, ObjectInfo, ObjectToPut, QueueMessage, StartedExecution, StoredObject, TableItems, TriggerOptions } from '../stage.js';

/** What a kind module may use: the session, the stage, and the physical ids of deployed resources. */
export interface AwsStageContext {
  readonly aws: AwsSession;
  readonly stage: string;
  readonly pipeline: Pipeline;
  /** The physical id (name, URL or ARN) of a node's deployed part; fails naming the node when it is not deployed. */
  physical<K extends Kind>(node: AnyNode & { kind: K }, part: PartOf<K>): string;
  /** The stage's own stores: the lineage table's name. */
  readonly lineageTable: string;
  /** What commands against this stage need after their arguments (` --stage dev`), for hints. */
  readonly commandSuffix: string;
  /** How long to wait between two looks at something running (a queued trigger waiting for its turn). */
  readonly pollMs: number;
}

/** A flow's executions on AWS (Step Functions). */
export interface ExecutionsAws<N extends AnyNode> {
  start(ctx: AwsStageContext, node: N, input: unknown, options: TriggerOptions): Promise<StartedExecution>;
  list(ctx: AwsStageContext, node: N, limit: number): Promise<ExecutionSummary[]>;
  describe(ctx: AwsStageContext, node: N, id: string): Promise<ExecutionDetail>;
}

/** A bucket's objects on AWS. */
export interface ObjectsAws {
  put(ctx: AwsStageContext, bucket: AnyNode, objects: Iterable<ObjectToPut>): Promise<string[]>;
  list(ctx: AwsStageContext, bucket: AnyNode, prefix: string): Promise<ObjectInfo[]>;
  get(ctx: AwsStageContext, bucket: AnyNode, key: string): Promise<StoredObject>;
  /** An object's user metadata (HeadObject), for its `ingestion-id`. */
  metadata(ctx: AwsStageContext, bucket: AnyNode, key: string): Promise<Record<string, string> | undefined>;
  /** Delete objects (DeleteObjects, 1,000 keys a request). */
  delete(ctx: AwsStageContext, bucket: AnyNode, keys: readonly string[]): Promise<void>;
  /** An object's size and ETag (HeadObject), for the S3 event an invoke builds. */
  head(ctx: AwsStageContext, bucket: AnyNode, key: string): Promise<{ size: number; eTag: string }>;
}

/** What the data commands do with one kind of deployed node. */
export interface KindAws<N extends AnyNode> {
  /** Its objects (buckets). */
  objects: ObjectsAws | null;
  /** Send it a message; returns the message id (queues: SendMessage; topics: Publish). */
  send: ((ctx: AwsStageContext, node: N, body: string, attributes: Record<string, string | number>) => Promise<string>) | null;
  /** The messages waiting in it, read without consuming them (queues). */
  messages: ((ctx: AwsStageContext, node: N) => Promise<QueueMessage[]>) | null;
  /** Send a batch of its dead letters back where they came from (they are deleted from the DLQ after). */
  redrive: ((ctx: AwsStageContext, node: N, letters: Message[]) => Promise<void>) | null;
  /** Its items (tables). */
  items: ((ctx: AwsStageContext, node: N) => TableItems) | null;
  /** How many messages wait in it (queues). */
  depth: ((ctx: AwsStageContext, node: N) => Promise<{ visible: number; inFlight: number; delayed: number } | undefined>) | null;
  /** Start its executions and read them (flows). */
  executions: ExecutionsAws<N> | null;
  /** Run it once on an event and report what it did (functions: Lambda's Invoke, synchronously). */
  invoke: ((ctx: AwsStageContext, node: N, event: unknown) => Promise<Omit<InvocationReport, 'fn' | 'event' | 'delivered'>>) | null;
  /** Its email subscriptions and whether each recipient confirmed it (notify: SNS ListSubscriptionsByTopic). */
  subscriptions: ((ctx: AwsStageContext, node: N) => Promise<EmailSubscription[]>) | null;
}
