/**
 * `component`, `source` and `sink`: the three kinds of step (Pylon's PipelineComponent,
 * SourceComponent and SinkComponent). Each wraps a function of one input and `ctx`; the framework does
 * all I/O, so the same file runs on the local engine and on Lambda. `result(outputs, metadata)` adds
 * metadata to the execution's ingestion step, as Pylon's `pylon.result()` does.
 */
import { InputError } from '../model/errors.js';
import { durationMs } from '../model/duration.js';
import type { InferOutput, StandardSchemaV1 } from '../envelope/object-types.js';
import type { HandlerDescriptor, Output, StepFunction, StepOptions, StepOutcome } from './types.js';

/** Marks handler descriptors; `Symbol.for` so separately bundled copies of the runtime agree. */
export const HANDLER = Symbol.for('sluice.handler');

/** Marks `result()` values. */
export const RESULT = Symbol.for('sluice.result');

/** The config type a step's options declare: the schema's output, or a plain record. */
type ConfigOf<O> = O extends { config: infer S } ? (S extends StandardSchemaV1 ? InferOutput<S> : Record<string, unknown>) : Record<string, unknown>;

// `any` below erases a step's config type (checked by its schema, not by a type the descriptor could
// keep): a StepFunction<{ url: string }> is not assignable to StepFunction<unknown>.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function describe(role: HandlerDescriptor['role'], step: StepFunction<any>, options: StepOptions<any> = {}): HandlerDescriptor {
  if (typeof step !== 'function') throw new InputError('SLUICE_E_STEP_OPTIONS', `${role}() takes a function (input, ctx) => outputs (given ${typeof step})`, { given: typeof step, expected: 'a function' });
  if (options === null || typeof options !== 'object') throw new InputError('SLUICE_E_STEP_OPTIONS', `${role}()'s second argument is its options object (given ${typeof options})`, { given: options === null ? 'null' : typeof options, expected: 'an options object' });
  if (options.config !== undefined && typeof options.config?.['~standard']?.validate !== 'function') {
    throw new InputError('SLUICE_E_STEP_OPTIONS', `${role}(): options.config must be a schema (zod or another Standard Schema library), e.g. z.object({ url: z.string() })`);
  }
  if (options.idempotencyKey !== undefined && typeof options.idempotencyKey !== 'function') {
    throw new InputError('SLUICE_E_STEP_OPTIONS', `${role}(): options.idempotencyKey must be a function (input) => key, e.g. (input) => input.envelope.body.id`);
  }
  if (options.idempotencyTtl !== undefined && !(Number(durationMs(options.idempotencyTtl)) > 0)) {
    throw new InputError('SLUICE_E_STEP_OPTIONS', `${role}(): options.idempotencyTtl must be a positive duration such as '1h' (given ${JSON.stringify(options.idempotencyTtl)})`);
  }
  return Object.freeze({ [HANDLER]: true as const, role, step, options: Object.freeze({ ...options }) });
}

/**
 * A step that turns each input into outputs: objects written to the buckets downstream, messages and
 * envelopes sent to the queues and topics downstream.
 * @example
 * export default component(async (input, ctx) => ctx.envelope(await ctx.json(input), { objectType: 'urlResource' }));
 * @example
 * export default component(async (input, ctx) => [], { config: z.object({ url: z.url() }), idempotencyKey: (i) => i.envelope.ingestionId });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any step options, their config type inferred below
export function component<O extends StepOptions<any> = StepOptions>(step: StepFunction<ConfigOf<O>>, options?: O): HandlerDescriptor {
  return describe('component', step, options);
}

/**
 * A step that starts data flowing, typically on a schedule or from a request: it ingests from outside
 * and returns outputs.
 * @example export default source(async (tick, ctx) => ctx.envelope({ resource: ctx.config.url }, { objectType: 'urlResource' }));
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for component()
export function source<O extends StepOptions<any> = StepOptions>(step: StepFunction<ConfigOf<O>>, options?: O): HandlerDescriptor {
  return describe('source', step, options);
}

/**
 * A step at the end of a flow: it consumes inputs and writes them to a data store (a table, or objects
 * in a bucket), sending no messages onwards.
 * @example export default sink(async (input, ctx) => { await ctx.table('seen').put({ id: input.envelope.ingestionId }); });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for component()
export function sink<O extends StepOptions<any> = StepOptions>(step: StepFunction<ConfigOf<O>>, options?: O): HandlerDescriptor {
  return describe('sink', step, options);
}

/**
 * Outputs with metadata for the execution's ingestion step (Pylon's `pylon.result(messages, metadata)`).
 * @example return result([ctx.dataAsset(asset)], { rows: asset.data.length });
 */
export function result(outputs: StepOutcome['outputs'], metadata: Record<string, unknown> = {}): StepOutcome {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InputError('SLUICE_E_STEP_RESULT', `result(outputs, metadata): metadata must be an object (given ${JSON.stringify(metadata)})`);
  }
  return Object.freeze({ [RESULT]: true as const, outputs, metadata });
}

/** Whether a value is a `result()`. */
export function isStepOutcome(value: unknown): value is StepOutcome {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[RESULT] === true;
}

/** Whether a value is a handler descriptor. */
export function isHandlerDescriptor(value: unknown): value is HandlerDescriptor {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HANDLER] === true;
}

export type { Output };

/** A handler as a module exports it. */
export type ResolvedHandler =
  | { kind: 'descriptor'; descriptor: HandlerDescriptor }
  | { kind: 'lambda'; handler: (event: unknown, context: unknown) => unknown };

/**
 * The handler a module exports: `default` or `handler`, a descriptor or a plain function.
 * Returns undefined when there is none, so callers can say what to export.
 */
export function resolveHandler(exports: Record<string, unknown>): ResolvedHandler | undefined {
  for (const value of [exports.default, exports.handler]) {
    if (isHandlerDescriptor(value)) return { kind: 'descriptor', descriptor: value };
  }
  for (const value of [exports.handler, exports.default]) {
    if (typeof value === 'function') return { kind: 'lambda', handler: value as (event: unknown, context: unknown) => unknown };
  }
  return undefined;
}

/** What synth needs to know of a handler that its wiring does not say (src/cloud/synth/handler-options.ts). */
export interface HandlerTraits {
  /** `descriptor` for `component`/`source`/`sink`, `lambda` for a plain `(event, context)` handler. */
  kind: 'descriptor' | 'lambda';
  /** Whether it records an ingestion step per execution (descriptor `lineage !== false`). */
  lineage: boolean;
  /** Whether it declares an `idempotencyKey`. */
  idempotency: boolean;
}

/** The traits of the handler a module exports, or undefined when it exports none. */
export function handlerTraits(exports: Record<string, unknown>): HandlerTraits | undefined {
  const handler = resolveHandler(exports);
  if (!handler) return undefined;
  if (handler.kind === 'lambda') return { kind: 'lambda', lineage: false, idempotency: false };
  const options = handler.descriptor.options ?? {};
  return { kind: 'descriptor', lineage: options.lineage !== false, idempotency: typeof options.idempotencyKey === 'function' };
}
