/**
 * Idempotency records on AWS: Powertools for AWS Lambda's Idempotency persistence layer over the
 * stage's idempotency table (partition key `id`, TTL attribute `expiration`), behind the
 * `IdempotencyIo` interface the step adapter uses locally too. Record ids are
 * `<function physical name>#<hash of the key>`: the function's grant allows only its own prefix.
 *
 * Why the persistence layer and not `makeIdempotent`: Powertools' wrapper marks a record completed as
 * soon as the wrapped function returns, while sluice must complete a key only after the outputs of its
 * record were written (after the whole invocation's writes), and must give the key back when those
 * writes fail. The persistence layer's public primitives (`saveInProgress`, `getRecord`,
 * `saveSuccess`, `deleteRecord`) express exactly that, with Powertools' own conditional write (new,
 * expired, or in progress past its deadline) and record format. Its `deleteRecord` is unconditional,
 * unlike the local store's release (which removes only an in-progress record); sluice releases only
 * keys it claimed and did not complete, so the two agree.
 */
import { IdempotencyConfig, IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InputError } from '../../model/errors.js';
import type { IdempotencyBegin, IdempotencyIo } from '../context.js';

/** Idempotency records that can also be completed (the local engine completes them in its commit). */
export interface AwsIdempotency extends IdempotencyIo {
  /** Mark `key` processed by `ingestionId`; call once the outputs of its record are written. */
  complete(node: string, key: string, ingestionId: string): Promise<void>;
}

/** Options of `powertoolsIdempotency`. */
export interface PowertoolsIdempotencyOptions {
  /** The idempotency table's physical name (`SLUICE_IDEMPOTENCY_TABLE`). */
  tableName: string;
  /** The function's physical name: the prefix of every record id. */
  functionName: string;
  /** How long a completed key is remembered (the handler's `idempotencyTtl`). */
  ttlMs: number;
  client: DynamoDBClient;
}

/**
 * Idempotency records in DynamoDB through Powertools Idempotency.
 * @example const records = powertoolsIdempotency({ tableName, functionName: 'p-dev-once', ttlMs: 3_600_000, client });
 */
export function powertoolsIdempotency(options: PowertoolsIdempotencyOptions): AwsIdempotency {
  const layer = new DynamoDBPersistenceLayer({ tableName: options.tableName, awsSdkV3Client: options.client });
  // The TTL is the handler's, fixed for the function; one layer per function, configured once.
  // Records are hashed from the key alone (no JMESPath): the key is what the handler chose.
  layer.configure({ config: new IdempotencyConfig({ expiresAfterSeconds: Math.max(1, Math.ceil(options.ttlMs / 1000)) }), keyPrefix: options.functionName });
  const failed = (node: string, key: string, what: string, error: unknown) => {
    const e = error as Error;
    return new InputError('SLUICE_E_IDEMPOTENCY_STORE', `function '${node}': ${what} idempotency key '${key}' in table '${options.tableName}' failed (${e?.name}: ${e?.message}); the input will be retried`);
  };
  return {
    async begin(node, key, inProgressMs): Promise<IdempotencyBegin> {
      try {
        await layer.saveInProgress(key, inProgressMs);
        return { status: 'new' };
      } catch (error) {
        if ((error as Error)?.name !== 'IdempotencyItemAlreadyExistsError') throw failed(node, key, 'claiming', error);
        let record = (error as { existingRecord?: IdempotencyRecord }).existingRecord;
        if (!record) {
          // Without ReturnValuesOnConditionCheckFailure's item (older emulators), read the record.
          try {
            record = await layer.getRecord(key);
          } catch (readError) {
            // Released between the two calls: the input is retried and will claim it then.
            if ((readError as Error)?.name === 'IdempotencyItemNotFoundError') return { status: 'in-progress' };
            throw failed(node, key, 'reading', readError);
          }
        }
        return beginOf(record);
      }
    },
    async release(node, key) {
      try {
        await layer.deleteRecord(key);
      } catch (error) {
        throw failed(node, key, 'releasing', error);
      }
    },
    async complete(node, key, ingestionId) {
      try {
        await layer.saveSuccess(key, { ingestionId });
      } catch (error) {
        throw failed(node, key, 'completing', error);
      }
    },
  };
}

/** What an existing record means for an input that tries to claim it. */
function beginOf(record: IdempotencyRecord): IdempotencyBegin {
  let status: string;
  try {
    status = record.getStatus();
  } catch {
    status = IdempotencyRecordStatus.INPROGRESS; // an unknown status: retry rather than skip
  }
  if (status === IdempotencyRecordStatus.COMPLETED) {
    const response = record.getResponse() as { ingestionId?: unknown } | undefined;
    return { status: 'completed', ingestionId: typeof response?.ingestionId === 'string' ? response.ingestionId : '' };
  }
  // In progress elsewhere, or expired while the conditional write said otherwise (clock skew): retry.
  return { status: 'in-progress' };
}

/**
 * Idempotency for a function whose environment has no `SLUICE_IDEMPOTENCY_TABLE` although its handler
 * has an `idempotencyKey` (deployed before it had one): each keyed input fails with what to do.
 */
export function missingIdempotencyTable(): AwsIdempotency {
  const fail = (node: string): never => {
    throw new InputError('SLUICE_E_IDEMPOTENCY', `function '${node}' has an idempotencyKey but its environment has no SLUICE_IDEMPOTENCY_TABLE; redeploy the stack, which creates the idempotency table and sets it`);
  };
  return { begin: async (node) => fail(node), release: async () => undefined, complete: async (node) => fail(node) };
}
