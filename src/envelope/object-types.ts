/**
 * objectType: what an envelope's body is. Pylon's types are built in, each with its body schema where
 * Pylon defines one; users add their own with `objectType(name, schema?)`, in a module both the
 * producing and the consuming step import. An envelope of a type that is neither is rejected, as
 * Pylon's ObjectType enum rejects an unknown value.
 */
import * as z from 'zod/mini';
import { dataAssetSchema } from './data-asset.js';
import { ingestionStepSchema } from './ingestion-step.js';
import { dataAssetNameSchema, objectTypeNameSchema, s3PathSchema } from './schema.js';
import { EnvelopeError, describeIssue } from './errors.js';

/** The Standard Schema interface (zod, valibot, arktype, ... implement it): how sluice validates user schemas. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** A Standard Schema validation result. */
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }> };

/** A schema's output type. */
export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown;

/** Pylon's object types. */
export const BUILT_IN_OBJECT_TYPES = ['dataAsset', 'ingestionStep', 'urlResource', 'updateNotification', 'rawContent', 'null', 'lambdaEvent'] as const;

/** A built-in object type name. */
export type BuiltInObjectType = (typeof BUILT_IN_OBJECT_TYPES)[number];

/** Pylon's URL resource record: the fact that data was fetched from a remote source into S3. */
export interface UrlResource {
  /** Where the fetched data was written: `s3://<bucket>/<key>`. */
  destination: string;
  /** The URL it was fetched from. */
  resource: string;
  metadata?: { size?: number; timestamp?: string; [key: string]: unknown };
  /** How the source authenticated: a reference such as `{ secret: '/path' }`, never the credential itself. */
  auth?: Record<string, string>;
}

/** Pylon's update notification: a data asset was updated. */
export interface UpdateNotification {
  dataAssetName: string;
  /** When, in epoch seconds. */
  dimUTCTimestamp: number;
  recordsUpdated: number;
  [key: string]: unknown;
}

const urlResourceSchema = z.looseObject({
  destination: s3PathSchema,
  resource: z.string({ error: 'must be text' }).check(z.regex(/^[a-z][a-z0-9+.-]*:/i, { error: "must be a URL such as 'https://example.com/data.json'" })),
  metadata: z.optional(z.looseObject({
    size: z.optional(z.number({ error: 'must be a number of bytes' })),
    timestamp: z.optional(z.string({ error: 'must be an ISO-8601 time' })),
  })),
  auth: z.optional(z.record(z.string(), z.string(), { error: 'must be an object of text values' })),
});

const updateNotificationSchema = z.looseObject({
  dataAssetName: dataAssetNameSchema,
  dimUTCTimestamp: z.number({ error: 'must be epoch seconds' }),
  recordsUpdated: z.number({ error: 'must be a number' }).check(z.int({ error: 'must be a whole number' }), z.gte(0, { error: 'must not be negative' })),
});

const nullSchema = z.union([z.null(), z.literal('')], { error: "must be null or '' (objectType 'null' carries no information)" });

/** Body schemas of the built-in types; rawContent and lambdaEvent take any body. */
const builtInSchemas: Partial<Record<BuiltInObjectType, StandardSchemaV1>> = {
  dataAsset: dataAssetSchema,
  ingestionStep: ingestionStepSchema,
  urlResource: urlResourceSchema,
  updateNotification: updateNotificationSchema,
  null: nullSchema,
};

interface Registry {
  types: Map<string, { schema?: StandardSchemaV1 }>;
}

// Shared through globalThis so that copies of the runtime bundled separately (or loaded twice) agree.
const REGISTRY = Symbol.for('sluice.objectTypes');
function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[REGISTRY] ??= { types: new Map() });
}

/** A user-defined object type, as `objectType()` returns it. */
export interface ObjectType<Body = unknown> {
  readonly name: string;
  readonly schema?: StandardSchemaV1<unknown, Body>;
}

/**
 * Define an object type of your own, optionally with a schema for its body (zod or any Standard
 * Schema library). Call it in a module that the steps producing and consuming it both import.
 * @example
 * export const order = objectType('order', z.object({ id: z.string(), total: z.number() }));
 * // in a step: return ctx.envelope({ id: 'o-1', total: 12 }, { objectType: order });
 */
export function objectType<Body = unknown>(name: string, schema?: StandardSchemaV1<unknown, Body>): ObjectType<Body> {
  const parsed = objectTypeNameSchema.safeParse(name, { reportInput: true });
  if (!parsed.success) throw new EnvelopeError('SLUICE_E_OBJECT_TYPE_NAME', `objectType(): ${describeIssue(parsed.error.issues[0]!, 'the name')}`);
  if ((BUILT_IN_OBJECT_TYPES as readonly string[]).includes(name)) {
    throw new EnvelopeError('SLUICE_E_OBJECT_TYPE_NAME', `objectType(): '${name}' is one of Pylon's built-in object types (${BUILT_IN_OBJECT_TYPES.join(', ')}); use it by name`);
  }
  registry().types.set(name, schema ? { schema } : {});
  return Object.freeze({ name, ...(schema ? { schema } : {}) });
}

/** Whether an object type is built in or defined; undefined when unknown, else its body schema (if any). */
export function lookupObjectType(name: string): { known: boolean; schema?: StandardSchemaV1 } {
  if ((BUILT_IN_OBJECT_TYPES as readonly string[]).includes(name)) {
    const schema = builtInSchemas[name as BuiltInObjectType];
    return schema ? { known: true, schema } : { known: true };
  }
  const user = registry().types.get(name);
  return user ? { known: true, ...user } : { known: false };
}

/** The names of every known object type, for error messages. */
export function knownObjectTypes(): string[] {
  return [...BUILT_IN_OBJECT_TYPES, ...registry().types.keys()];
}
