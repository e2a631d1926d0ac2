/**
 * Entry of a handler worker thread (bundled by esbuild, so it needs no TypeScript loader). Loads one
 * function's bundled handler, then runs invocations one at a time; object and payload reads, table
 * calls, secrets and idempotency records go to the main thread, which owns the store.
 */
import { localSentimentBackend } from './sentiment-model.js';
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { pathToFileURL } from 'node:url';
import { invokeHandler, resolveHandler, type ResolvedHandler } from '../runtime/invoke.js';
import type { StepIo } from '../runtime/context.js';
import type { StepBindings } from '../runtime/bindings.js';
import { serializedExecution, serializeError } from './invoker.js';
import type { CallName, CallRequest, FromWorker, InvokeItem, ToWorker, WorkerCalls } from './worker-protocol.js';

const port = parentPort!;
const { bundle, bindings, version, memoryMb } = workerData as { bundle: string; bindings: StepBindings; version?: string; memoryMb: number };

/**
 * Lambda's memory setting caps the whole sandbox, buffers included; the worker's heap limit alone
 * would let a handler allocate gigabytes of Buffers. So this thread's heap and external memory
 * (Buffers, ArrayBuffers) are measured while invocations run and at the end of each, and an
 * invocation that went over is failed as Lambda fails it, its sandbox (this worker) ended.
 */
const MEMORY_LIMIT_BYTES = memoryMb * 1024 * 1024;
let peakBytes = 0;
function sampleMemory(): void {
  const h = getHeapStatistics();
  peakBytes = Math.max(peakBytes, h.used_heap_size + h.external_memory);
}

const send = (message: FromWorker) => port.postMessage(message);

let nextRpc = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
/** Ask the engine, which owns the store: a typed call (worker-protocol.ts). */
function call<C extends CallName>(method: C, ...args: WorkerCalls[C]['args']): Promise<WorkerCalls[C]['result']> {
  const id = ++nextRpc;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    send({ type: 'rpc', id, method, args } as CallRequest);
  });
}

/** Bodies (when small) and metadata of the objects the current invocation's event names. */
let prefetched = new Map<string, { body: Uint8Array | null; metadata: Record<string, string> | null }>();

const io: StepIo = {
  readObject: async (bucket, key) => {
    const ready = prefetched.get(`${bucket}\0${key}`)?.body;
    if (ready) return Buffer.from(ready.buffer, ready.byteOffset, ready.byteLength);
    const bytes = await call('readObject', bucket, key);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
  readPayload: (path) => call('readPayload', path),
  objectMetadata: async (bucket, key) => {
    const ready = prefetched.get(`${bucket}\0${key}`);
    if (ready) return ready.metadata ?? undefined;
    return (await call('objectMetadata', bucket, key)) ?? undefined;
  },
  secrets: (paths) => call('secrets', paths),
  // The local model is a pure function of the text: it runs in the worker, with no round trip.
  sentiment: localSentimentBackend,
  idempotency: {
    begin: (node, key, inProgressMs) => call('idempotencyBegin', node, key, inProgressMs),
    release: (node, key) => call('idempotencyRelease', node, key),
  },
  table: (name) => ({
    get: (key) => call('tableGet', name, key),
    put: (item) => call('tablePut', name, item),
    delete: (key) => call('tableDelete', name, key),
    query: (pk, o) => call('tableQuery', name, pk, o),
    scan: (o) => call('tableScan', name, o),
  }),
};

let handler: ResolvedHandler | undefined;
try {
  handler = resolveHandler(await import(pathToFileURL(bundle).href));
  send({ type: 'ready', ok: handler !== undefined });
} catch (error) {
  send({ type: 'ready', ok: false, error: serializeError(error) });
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'rpc-result') {
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    // The engine's error, rebuilt with its name and code (a class does not cross threads): branch on `code`.
    if (msg.ok) p?.resolve(msg.value);
    else p?.reject(Object.assign(new Error(msg.error.errorMessage), { name: msg.error.errorType, code: msg.error.code }));
    return;
  }
  if (msg.type === 'shutdown') {
    // Nothing left to keep this thread alive: it ends once its output is flushed.
    port.close();
    return;
  }
  if (msg.type !== 'invoke' || !handler) return;
  queue.push(...msg.items);
  if (!draining) void drain();
});

// Invocations run one at a time, in the order they arrived, like requests to one Lambda sandbox.
const queue: InvokeItem[] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  // Sampled while the queue drains (allocations held across awaits), and after each invocation.
  const sampler = setInterval(sampleMemory, 20);
  while (queue.length) {
    const item = queue.shift()!;
    prefetched = new Map(item.objects.map(([b, k, body, metadata]) => [`${b}\0${k}`, { body, metadata }]));
    peakBytes = 0;
    try {
      const outcome = await invokeHandler(handler!, { event: JSON.parse(item.eventJson), requestId: item.requestId, deadline: Date.now() + item.timeoutMs, bindings, io, version });
      if (overMemory(item.id)) return;
      send({
        type: 'result', id: item.id, ok: true, response: outcome.response, outputs: outcome.outputs, logs: outcome.logs,
        failedRecords: outcome.failedRecords.map((f) => ({ recordId: f.recordId, error: serializeError(f.error) })),
        executions: outcome.executions.map(serializedExecution), consumedPayloads: outcome.consumedPayloads, completedKeys: outcome.completedKeys, duplicates: outcome.duplicates, started: outcome.started,
      });
    } catch (error) {
      if (overMemory(item.id)) return;
      send({ type: 'result', id: item.id, ok: false, error: serializeError(error) });
    }
  }
  clearInterval(sampler);
  draining = false;
}

/** Whether the invocation went over the memory limit; if so the engine is told, and this worker takes no more work. */
function overMemory(id: number): boolean {
  sampleMemory();
  if (peakBytes <= MEMORY_LIMIT_BYTES) return false;
  send({ type: 'memory', id, usedBytes: peakBytes });
  queue.length = 0;
  handler = undefined;
  return true;
}
