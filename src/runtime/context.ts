/**
 * `ctx`, built per invocation: reads go through the step's I/O backend (local store or AWS), outputs
 * are collected for the framework to write, and every access is checked against the step's grants,
 * so a missing edge fails locally with the edge to declare. An envelope input's payload (`ctx.body`,
 * `ctx.text`, `ctx.json`) is its envelope's body, fetched already if it was offloaded.
 */
import { PermissionDeniedError, InputError, type SluiceError } from '../model/errors.js';
import { objectKeyProblem } from '../model/object-key.js';
import { EnvelopeError } from '../envelope/errors.js';
import { defaultMimeType } from '../envelope/codec.js';
import { validateDataAsset } from '../envelope/data-asset.js';
import { toAttributes } from './attributes.js';
import { parsedBodies } from './events.js';
import { secretFor, type StartedStep } from './config.js';
import { NO_SECRETS } from './secret-guard.js';
import type { StepBindings } from './bindings.js';
import { sentimentClient, type SentimentBackend } from './sentiment.js';
import { notifyBuilder } from './notify.js';
import type { Ctx, DataAsset, EnvelopeOptions, Item, MessageOptions, ObjectOptions, ObjectOutput, MessageOutput, StepInput, TableClient } from './types.js';

/** Table access without grant checks; the backend's side. */
export type TableIo = TableClient;

/** What an idempotency record says when a step begins an input. */
export type IdempotencyBegin = { status: 'new' } | { status: 'completed'; ingestionId: string } | { status: 'in-progress' };

/** Idempotency records (the local store, or DynamoDB on AWS). */
export interface IdempotencyIo {
  /** Claim `key` for `inProgressMs`; says whether it is new, already completed or being processed. */
  begin(node: string, key: string, inProgressMs: number): Promise<IdempotencyBegin>;
  /** Give up a claim (the input failed), so a retry can take it. */
  release(node: string, key: string): Promise<void>;
}

/** How a step reaches storage: the local engine's store, or AWS. */
export interface StepIo {
  readObject(bucket: string, key: string): Promise<Buffer>;
  table(name: string): TableIo;
  /** The bytes of an offloaded envelope body (`s3://bucket/key`). */
  readPayload?(path: string): Promise<Uint8Array>;
  /** An object's user metadata, for the `ingestion-id` the writing step stamped on it. */
  objectMetadata?(bucket: string, key: string): Promise<Record<string, string> | undefined>;
  /**
   * Secret values by path, where they were looked up, and how to add missing ones (the default names
   * the local secrets file's JSON), for the error when one is missing.
   */
  secrets?(paths: string[]): Promise<{ values: Record<string, string | undefined>; source: string; howToAdd?: (paths: string[]) => string }>;
  idempotency?: IdempotencyIo;
  /** The language services a step `uses` (`ctx.sentiment`): the local model, or Amazon Comprehend. */
  sentiment?: SentimentBackend;
}

/** A structured log line from `ctx.log`. */
export interface LogLine {
  at: string;
  level: 'info';
  node: string;
  requestId: string;
  message: string;
  data?: Record<string, unknown>;
}

/** The execution in progress, which `ctx.ingestionId` reports. */
export interface ExecutionState {
  ingestionId: string;
}

const EMPTY_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({});

/** What building a ctx needs. */
export interface ContextOptions {
  bindings: StepBindings;
  io: StepIo;
  requestId: string;
  /** Epoch ms when the invocation times out. */
  deadline: number;
  logs: LogLine[];
  now?: () => number;
  /** The started step: config and secrets. Without it, `ctx.config` is empty and there are no secrets. */
  started?: StartedStep;
}

/** Set the ingestion id `ctx.ingestionId` reports (read-only to steps; the framework moves it per execution). */
export function setIngestionId(ctx: Ctx, ingestionId: string): void {
  (ctx as { ingestionId: string }).ingestionId = ingestionId;
}

const bodyHandedOut = new WeakSet<object>();

/** Envelope drafts whose body was validated when built (`ctx.dataAsset`): not checked again on the way out. */
export const validatedDrafts = new WeakSet<object>();

function bytesOf(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(JSON.stringify(body ?? null), 'utf8');
}

/**
 * The per-step part of `ctx` (everything but the invocation's request id, deadline, logs and ingestion
 * id), built once per started step and shared by its invocations as their prototype: building every
 * method per invocation cost more than the rest of an execution. Each method is a closure, so
 * `const { json } = ctx` works as before.
 */
const stepPrototypes = new WeakMap<StartedStep, WeakMap<StepIo, WeakMap<StepBindings, Ctx>>>();

/** Build the `ctx` a step receives. */
export function createContext(options: ContextOptions): Ctx {
  const { bindings, io, requestId, deadline, logs } = options;
  const now = options.now ?? Date.now;
  const started = options.started;
  let proto: Ctx | undefined;
  if (started) {
    let byIo = stepPrototypes.get(started);
    if (!byIo) stepPrototypes.set(started, (byIo = new WeakMap()));
    let byBindings = byIo.get(io);
    if (!byBindings) byIo.set(io, (byBindings = new WeakMap()));
    proto = byBindings.get(bindings);
    if (!proto) byBindings.set(bindings, (proto = stepContext(bindings, io, started)));
  } else proto = stepContext(bindings, io, undefined);
  const ctx = Object.create(proto) as Ctx & { requestId: string; ingestionId: string };
  const guard = started?.guard ?? NO_SECRETS;
  ctx.requestId = requestId;
  ctx.ingestionId = '';
  ctx.remainingTimeMs = () => Math.max(0, deadline - now());
  ctx.log = (message: string, data?: Record<string, unknown>) => {
    // Secrets never reach a log: their values are replaced in the message and in every field of the
    // data, before the line is serialized (so a secret JSON would escape is found too).
    const line: LogLine = { at: new Date(now()).toISOString(), level: 'info', node: bindings.node, requestId, message, ...(data ? { data } : {}) };
    logs.push(guard.empty ? line : guard.redactValue(line));
  };
  return ctx;
}

/** The methods and step-wide fields of `ctx`: what the step reads, what it returns, what it reaches. */
function stepContext(bindings: StepBindings, io: StepIo, started: StartedStep | undefined): Ctx {
  const ctx: Omit<Ctx, 'requestId' | 'ingestionId' | 'remainingTimeMs' | 'log'> = {
    node: bindings.node,
    pipeline: bindings.pipeline,
    stage: bindings.stage,
    env: bindings.environment,
    config: (started?.config ?? EMPTY_CONFIG) as Readonly<Record<string, unknown>>,
    ...inputReaders(bindings, io),
    ...outputBuilders(bindings),
    ...services(bindings, io, started),
  };
  return ctx as unknown as Ctx;
}

/** How the step names itself in errors. */
const stepName = (bindings: StepBindings) => `function '${bindings.node}'`;

/** Reading inputs and objects: `ctx.body`, `text`, `json` and `read`, each checked against the grants. */
function inputReaders(bindings: StepBindings, io: StepIo): Pick<Ctx, 'body' | 'text' | 'json' | 'read'> {
  const fnName = stepName(bindings);
  const body = async (input: StepInput): Promise<Buffer> => {
    if (input.kind === 'object') {
      if (!bindings.readableBuckets.includes(input.bucket)) {
        throw new PermissionDeniedError(`${fnName} has no 'read' permission on bucket '${input.bucket}'; trigger the function from the bucket (${input.bucket}.to(${bindings.node})) or through a queue or topic the bucket notifies`, { node: bindings.node, field: input.bucket, expected: 'read' });
      }
      return io.readObject(input.bucket, input.key);
    }
    if (input.kind === 'message') return input.envelope ? bytesOf(input.envelope.body) : Buffer.from(input.body, 'utf8');
    return Buffer.from(JSON.stringify(input.detail), 'utf8');
  };
  const parseJson = (text: string, input: StepInput) => {
    try {
      return JSON.parse(text);
    } catch (error) {
      const from = input.kind === 'object' ? `object '${input.key}' in bucket '${input.bucket}'` : input.kind === 'message' ? `message ${input.id}${input.queue ? ` from queue '${input.queue}'` : ''}` : 'scheduled event';
      throw new InputError('SLUICE_E_NOT_JSON', `${fnName}: ${from} is not JSON (${(error as Error).message}); starts with ${JSON.stringify(text.slice(0, 40))}`, { node: bindings.node, given: text.slice(0, 40), expected: 'JSON' });
    }
  };
  return {
    body,
    text: async (input) => (await body(input)).toString('utf8'),
    read: async (bucketOrPath: string, key?: string) => {
      let bucket = bucketOrPath;
      if (key === undefined) {
        const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(bucketOrPath);
        if (!match) throw new InputError('SLUICE_E_OBJECT_KEY', `${fnName}: ctx.read() takes a bucket and a key, or an s3://bucket/key path (given ${JSON.stringify(bucketOrPath)})`, { node: bindings.node, given: bucketOrPath, expected: 'bucket and key, or s3://bucket/key' });
        bucket = match[1]!;
        key = match[2]!;
      }
      if (!bindings.readableBuckets.includes(bucket)) {
        throw new PermissionDeniedError(`${fnName} has no 'read' permission on bucket '${bucket}'; declare ${bindings.node}.reads(${bucket})`, { node: bindings.node, field: bucket, expected: 'read' });
      }
      return io.readObject(bucket, key);
    },
    json: async (input) => {
      if (input.kind === 'message' && input.envelope && input.envelope.objectType !== 'rawContent') {
        const b = input.envelope.body;
        if (typeof b === 'string') return parseJson(b, input);
        if (b instanceof Uint8Array) return parseJson(Buffer.from(b).toString('utf8'), input);
        // The first call gets the decoded body itself; later calls a copy, so mutating one is safe.
        if (!bodyHandedOut.has(input)) {
          bodyHandedOut.add(input);
          return b as never;
        }
        return structuredClone(b) as never;
      }
      const parsed = parsedBodies.get(input);
      if (parsed !== undefined) {
        parsedBodies.delete(input); // a second call parses afresh, so mutating the first is safe
        return parsed as never;
      }
      return parseJson((await body(input)).toString('utf8'), input);
    },
  };
}

/** Building outputs: `ctx.object`, `message`, `envelope` and `dataAsset`, each checked where it is made. */
function outputBuilders(bindings: StepBindings): Pick<Ctx, 'object' | 'message' | 'envelope' | 'dataAsset' | 'notify'> {
  const fnName = stepName(bindings);
  const message = (data: string | object, opts: MessageOptions = {}): MessageOutput => {
    if (opts.to !== undefined && ![...bindings.queues, ...bindings.topics].some((t) => t.name === opts.to)) throw unreachable(bindings, 'message', opts.to);
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    if (typeof text !== 'string' || text.length === 0) throw new InputError('SLUICE_E_MESSAGE_BODY', `${fnName}: a message body must be non-empty text or a JSON value (SQS-07)`, { node: bindings.node, field: 'body', expected: 'non-empty text or a JSON value' });
    return { type: 'message', body: text, attributes: toAttributes(opts.attributes), ...(opts.to ? { to: opts.to } : {}), ...(opts.subject ? { subject: opts.subject } : {}), ...(opts.delaySeconds !== undefined ? { delaySeconds: opts.delaySeconds } : {}) };
  };
  const envelope = (data: unknown, opts: EnvelopeOptions = {}): MessageOutput => {
    if (data === undefined || typeof data === 'function' || typeof data === 'symbol') {
      throw new EnvelopeError('SLUICE_E_ENVELOPE_BODY', `${fnName}: an envelope body must be text, bytes or a JSON value (given ${typeof data})`, 'body');
    }
    const objectType = typeof opts.objectType === 'object' && opts.objectType !== null ? opts.objectType.name : opts.objectType ?? 'rawContent';
    const draft = {
      objectType,
      body: data,
      payloadMimeType: opts.payloadMimeType ?? defaultMimeType(data),
      ...(opts.dataAssetName !== undefined ? { dataAssetName: opts.dataAssetName } : {}),
      ...(opts.dataAssetCountry !== undefined ? { dataAssetCountry: opts.dataAssetCountry } : {}),
    };
    // The envelope's wire body is built when its outputs are stamped (outputs.ts), with the execution's id.
    return { ...message('-', { ...opts, attributes: opts.attributes }), body: '', envelope: draft };
  };
  return {
    object(key: string, data: string | Uint8Array, opts: ObjectOptions = {}): ObjectOutput {
      const keyProblem = objectKeyProblem(key);
      if (keyProblem) throw new InputError('SLUICE_E_OBJECT_KEY', `${fnName}: ${keyProblem}`, { node: bindings.node, field: 'key', given: key, expected: '1 to 1024 bytes of UTF-8' });
      if (opts.bucket !== undefined && !bindings.buckets.some((b) => b.name === opts.bucket)) throw unreachable(bindings, 'object', opts.bucket);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      if (!(bytes instanceof Uint8Array)) throw new InputError('SLUICE_E_OBJECT_BODY', `${fnName}: an object body must be a string or bytes (given ${typeof data})`, { node: bindings.node, field: 'body', given: typeof data, expected: 'a string or bytes' });
      return { type: 'object', key, body: bytes, ...(opts.bucket ? { bucket: opts.bucket } : {}), ...(opts.contentType ? { contentType: opts.contentType } : {}), ...(opts.metadata ? { metadata: opts.metadata } : {}) };
    },
    message,
    envelope,
    notify: notifyBuilder(bindings),
    dataAsset(asset: DataAsset, opts: MessageOptions = {}): MessageOutput {
      const valid = validateDataAsset(asset, `${fnName}: ctx.dataAsset()`);
      // Without an ingestionId of its own, the asset gets the execution's when its outputs are stamped.
      const body = { ...valid };
      const out = envelope(body, { ...opts, objectType: 'dataAsset', payloadMimeType: 'application/json', dataAssetName: valid.dataAssetName, dataAssetCountry: valid.dataAssetCountry });
      validatedDrafts.add(out.envelope!);
      return out;
    },
  };
}

/**
 * The error for an output naming a node the step cannot reach: a node of the right kind that is not
 * downstream needs its edge declared; a name no node has (or a node that takes no such output) gets
 * the list of what the step can reach, since declaring an edge to it would not help.
 */
function unreachable(bindings: StepBindings, output: 'message' | 'object', name: string): SluiceError {
  const fnName = stepName(bindings);
  const isMessage = output === 'message';
  const reachable = isMessage
    ? [...bindings.queues.map((q) => `queue '${q.name}'`), ...bindings.topics.map((t) => `topic '${t.name}'`)]
    : bindings.buckets.map((b) => `bucket '${b.name}'`);
  const kind = bindings.pipelineNodes?.[name];
  const details = { node: bindings.node, field: name, given: name, ...(reachable.length ? { expected: reachable.join(' | ') } : {}) };
  if (kind === undefined ? !bindings.pipelineNodes : (isMessage ? ['queue', 'topic'] : ['bucket']).includes(kind)) {
    // A node of the pipeline (or, on a deployed function that knows only its neighbours, maybe one): the edge is what is missing.
    return new PermissionDeniedError(`${fnName} has no ${isMessage ? "'send' or 'publish'" : "'write'"} permission on ${kind ? `${kind} '${name}'` : `'${name}'`}; declare ${bindings.node}.to(${name})`, { node: bindings.node, field: name, expected: isMessage ? 'send | publish' : 'write' });
  }
  const option = isMessage ? `ctx.message(..., { to: '${name}' })` : `ctx.object(..., { bucket: '${name}' })`;
  if (isMessage && kind === 'notify' && bindings.notifications?.includes(name)) {
    return new InputError('SLUICE_E_NO_TARGET', `${fnName}: ${option}: '${name}' is a notify node, which takes emails, not messages; send one with ctx.notify(subject, text, { to: '${name}' })`, details);
  }
  const problem = kind === undefined ? `no node of pipeline '${bindings.pipeline}' is named '${name}'` : `'${name}' is a ${kind}, which takes no ${output}s`;
  const fix = reachable.length
    ? `it can reach ${reachable.join(', ')}: name one of those, or leave '${isMessage ? 'to' : 'bucket'}' out to ${isMessage ? 'send' : 'write'} to all of them`
    : `it reaches no ${isMessage ? 'queue or topic' : 'bucket'}: declare one downstream, e.g. ${bindings.node}.to(${isMessage ? "queue('out')" : "bucket('out')"})`;
  return new InputError('SLUICE_E_NO_TARGET', `${fnName}: ${option}: ${problem}; ${fix}`, details);
}

/** What the step reaches besides data flowing through it: `ctx.secret` and `ctx.table`, checked against its declarations. */
function services(bindings: StepBindings, io: StepIo, started: StartedStep | undefined): Pick<Ctx, 'secret' | 'table' | 'sentiment'> {
  const fnName = stepName(bindings);
  return {
    sentiment: sentimentClient(bindings, io.sentiment),
    secret(path: string): string {
      if (!started) throw new PermissionDeniedError(`${fnName} has no secrets; reference one in its config: fn('${bindings.node}', { config: { key: secret('${path}') } })`, { node: bindings.node, field: path });
      return secretFor(started, bindings.node, path);
    },
    table(name: string): TableClient {
      const canRead = bindings.tablesRead.includes(name);
      const canWrite = bindings.tablesWritten.includes(name);
      const canDelete = bindings.tablesDeleted.includes(name);
      const deny = (use: 'read' | 'write' | 'delete') => {
        const declare = use === 'read' ? `${bindings.node}.reads(${name})` : use === 'write' ? `${bindings.node}.writes(${name})` : `${bindings.node}.writes(${name}) without { delete: false }`;
        throw new PermissionDeniedError(`${fnName} has no '${use}' permission on table '${name}'; declare ${declare}`, { node: bindings.node, field: name, expected: use });
      };
      // Check the grant before asking the backend for the table: a table the function never declared
      // (and maybe no node declares) must fail with the declaration to add, not "unknown table".
      const t = () => io.table(name);
      return {
        get: (key: Item) => (canRead ? t().get(key) : deny('read')),
        query: (pk, o) => (canRead ? t().query(pk, o) : deny('read')),
        scan: (o) => (canRead ? t().scan(o) : deny('read')),
        put: (item: Item) => (canWrite ? t().put(item) : deny('write')),
        delete: (key: Item) => (canDelete ? t().delete(key) : deny(canWrite ? 'delete' : 'write')),
      };
    },
  };
}
