/**
 * `ctx`, built per invocation: reads go through the step's I/O backend (local store or AWS), outputs
 * are collected for the framework to write, and every access is checked against the step's grants,
 * so a missing edge fails locally with the edge to declare.
 */
import { PermissionDeniedError, InputError } from '../model/errors.js';
import { toAttributes } from './attributes.js';
import { parsedBodies } from './events.js';
import type { StepBindings } from './bindings.js';
import type { Ctx, Item, MessageOptions, ObjectOptions, ObjectOutput, MessageOutput, StepInput, TableClient } from './types.js';

/** Table access without grant checks; the backend's side. */
export type TableIo = TableClient;

/** How a step reaches storage: the local engine's store, or AWS. */
export interface StepIo {
  readObject(bucket: string, key: string): Promise<Buffer>;
  table(name: string): TableIo;
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

/** What building a ctx needs. */
export interface ContextOptions {
  bindings: StepBindings;
  io: StepIo;
  requestId: string;
  /** Epoch ms when the invocation times out. */
  deadline: number;
  logs: LogLine[];
  now?: () => number;
}

/** Build the `ctx` a step receives. */
export function createContext(options: ContextOptions): Ctx {
  const { bindings, io, requestId, deadline, logs } = options;
  const now = options.now ?? Date.now;
  const fnName = `function '${bindings.node}'`;
  const body = async (input: StepInput): Promise<Buffer> => {
    if (input.kind === 'object') {
      if (!bindings.readableBuckets.includes(input.bucket)) {
        throw new PermissionDeniedError(`${fnName} has no 'read' permission on bucket '${input.bucket}'; trigger the function from the bucket (${input.bucket}.to(${bindings.node})) or through a queue or topic the bucket notifies`);
      }
      return io.readObject(input.bucket, input.key);
    }
    if (input.kind === 'message') return Buffer.from(input.body, 'utf8');
    return Buffer.from(JSON.stringify(input.detail), 'utf8');
  };
  return {
    node: bindings.node,
    pipeline: bindings.pipeline,
    stage: bindings.stage,
    requestId,
    env: bindings.environment,
    remainingTimeMs: () => Math.max(0, deadline - now()),
    body,
    text: async (input) => (await body(input)).toString('utf8'),
    json: async (input) => {
      const parsed = parsedBodies.get(input);
      if (parsed !== undefined) {
        parsedBodies.delete(input); // a second call parses afresh, so mutating the first is safe
        return parsed as never;
      }
      const text = (await body(input)).toString('utf8');
      try {
        return JSON.parse(text);
      } catch (error) {
        const from = input.kind === 'object' ? `object '${input.key}' in bucket '${input.bucket}'` : input.kind === 'message' ? `message ${input.id}${input.queue ? ` from queue '${input.queue}'` : ''}` : 'scheduled event';
        throw new InputError('SLUICE_E_NOT_JSON', `${fnName}: ${from} is not JSON (${(error as Error).message}); starts with ${JSON.stringify(text.slice(0, 40))}`);
      }
    },
    object(key: string, data: string | Uint8Array, opts: ObjectOptions = {}): ObjectOutput {
      if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > 1024) {
        throw new InputError('SLUICE_E_OBJECT_KEY', `${fnName}: an object key must be 1 to 1024 bytes of text (given ${JSON.stringify(key)})`);
      }
      if (opts.bucket !== undefined && !bindings.buckets.some((b) => b.name === opts.bucket)) {
        throw new PermissionDeniedError(`${fnName} has no 'write' permission on bucket '${opts.bucket}'; declare ${bindings.node}.to(${opts.bucket})`);
      }
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      if (!(bytes instanceof Uint8Array)) throw new InputError('SLUICE_E_OBJECT_BODY', `${fnName}: an object body must be a string or bytes (given ${typeof data})`);
      return { type: 'object', key, body: bytes, ...(opts.bucket ? { bucket: opts.bucket } : {}), ...(opts.contentType ? { contentType: opts.contentType } : {}), ...(opts.metadata ? { metadata: opts.metadata } : {}) };
    },
    message(data: string | object, opts: MessageOptions = {}): MessageOutput {
      if (opts.to !== undefined && ![...bindings.queues, ...bindings.topics].some((t) => t.name === opts.to)) {
        throw new PermissionDeniedError(`${fnName} has no 'send' or 'publish' permission on '${opts.to}'; declare ${bindings.node}.to(${opts.to})`);
      }
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      if (typeof text !== 'string' || text.length === 0) throw new InputError('SLUICE_E_MESSAGE_BODY', `${fnName}: a message body must be non-empty text or a JSON value (SQS-07)`);
      return { type: 'message', body: text, attributes: toAttributes(opts.attributes), ...(opts.to ? { to: opts.to } : {}), ...(opts.subject ? { subject: opts.subject } : {}), ...(opts.delaySeconds !== undefined ? { delaySeconds: opts.delaySeconds } : {}) };
    },
    table(name: string): TableClient {
      const canRead = bindings.tablesRead.includes(name);
      const canWrite = bindings.tablesWritten.includes(name);
      const deny = (use: 'read' | 'write') => {
        throw new PermissionDeniedError(`${fnName} has no '${use}' permission on table '${name}'; declare ${bindings.node}.${use === 'read' ? 'reads' : 'writes'}(${name})`);
      };
      // Check the grant before asking the backend for the table: a table the function never declared
      // (and maybe no node declares) must fail with the declaration to add, not "unknown table".
      const t = () => io.table(name);
      return {
        get: (key: Item) => (canRead ? t().get(key) : deny('read')),
        query: (pk, o) => (canRead ? t().query(pk, o) : deny('read')),
        scan: (o) => (canRead ? t().scan(o) : deny('read')),
        put: (item: Item) => (canWrite ? t().put(item) : deny('write')),
        delete: (key: Item) => (canWrite ? t().delete(key) : deny('write')),
      };
    },
    log(message: string, data?: Record<string, unknown>) {
      logs.push({ at: new Date(now()).toISOString(), level: 'info', node: bindings.node, requestId, message, ...(data ? { data } : {}) });
    },
  };
}
