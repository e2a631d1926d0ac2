/**
 * The I/O a step gets on the local engine: object reads from the store and blob files, table access
 * on the store's items with the table's key schema, offloaded envelope bodies from the local payload
 * bucket, object metadata (for lineage), secrets from the local secrets file, and idempotency records.
 */
import { InputError } from '../model/errors.js';
import { parseS3Path } from '../envelope/offload.js';
import type { StepIo, TableIo } from '../runtime/context.js';
import type { EngineStore as Store } from './store/types.js';
import type { KeySchema } from './store/items.js';
import { localSentimentBackend } from './sentiment-model.js';

/** Where a local step's secrets come from: their values, and where they were looked up (for errors). */
export type SecretsSource = () => { values: Record<string, string>; source: string };

/** Options of `localStepIo`. */
export interface LocalIoOptions {
  /** Each table's key schema. */
  tables: Map<string, KeySchema>;
  /** The engine clock (idempotency records expire on it). */
  now: () => number;
  /** The local secrets; none when omitted. */
  secrets?: SecretsSource;
}

/** Step I/O over a store. */
export function localStepIo(store: Store, options: LocalIoOptions): StepIo {
  const { tables, now } = options;
  const readObject = async (bucket: string, key: string): Promise<Buffer> => {
    // Two tries: an overwrite can remove the blob between the lookup and the read.
    for (let attempt = 0; ; attempt++) {
      const o = store.objects.get(bucket, key);
      if (!o) throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}' (NoSuchKey)`);
      try {
        return await store.blobs.readAsync(o.blob);
      } catch (error) {
        if (attempt > 0) throw error;
      }
    }
  };
  return {
    readObject,
    table(name: string): TableIo {
      const schema = tables.get(name);
      if (!schema) throw new InputError('SLUICE_E_UNKNOWN_NODE', `table '${name}' is not in the pipeline (its tables: ${[...tables.keys()].join(', ') || 'none'})`);
      return {
        get: async (key) => store.items.get(schema, key),
        put: async (item) => store.items.put(schema, item),
        delete: async (key) => store.items.remove(schema, key),
        query: async (pk, o) => store.items.query(schema, pk, o?.limit, o?.descending),
        scan: async (o) => store.items.scan(schema, o?.limit),
      };
    },
    async readPayload(path: string): Promise<Uint8Array> {
      const where = parseS3Path(path);
      if (!where) throw new InputError('SLUICE_E_PAYLOAD', `'${path}' is not an s3://bucket/key path`);
      // A Pylon producer may point at an object in one of the pipeline's buckets; the rest is the payload bucket.
      if (store.objects.get(where.bucket, where.key)) return readObject(where.bucket, where.key);
      const payload = store.payloads.get(where.key);
      if (!payload) throw new InputError('SLUICE_E_PAYLOAD', `payload '${path}' does not exist (consumed already, or expired by the payload bucket's lifecycle rule)`);
      return store.blobs.readAsync(payload.blob);
    },
    async objectMetadata(bucket: string, key: string) {
      return store.objects.get(bucket, key)?.metadata;
    },
    ...(options.secrets ? { secrets: async (paths: string[]) => {
      const { values, source } = options.secrets!();
      return { values: Object.fromEntries(paths.map((p) => [p, values[p]])), source };
    } } : {}),
    sentiment: localSentimentBackend,
    idempotency: {
      begin: async (node, key, inProgressMs) => {
        const t = now();
        return store.idempotency.begin(node, key, t, t + inProgressMs);
      },
      release: async (node, key) => store.idempotency.release(node, key),
    },
  };
}
