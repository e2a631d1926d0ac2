/**
 * Every input gets its envelope before the step sees it. A message that is an envelope is checked
 * (schema, version, objectType, and the body against its type's schema) and an offloaded body is
 * fetched; any other message is raw content. An object is raw content in S3 whose ingestion id is the
 * one its writer stamped in the object's metadata; a scheduled tick is a lambdaEvent. The envelope is
 * set as a non-enumerable property, so inputs still serialize (and compare) as they did.
 */
import { ENVELOPE_VERSION } from '../envelope/version.js';
import { looksLikeEnvelope, parseEnvelope, inlineBody, payloadBody, validateBody, type Envelope } from '../envelope/codec.js';
import { EnvelopeError } from '../envelope/errors.js';
import { parsedBodies } from './events.js';
import type { StepBindings } from './bindings.js';
import type { StepIo } from './context.js';
import type { StepInput } from './types.js';
import type { IngestionInput } from '../envelope/ingestion-step.js';

import { INGESTION_ID_METADATA } from '../envelope/lineage.js';

export { INGESTION_ID_METADATA };

/** An input as decoded: its parents for lineage and the offloaded payload it consumed, if any. */
export interface DecodedInput {
  input: StepInput;
  /** Ingestion ids of the executions that produced it ([] for a root input). */
  parents: string[];
  /** The offloaded body this input carried (`s3://...`): released once the input is processed. */
  payload?: string;
  /** The step's node name, for `describeSource(node, input)` in error messages. */
  node: string;
}

// Shared by every root input: nothing changes a recorded step's parents.
const NO_PARENTS: string[] = Object.freeze([]) as unknown as string[];

/** Where an input came from, for error messages. */
export function describeSource(node: string, input: StepInput): string {
  const fn = `function '${node}'`;
  if (input.kind === 'object') return `${fn}: object '${input.key}' in bucket '${input.bucket}'`;
  if (input.kind === 'message') return `${fn}: message ${input.id}${input.queue ? ` from queue '${input.queue}'` : input.topic ? ` from topic '${input.topic}'` : ''}`;
  return `${fn}: the scheduled event of '${input.schedule}'`;
}

function setEnvelope(input: StepInput, envelope: Envelope<unknown>): void {
  Object.defineProperty(input, 'envelope', { value: envelope, enumerable: false, writable: true, configurable: true });
}

function parseObjectText(text: string): unknown {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Give an input its envelope (see the module comment); throws an `EnvelopeError` naming the step and
 * field. Synchronous for inputs that need no I/O (plain messages, ticks), as most do.
 */
export function decodeInput(input: StepInput, bindings: StepBindings, io: StepIo): DecodedInput | Promise<DecodedInput> {
  const node = bindings.node;
  if (input.kind === 'object') {
    return io.objectMetadata ? io.objectMetadata(input.bucket, input.key).then((metadata) => objectEnvelope(input, node, metadata)) : objectEnvelope(input, node, undefined);
  }
  if (input.kind === 'schedule') {
    setEnvelope(input, {
      schemaVersion: ENVELOPE_VERSION, objectType: 'lambdaEvent', payloadType: 'inline', payloadMimeType: 'application/json', ingestionId: '',
      body: { schedule: input.schedule, time: input.time, detail: input.detail },
    });
    return { input, parents: NO_PARENTS, node };
  }
  const cached = parsedBodies.get(input);
  const parsed = cached !== undefined ? cached : parseObjectText(input.body);
  if (!looksLikeEnvelope(parsed)) {
    setEnvelope(input, {
      schemaVersion: ENVELOPE_VERSION, objectType: 'rawContent', payloadType: 'inline', payloadMimeType: parsed !== undefined || cached !== undefined ? 'application/json' : 'text/plain', ingestionId: '',
      body: input.body,
    });
    return { input, parents: NO_PARENTS, node };
  }
  return decodeEnvelope(input, parsed, node, io);
}

/** An object input: raw content in S3, its parent the ingestion id its writer stamped in its metadata. */
function objectEnvelope(input: Extract<StepInput, { kind: 'object' }>, node: string, metadata: Record<string, string> | undefined): DecodedInput {
  const parent = metadata?.[INGESTION_ID_METADATA] ?? '';
  setEnvelope(input, {
    schemaVersion: ENVELOPE_VERSION, objectType: 'rawContent', payloadType: 's3', payloadMimeType: 'application/octet-stream', ingestionId: parent,
    payloadS3Path: `s3://${input.bucket}/${input.key}`, body: undefined,
  });
  return { input, parents: parent ? [parent] : NO_PARENTS, node };
}

/** A message that is an envelope: checked, its offloaded body fetched, its body checked against its type. */
async function decodeEnvelope(input: Extract<StepInput, { kind: 'message' }>, parsed: Record<string, unknown>, node: string, io: StepIo): Promise<DecodedInput> {
  // The parsed text is the envelope, not the payload: ctx.json must read the envelope's body instead.
  parsedBodies.delete(input);
  const where = describeSource(node, input);
  const wire = parseEnvelope(parsed, where);
  let body: unknown;
  let payload: string | undefined;
  if (wire.payloadType === 's3') {
    payload = wire.payloadS3Path!;
    if (!io.readPayload) throw new EnvelopeError('SLUICE_E_PAYLOAD', `${where}: its body is offloaded to ${payload} but this runtime cannot read payloads`, 'payloadS3Path');
    let bytes: Uint8Array;
    try {
      bytes = await io.readPayload(payload);
    } catch (error) {
      throw new EnvelopeError('SLUICE_E_PAYLOAD', `${where}: its offloaded body ${payload} cannot be read (${(error as Error).message})`, 'payloadS3Path');
    }
    body = payloadBody(bytes, wire.payloadMimeType, where);
  } else body = inlineBody(wire);
  await validateBody(wire.objectType, body, wire.payloadMimeType, where);
  const envelope: Envelope = {
    schemaVersion: wire.schemaVersion ?? ENVELOPE_VERSION,
    objectType: wire.objectType,
    payloadType: wire.payloadType,
    payloadMimeType: wire.payloadMimeType,
    ingestionId: wire.ingestionId,
    body,
    ...(wire.payloadS3Path !== undefined ? { payloadS3Path: wire.payloadS3Path } : {}),
    ...(wire.dataAssetName !== undefined ? { dataAssetName: wire.dataAssetName } : {}),
    ...(wire.dataAssetCountry !== undefined ? { dataAssetCountry: wire.dataAssetCountry } : {}),
  };
  setEnvelope(input, envelope);
  return { input, parents: [wire.ingestionId], ...(payload ? { payload } : {}), node };
}

/** An input as its ingestion step records it. */
export function describeInput(input: StepInput): IngestionInput {
  if (input.kind === 'object') {
    const d: Extract<IngestionInput, { kind: 'object' }> = { kind: 'object', bucket: input.bucket, key: input.key, eTag: input.eTag };
    if (input.versionId) d.versionId = input.versionId;
    return d;
  }
  if (input.kind === 'schedule') return { kind: 'schedule', schedule: input.schedule, time: input.time };
  const e = input.envelope;
  const d: Extract<IngestionInput, { kind: 'message' }> = { kind: 'message', id: input.id };
  if (input.queue) d.queue = input.queue;
  if (input.topic) d.topic = input.topic;
  if (e && e.objectType !== 'rawContent') d.objectType = e.objectType;
  if (e?.payloadS3Path) d.payloadS3Path = e.payloadS3Path;
  return d;
}
