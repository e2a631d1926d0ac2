/**
 * The types a handler sees: what a step receives (an object, a message or a scheduled tick, each with
 * the envelope it carries), what it returns (objects, messages and envelopes, optionally with
 * metadata), and `ctx`, its only door to its neighbours.
 */
import type { Envelope, EnvelopeDraft } from '../envelope/codec.js';
import type { DataAsset } from '../envelope/data-asset.js';
import type { ObjectType, StandardSchemaV1 } from '../envelope/object-types.js';
import type { Duration } from '../model/duration.js';

export type { Envelope, EnvelopeDraft, DataAsset, ObjectType };

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
  /**
   * The object as an envelope: raw content in S3 (`payloadType: 's3'`, `payloadS3Path`), its
   * `ingestionId` the one the writing step put in the object's metadata ('' if none). The body is not
   * fetched: read it with `ctx.body(input)`. Not enumerable, so the input serializes as before.
   */
  readonly envelope: Envelope<undefined>;
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
  /**
   * The envelope the message carries, its body decoded and, when offloaded, fetched; a message that
   * is not an envelope (plain text or JSON, e.g. from `ctx.message` or `sluice send`) is raw content
   * (`objectType: 'rawContent'`, `ingestionId: ''`). Not enumerable, so the input serializes as before.
   */
  readonly envelope: Envelope;
}

/** A scheduled tick. */
export interface ScheduleInput {
  kind: 'schedule';
  schedule: string;
  /** The scheduled time (ISO-8601, UTC). */
  time: string;
  detail: Record<string, unknown>;
  /** The tick as a `lambdaEvent` envelope whose body is `{ schedule, time, detail }`. Not enumerable. */
  readonly envelope: Envelope<{ schedule: string; time: string; detail: Record<string, unknown> }>;
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
  /** Set by `ctx.envelope()`: the envelope, encoded (and offloaded if too large) when routed. */
  envelope?: EnvelopeDraft;
}

/** What a step returns. */
export type Output = ObjectOutput | MessageOutput;

/** An envelope body written to the payload bucket because the message would not fit its path. */
export interface OffloadedPayload {
  /** `s3://<payload bucket>/<key>`. */
  path: string;
  bucket: string;
  key: string;
  body: Uint8Array;
  contentType: string;
  /** The execution that wrote it. */
  ingestionId: string;
}

/** A routed output: the target is resolved to one node. */
export type RoutedOutput =
  | (ObjectOutput & { bucket: string })
  | (MessageOutput & { to: string; targetKind: 'queue' | 'topic' | 'notify'; payload?: OffloadedPayload });

/** Options of `ctx.object()`. */
export interface ObjectOptions {
  /** Write to this bucket only (it must be downstream of the step). */
  bucket?: string;
  contentType?: string;
  /** User metadata (x-amz-meta-*). */
  metadata?: Record<string, string>;
}

/** Options of `ctx.envelope()`. */
export interface EnvelopeOptions extends MessageOptions {
  /** What the body is: a Pylon type (`urlResource`, `updateNotification`, ...) or one from `objectType()`. @default 'rawContent' */
  objectType?: string | ObjectType;
  /** @default 'text/plain' for text, 'application/octet-stream' for bytes, 'application/json' otherwise */
  payloadMimeType?: string;
  dataAssetName?: string;
  dataAssetCountry?: string;
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

/** Options of `ctx.notify()`. */
export interface NotifyOptions {
  /** The notify node to tell; required when the step sends to several. @default the one it sends to */
  to?: string;
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

/** Comprehend's sentiment labels. */
export type SentimentLabel = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';

/** Comprehend's `SentimentScore`: the confidence of each label, from 0 to 1, summing to about 1. */
export interface SentimentScore {
  Positive: number;
  Negative: number;
  Neutral: number;
  Mixed: number;
}

/** What DetectSentiment answers (and the local model, in the same shape). */
export interface SentimentResult {
  Sentiment: SentimentLabel;
  SentimentScore: SentimentScore;
}

/** What BatchDetectSentiment answers: a result per text it read, an error per text it did not, by index. */
export interface BatchSentimentResult {
  ResultList: Array<SentimentResult & { Index: number }>;
  /** `ErrorCode` is Comprehend's, or `SLUICE_E_SENTIMENT_TEXT` for a text sluice refused before sending (empty, over 5,000 bytes). */
  ErrorList: Array<{ Index: number; ErrorCode: string; ErrorMessage: string }>;
}

/** Which service a sentiment call uses, when the step declares several. */
export interface SentimentOptions {
  /** The comprehend node's name. @default the one the step uses */
  service?: string;
}

/**
 * `ctx.sentiment`: the sentiment of a text (DetectSentiment), and of many (`batch`: BatchDetectSentiment,
 * 25 texts per request, any number of texts).
 */
export interface SentimentClient {
  (text: string, options?: SentimentOptions): Promise<SentimentResult>;
  /** Every text's sentiment; a text Comprehend would reject is in `ErrorList`, the rest in `ResultList`. */
  batch(texts: readonly string[], options?: SentimentOptions): Promise<BatchSentimentResult>;
}

/** The step's context: every read and write goes through it, so sluice knows every grant. */
export interface Ctx<Config = Record<string, unknown>> {
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
  /**
   * An object's bytes by bucket and key, or by `s3://bucket/key` (the bucket by node name), from a
   * bucket that triggers the step or that it declares with `fn.reads(bucket)`.
   * @example const csv = await ctx.read(resource.destination);
   */
  read(bucketOrPath: string, key?: string): Promise<Buffer>;
  /** An object to write downstream. */
  object(key: string, body: string | Uint8Array, options?: ObjectOptions): ObjectOutput;
  /** A message to send downstream; objects become JSON. It is not an envelope: downstream it is raw content. */
  message(body: string | object, options?: MessageOptions): MessageOutput;
  /**
   * An envelope to send downstream: the body (text, bytes or any JSON value) with its objectType. Its
   * `objectType` and data asset fields become message attributes, for filter policies; a body too
   * large for the path is offloaded to the payload bucket and fetched back by the consumer.
   */
  envelope(body: unknown, options?: EnvelopeOptions): MessageOutput;
  /** A `dataAsset` envelope, the asset validated (name `schema.entity`, country, keys present in every row). */
  dataAsset(asset: DataAsset, options?: MessageOptions): MessageOutput;
  /**
   * An email to the people of a notify node the step sends to (`fn.to(notify(...))`): on AWS a Publish
   * to its SNS topic (each confirmed address gets it), locally an email in the outbox (`sluice outbox`).
   * The subject follows SNS's rule: 1 to 99 characters, no line breaks or control characters.
   * @example return ctx.notify('fang table is empty', 'Add names with: sluice table fang add --item name=...');
   */
  notify(subject: string, text: string, options?: NotifyOptions): MessageOutput;
  /** The step's config (see `fn(..., { config, stageConfig })`), secrets resolved; validated by the step's `config` schema. */
  readonly config: Readonly<Config>;
  /** A secret's value; only the paths the step's config references with `secret('/path')`. */
  secret(path: string): string;
  /** The ingestion id of the execution in progress: its outputs carry it. */
  readonly ingestionId: string;
  /** A declared table. */
  table(name: string): TableClient;
  /**
   * The sentiment of a text, from the comprehend service the step `uses`: Amazon Comprehend on AWS,
   * a deterministic local model on the local stage, the same shapes on both.
   * @example const { Sentiment, SentimentScore } = await ctx.sentiment('I love it');
   */
  readonly sentiment: SentimentClient;
  /** A structured log line, shown by `sluice run`/`dev` and in CloudWatch on AWS. */
  log(message: string, data?: Record<string, unknown>): void;
}

/** Outputs with metadata for the execution's ingestion step, as `result(outputs, metadata)` makes them. */
export interface StepOutcome {
  readonly outputs: Output | ReadonlyArray<Output | ReadonlyArray<Output>> | void | undefined | null;
  readonly metadata: Record<string, unknown>;
  readonly [key: symbol]: true;
}

/** What the step function returns: outputs, a list of them, `result(outputs, metadata)`, or nothing. */
export type StepResult = Output | ReadonlyArray<Output | ReadonlyArray<Output>> | StepOutcome | void | undefined | null;

/** The signature of a step. */
export type StepFunction<Config = Record<string, unknown>> = (input: StepInput, ctx: Ctx<Config>) => StepResult | Promise<StepResult>;

/** Options of `component`, `source` and `sink`. */
export interface StepOptions<Config = Record<string, unknown>> {
  /**
   * A schema for `ctx.config` (zod or any Standard Schema library): checked when the step starts, so a
   * missing key or a value of the wrong type stops the step before it processes anything.
   */
  config?: StandardSchemaV1<unknown, Config>;
  /**
   * The key that makes an input the same as one already processed: the step runs once per key, and a
   * redelivery of a processed input is acknowledged without running it again. Return undefined for
   * inputs that need no such guard.
   * @example idempotencyKey: (input) => (input.envelope.body as { id: string }).id
   */
  idempotencyKey?: (input: StepInput) => string | undefined | null;
  /** How long a processed key is remembered. @default '1h' */
  idempotencyTtl?: Duration;
  /** Record an ingestion step per execution and stamp outputs with its id. @default true */
  lineage?: boolean;
}

/** What `component`, `source` and `sink` return; the default export of a handler file. */
export interface HandlerDescriptor {
  readonly [key: symbol]: true;
  readonly role: 'component' | 'source' | 'sink';
  // The step's config type is erased here (its schema checks it when the step starts).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly step: StepFunction<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly options: StepOptions<any>;
}
