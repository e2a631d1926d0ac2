/**
 * Encoding and decoding envelopes. On the wire an envelope is one JSON object: Pylon's fields,
 * `schemaVersion`, and the body last, inline as a JSON value (a string for text, base64 text with
 * `payloadEncoding: 'base64'` for bytes) or null when offloaded to S3. Decoding checks the schema, the
 * version and the objectType; the body's own schema is checked by `validateBody` (it may be async).
 */
import { ENVELOPE_VERSION } from './version.js';
import { envelopeWireSchema, type EnvelopeWire } from './schema.js';
import { EnvelopeError, describeIssue, issuePath } from './errors.js';
import { issuesError } from './data-asset.js';
import { knownObjectTypes, lookupObjectType, type StandardSchemaV1 } from './object-types.js';

/** An envelope as a step sees it, its body decoded (fetched first when it was offloaded). */
export interface Envelope<Body = unknown> {
  schemaVersion: number;
  /** What the body is: a Pylon type (`dataAsset`, `urlResource`, ...) or one defined with `objectType()`. */
  objectType: string;
  /** Where the body travelled: in the message, or in the payload bucket. */
  payloadType: 'inline' | 's3';
  payloadMimeType: string;
  /** The ingestion step that produced it; '' for an input no step produced (a root input). */
  ingestionId: string;
  /** A JSON value for JSON types, a string for text, bytes for other types. */
  body: Body;
  /** Where the body was stored, when offloaded. */
  payloadS3Path?: string;
  dataAssetName?: string;
  dataAssetCountry?: string;
}

/** What a step gives to build an envelope; the framework adds the ingestion id and payload fields. */
export interface EnvelopeDraft {
  objectType: string;
  body: unknown;
  payloadMimeType?: string;
  dataAssetName?: string;
  dataAssetCountry?: string;
}

/** Whether a MIME type is JSON (`application/json`, `application/*+json`, Pylon's `text/json`). */
export function isJsonMime(mime: string): boolean {
  return /^(application\/([\w.-]+\+)?json|text\/json)\b/i.test(mime);
}

/** Whether a MIME type is text (its body a string). */
export function isTextMime(mime: string): boolean {
  return /^text\//i.test(mime) || /^application\/([\w.-]+\+)?(xml|csv|yaml|javascript)\b/i.test(mime);
}

/** The MIME type of a body a step gave without one. */
export function defaultMimeType(body: unknown): string {
  if (typeof body === 'string') return 'text/plain';
  if (body instanceof Uint8Array) return 'application/octet-stream';
  return 'application/json';
}

/**
 * Whether a parsed message body claims to be an envelope: it has `schemaVersion`, or Pylon's
 * `objectType` and `payloadType`. Such a message is validated; any other is raw content.
 */
export function looksLikeEnvelope(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.schemaVersion !== undefined || (typeof v.objectType === 'string' && typeof v.payloadType === 'string');
}

/**
 * Check a parsed envelope against the version 1 schema and the known object types.
 * `where` starts each error message (`function 'parse': message 4f1 from queue 'work'`).
 */
export function parseEnvelope(value: Record<string, unknown>, where: string): EnvelopeWire & { payloadEncoding?: 'base64' } {
  const version = value.schemaVersion;
  if (typeof version === 'number' && version > ENVELOPE_VERSION) {
    throw new EnvelopeError('SLUICE_E_ENVELOPE_VERSION', `${where}: envelope schemaVersion ${version} is newer than this runtime reads (${ENVELOPE_VERSION}); upgrade sluice in this step`, 'schemaVersion');
  }
  const parsed = envelopeWireSchema.safeParse(value);
  // Parsed again to report the values given, only when it failed.
  if (!parsed.success) throw issuesError('SLUICE_E_ENVELOPE', `${where} is not a valid envelope`, envelopeWireSchema.safeParse(value, { reportInput: true }).error!.issues, 'the envelope');
  const wire = parsed.data;
  if (!lookupObjectType(wire.objectType).known) throw unknownObjectType(wire.objectType, where);
  return wire;
}

/** The error for an objectType that is neither Pylon's nor defined with `objectType()`. */
export function unknownObjectType(name: string, where: string): EnvelopeError {
  return new EnvelopeError('SLUICE_E_OBJECT_TYPE', `${where}: objectType '${name}' is not a Pylon object type or one defined with objectType() (known: ${knownObjectTypes().join(', ')}); define it with objectType('${name}') in a module the producing and consuming steps both import`, 'objectType');
}

/** The body of an inline envelope, decoded: bytes for base64, otherwise the JSON value itself. */
export function inlineBody(wire: EnvelopeWire): unknown {
  if (wire.payloadEncoding === 'base64') {
    if (typeof wire.body !== 'string') throw new EnvelopeError('SLUICE_E_ENVELOPE', "field 'body' must be base64 text when payloadEncoding is 'base64'", 'body');
    return new Uint8Array(Buffer.from(wire.body, 'base64'));
  }
  return wire.body;
}

/** An offloaded body's bytes, decoded by its MIME type: JSON parsed, text as a string, bytes as they are. */
export function payloadBody(bytes: Uint8Array, mime: string, where: string): unknown {
  if (isJsonMime(mime)) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new EnvelopeError('SLUICE_E_ENVELOPE_BODY', `${where}: the offloaded body is not the JSON its payloadMimeType '${mime}' says (${(error as Error).message})`, 'body');
    }
  }
  if (isTextMime(mime)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return bytes;
}

/** An envelope's body as the bytes stored when it is offloaded. */
export function payloadBytes(draft: { body: unknown; payloadMimeType: string }): Uint8Array {
  const { body } = draft;
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/**
 * Check a body against its object type's schema (built in, or given to `objectType()`). Returns the
 * value the schema produced. `where` starts the error (`function 'parse' returned an envelope`).
 */
export async function validateBody(objectTypeName: string, body: unknown, mime: string, where: string): Promise<unknown> {
  const { known, schema } = lookupObjectType(objectTypeName);
  if (!known) throw unknownObjectType(objectTypeName, where);
  if (!schema) return body;
  let value = body;
  // A Pylon producer may send a JSON body as a string; validate what it holds.
  if (typeof body === 'string' && isJsonMime(mime) && objectTypeName !== 'null') {
    try {
      value = JSON.parse(body);
    } catch (error) {
      throw new EnvelopeError('SLUICE_E_ENVELOPE_BODY', `${where}: the body of objectType '${objectTypeName}' is not JSON (${(error as Error).message})`, 'body');
    }
  }
  const result = await standardValidate(schema, value);
  if (result.issues) {
    const first = result.issues[0]!;
    const path = issuePath(first);
    const more = result.issues.length > 1 ? `; and ${result.issues.length - 1} more problem${result.issues.length === 2 ? '' : 's'}` : '';
    throw new EnvelopeError('SLUICE_E_ENVELOPE_BODY', `${where}: its ${objectTypeName} body is not valid: ${describeIssue({ ...first, path: ['body', ...(first.path ?? [])] }, 'the body')}${more}`, path ? `body.${path}` : 'body');
  }
  return body;
}

/** Run a Standard Schema, sync or async; zod schemas are given `reportInput` so errors show the value. */
export async function standardValidate(schema: StandardSchemaV1, value: unknown): Promise<{ value?: unknown; issues?: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>; input?: unknown }> }> {
  const zod = schema as unknown as { safeParse?: (v: unknown, o: object) => { success: boolean; data?: unknown; error?: { issues: Array<{ message: string; path: PropertyKey[]; input?: unknown }> } } };
  if (typeof zod.safeParse === 'function' && (schema['~standard']?.vendor === 'zod')) {
    const r = zod.safeParse(value, {});
    // Parsed again to report the values given, only when it failed.
    return r.success ? { value: r.data } : { issues: zod.safeParse(value, { reportInput: true }).error!.issues };
  }
  return await schema['~standard'].validate(value);
}

/** An inline envelope ready to send: the wire object (body last) and its JSON text. */
export function wireOf(draft: Required<Pick<EnvelopeDraft, 'objectType' | 'payloadMimeType'>> & EnvelopeDraft, ingestionId: string, offloadedTo?: string): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    schemaVersion: ENVELOPE_VERSION,
    objectType: draft.objectType,
    payloadType: offloadedTo ? 's3' : 'inline',
    payloadMimeType: draft.payloadMimeType,
    ingestionId,
  };
  if (offloadedTo) wire.payloadS3Path = offloadedTo;
  if (draft.dataAssetName !== undefined) wire.dataAssetName = draft.dataAssetName;
  if (draft.dataAssetCountry !== undefined) wire.dataAssetCountry = draft.dataAssetCountry;
  if (offloadedTo) wire.body = null;
  else if (draft.body instanceof Uint8Array) {
    wire.payloadEncoding = 'base64';
    wire.body = Buffer.from(draft.body).toString('base64');
  } else wire.body = draft.body === undefined ? null : draft.body;
  return wire;
}

/**
 * The message attributes of an envelope: `objectType`, and `dataAssetName` / `dataAssetCountry` when
 * set, so topic subscriptions can filter on them (Pylon's composition by objectType).
 */
export function envelopeAttributes(draft: Pick<EnvelopeDraft, 'objectType' | 'dataAssetName' | 'dataAssetCountry'>): Record<string, string> {
  const out: Record<string, string> = { objectType: draft.objectType };
  if (draft.dataAssetName !== undefined) out.dataAssetName = draft.dataAssetName;
  if (draft.dataAssetCountry !== undefined) out.dataAssetCountry = draft.dataAssetCountry;
  return out;
}

export { describeIssue, issuePath };
