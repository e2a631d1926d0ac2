/**
 * The I/O a step gets on the local engine: object reads from the store and blob files, table access
 * on the store's items with the table's key schema.
 */
import { InputError } from '../model/errors.js';
import type { StepIo, TableIo } from '../runtime/context.js';
import type { EngineStore as Store } from './store/types.js';
import type { KeySchema } from './store/items.js';

/** Step I/O over a store; `tables` gives each table's key schema. */
export function localStepIo(store: Store, tables: Map<string, KeySchema>): StepIo {
  return {
    async readObject(bucket: string, key: string): Promise<Buffer> {
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
    },
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
  };
}
