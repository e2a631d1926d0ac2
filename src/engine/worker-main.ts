/**
 * Entry of a handler worker thread (bundled by esbuild, so it needs no TypeScript loader). Loads one
 * function's bundled handler, then runs invocations one at a time; object and payload reads, table
 * calls, secrets and idempotency records go to the main thread, which owns the store.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { invokeHandler, resolveHandler, type ResolvedHandler } from '../runtime/invoke.js';
import type { StepIo } from '../runtime/context.js';
import type { StepBindings } from '../runtime/bindings.js';
import { serializedExecution } from './invoker.js';

const port = parentPort!;
const { bundle, bindings, version } = workerData as { bundle: string; bindings: StepBindings; version?: string };

function serialize(error: unknown) {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return { errorType: e.name, errorMessage: e.message, trace: (e.stack ?? '').split('\n').slice(1).map((l) => l.trim()).filter(Boolean), ...(typeof code === 'string' ? { code } : {}) };
}

let nextRpc = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
function rpc(method: string, args: unknown[]): Promise<any> {
  const id = ++nextRpc;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    port.postMessage({ type: 'rpc', id, method, args });
  });
}

/** Bodies (when small) and metadata of the objects the current invocation's event names. */
let prefetched = new Map<string, { body: Uint8Array | null; metadata: Record<string, string> | null }>();

const io: StepIo = {
  readObject: async (bucket, key) => {
    const ready = prefetched.get(`${bucket}\0${key}`)?.body;
    if (ready) return Buffer.from(ready.buffer, ready.byteOffset, ready.byteLength);
    const v = await rpc('readObject', [bucket, key]);
    return typeof v === 'string' ? (await import('node:fs/promises')).readFile(v) : Buffer.from(v);
  },
  readPayload: async (path) => new Uint8Array(await rpc('readPayload', [path])),
  objectMetadata: async (bucket, key) => {
    const ready = prefetched.get(`${bucket}\0${key}`);
    if (ready) return ready.metadata ?? undefined;
    return (await rpc('objectMetadata', [bucket, key])) ?? undefined;
  },
  secrets: (paths) => rpc('secrets', [paths]),
  idempotency: {
    begin: (node, key, inProgressMs) => rpc('idempotencyBegin', [node, key, inProgressMs]),
    release: (node, key) => rpc('idempotencyRelease', [node, key]),
  },
  table: (name) => ({
    get: (key) => rpc('table', [name, 'get', key]),
    put: (item) => rpc('table', [name, 'put', item]),
    delete: (key) => rpc('table', [name, 'delete', key]),
    query: (pk, o) => rpc('table', [name, 'query', pk, o]),
    scan: (o) => rpc('table', [name, 'scan', o]),
  }),
};

let handler: ResolvedHandler | undefined;
try {
  handler = resolveHandler(await import(pathToFileURL(bundle).href));
  port.postMessage({ type: 'ready', ok: handler !== undefined });
} catch (error) {
  port.postMessage({ type: 'ready', ok: false, error: serialize(error) });
}

port.on('message', async (msg: any) => {
  if (msg.type === 'rpc-result') {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.ok) p?.resolve(msg.value);
    else p?.reject(Object.assign(new Error(msg.error.errorMessage), { name: msg.error.errorType, code: msg.error.code }));
    return;
  }
  if (msg.type !== 'invoke' || !handler) return;
  queue.push(...msg.items);
  if (!draining) void drain();
});

interface InvokeItem {
  id: number;
  eventJson: string;
  objects: Array<[string, string, Uint8Array | null, Record<string, string> | null]>;
  requestId: string;
  timeoutMs: number;
}

// Invocations run one at a time, in the order they arrived, like requests to one Lambda sandbox.
const queue: InvokeItem[] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  while (queue.length) {
    const item = queue.shift()!;
    prefetched = new Map(item.objects.map(([b, k, body, metadata]) => [`${b}\0${k}`, { body, metadata }]));
    try {
      const outcome = await invokeHandler(handler!, { event: JSON.parse(item.eventJson), requestId: item.requestId, deadline: Date.now() + item.timeoutMs, bindings, io, version });
      port.postMessage({
        type: 'result', id: item.id, ok: true, response: outcome.response, outputs: outcome.outputs, logs: outcome.logs,
        failedRecords: outcome.failedRecords.map((f) => ({ recordId: f.recordId, error: serialize(f.error) })),
        executions: outcome.executions.map(serializedExecution), consumedPayloads: outcome.consumedPayloads, completedKeys: outcome.completedKeys, duplicates: outcome.duplicates, started: outcome.started,
      });
    } catch (error) {
      port.postMessage({ type: 'result', id: item.id, ok: false, error: serialize(error) });
    }
  }
  draining = false;
}
