/**
 * The types a handler sees: what a step receives (an object, a message or a scheduled tick), what it
 * returns (objects and messages), and `ctx`, its only door to its neighbours.
 */

/** A message attribute, SNS-style: `String`, `Number`, `String.Array` (JSON array text) or `Binary` (base64). */
export interface AttributeValue {
  type: 'String' | 'Number' | 'String.Array' | 'Binary';
  value: string;
}

/** Message attributes by name. */
export type Attributes = Record<string, AttributeValue>;

/** An object that landed in a bucket upstream of the step. */
export interface ObjectInput {
  kind: 'object';
  /** The bucket's node name. */
  bucket: string;
  /** The object key, decoded (S3 events carry it form-encoded). */
  key: string;
  size: number;
  eTag: string;
  versionId?: string;
  eventName: string;
  eventTime: string;
  /** Queues and topics the event passed through on its way here, by node name. */
  via: string[];
}

/** A message from a queue or topic. */
export interface MessageInput {
  kind: 'message';
  /** The message id (SQS or SNS). */
  id: string;
  /** The message body as text. */
  body: string;
  attributes: Attributes;
  subject?: string;
  /** The queue it was received from, by node name, if any. */
  queue?: string;
  /** The topic it was published to, by node name, if any. */
  topic?: string;
  /** How many times it has been received (queues only). */
  receiveCount?: number;
  /** When it was sent (ISO-8601). */
  sentAt?: string;
}

/** A scheduled tick. */
export interface ScheduleInput {
  kind: 'schedule';
  schedule: string;
  /** The scheduled time (ISO-8601, UTC). */
  time: string;
  detail: Record<string, unknown>;
}

/** Anything a step can receive. */
export type StepInput = ObjectInput | MessageInput | ScheduleInput;

/** An object for the step to write: to every bucket downstream, or to `bucket` only. */
export interface ObjectOutput {
  type: 'object';
  key: string;
  body: Uint8Array;
  bucket?: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

/** A message for the step to send: to every queue and topic downstream, or to `to` only. */
export interface MessageOutput {
  type: 'message';
  body: string;
  attributes: Attributes;
  to?: string;
  subject?: string;
  /** Queues only: delay before the message becomes visible, 0..900 s. */
  delaySeconds?: number;
}

/** What a step returns. */
export type Output = ObjectOutput | MessageOutput;

/** A routed output: the target is resolved to one node. */
export type RoutedOutput =
  | (ObjectOutput & { bucket: string })
  | (MessageOutput & { to: string; targetKind: 'queue' | 'topic' });

/** Options of `ctx.object()`. */
export interface ObjectOptions {
  /** Write to this bucket only (it must be downstream of the step). */
  bucket?: string;
  contentType?: string;
  /** User metadata (x-amz-meta-*). */
  metadata?: Record<string, string>;
}

/** Options of `ctx.message()`. */
export interface MessageOptions {
  /** Send to this queue or topic only (it must be downstream of the step). */
  to?: string;
  /** Message attributes: strings, numbers, string arrays or bytes. Topic filter policies select on them. */
  attributes?: Record<string, string | number | string[] | Uint8Array>;
  subject?: string;
  delaySeconds?: number;
}

/** A table key or item: attribute name to value. */
export type Item = Record<string, unknown>;

/** What `ctx.table(name)` offers; each call needs the matching `reads`/`writes` declaration. */
export interface TableClient {
  get(key: Item): Promise<Item | undefined>;
  put(item: Item): Promise<void>;
  delete(key: Item): Promise<void>;
  /** Items with this partition key, sorted by sort key. */
  query(partitionKeyValue: unknown, options?: { limit?: number; descending?: boolean }): Promise<Item[]>;
  scan(options?: { limit?: number }): Promise<Item[]>;
}

/** The step's context: every read and write goes through it, so sluice knows every grant. */
export interface Ctx {
  /** The function's node name. */
  readonly node: string;
  readonly pipeline: string;
  readonly stage: string;
  readonly requestId: string;
  /** Environment the function was declared with. */
  readonly env: Readonly<Record<string, string>>;
  /** Milliseconds left before the invocation times out. */
  remainingTimeMs(): number;
  /** The payload: an object's bytes, or a message's body as bytes. */
  body(input: StepInput): Promise<Buffer>;
  /** The payload as UTF-8 text. */
  text(input: StepInput): Promise<string>;
  /** The payload parsed as JSON; a clear error if it is not JSON. */
  json<T = unknown>(input: StepInput): Promise<T>;
  /** An object to write downstream. */
  object(key: string, body: string | Uint8Array, options?: ObjectOptions): ObjectOutput;
  /** A message to send downstream; objects become JSON. */
  message(body: string | object, options?: MessageOptions): MessageOutput;
  /** A declared table. */
  table(name: string): TableClient;
  /** A structured log line, shown by `sluice run`/`dev` and in CloudWatch on AWS. */
  log(message: string, data?: Record<string, unknown>): void;
}

/** What the step function returns: outputs, a list of them, or nothing. */
export type StepResult = Output | ReadonlyArray<Output | ReadonlyArray<Output>> | void | undefined | null;

/** The signature of a step. */
export type StepFunction = (input: StepInput, ctx: Ctx) => StepResult | Promise<StepResult>;

/** What `component`, `source` and `sink` return; the default export of a handler file. */
export interface HandlerDescriptor {
  readonly [key: symbol]: true;
  readonly role: 'component' | 'source' | 'sink';
  readonly step: StepFunction;
}
