/**
 * A step's outputs on their way out: flattened (with `result()` metadata split off), checked (a sink
 * sends no messages; an envelope's body fits its objectType), stamped with the execution's ingestion
 * id, and routed: each resolved to the nodes it goes to, envelopes encoded, and an envelope too large
 * for the smallest limit on its path offloaded to the payload bucket (the offload rule, envelope/offload.ts).
 */
import { InputError, InternalError } from '../model/errors.js';
import { isStepOutcome } from './handler.js';
import { messageSize, toAttributes } from './attributes.js';
import type { SecretGuard } from './secret-guard.js';
import { INGESTION_ID_METADATA } from './inputs.js';
import { validatedDrafts } from './context.js';
import { envelopeAttributes, validateBody, wireOf, payloadBytes } from '../envelope/codec.js';
import { mustOffload, payloadKey, s3Path, type MessagePath } from '../envelope/offload.js';
import type { IngestionOutput } from '../envelope/ingestion-step.js';
import type { StepBindings } from './bindings.js';
import { NOTIFY_TEXT_MAX_BYTES } from './notify.js';
import type { HandlerDescriptor, MessageOutput, Output, RoutedOutput, StepResult } from './types.js';

/** A step's result as outputs and metadata. */
export function flatten(result: StepResult): { outputs: Output[]; metadata: Record<string, unknown> } {
  if (isStepOutcome(result)) return { outputs: flatten(result.outputs as StepResult).outputs, metadata: { ...result.metadata } };
  const outputs: Output[] = [];
  addOutputs(outputs, result);
  return { outputs, metadata: NO_METADATA };
}

// Shared by every result without metadata; recorded steps never change it.
const NO_METADATA: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

function addOutputs(outputs: Output[], o: unknown): void {
  if (o === undefined || o === null) return;
  if (Array.isArray(o)) {
    for (const inner of o) addOutputs(outputs, inner);
    return;
  }
  const out = o as Output;
  if (out.type !== 'object' && out.type !== 'message') {
    throw new InputError('SLUICE_E_STEP_RESULT', `a step must return ctx.object(...), ctx.message(...), ctx.envelope(...) or ctx.dataAsset(...) values, result(outputs, metadata), or nothing (given ${JSON.stringify(o)?.slice(0, 80)})`);
  }
  outputs.push(out);
}

/**
 * Check outputs against the step's role and their envelopes' body schemas, and stamp them with the
 * execution's ingestion id (object metadata `ingestion-id`; an envelope's `ingestionId`).
 */
export function prepareOutputs(outputs: Output[], role: HandlerDescriptor['role'], bindings: StepBindings, ingestionId: string, stampObjects: boolean): Output[] | Promise<Output[]> {
  let toValidate: MessageOutput[] | undefined;
  for (let i = 0; i < outputs.length; i++) {
    const out = outputs[i]!;
    if (out.type === 'object') {
      if (stampObjects) outputs[i] = { ...out, metadata: { ...out.metadata, [INGESTION_ID_METADATA]: ingestionId } };
      continue;
    }
    // Pylon's sink has no output topic; it may still write to its data store (objects in a bucket).
    if (role === 'sink') {
      throw new InputError('SLUICE_E_SINK_OUTPUT', `function '${bindings.node}' is a sink but returned ${outputs.filter((o) => o.type === 'message').length} message(s); a sink has no output topic: make it a component() to send messages downstream`);
    }
    if (!out.envelope) continue;
    if (!validatedDrafts.has(out.envelope)) (toValidate ??= []).push(out);
    // A data asset names the ingestion step that produced it (Pylon's model), unless it came with one.
    else if (out.envelope.objectType === 'dataAsset') {
      const asset = out.envelope.body as { ingestionId?: string };
      if (asset.ingestionId === undefined) asset.ingestionId = ingestionId;
    }
  }
  // Body schemas may be asynchronous; most outputs need none, and then nothing waits.
  if (!toValidate) return outputs;
  return Promise.all(toValidate.map((out) => validateBody(out.envelope!.objectType, out.envelope!.body, out.envelope!.payloadMimeType ?? 'application/json', `function '${bindings.node}' returned an envelope`))).then(() => outputs);
}

/** Options of `route`. */
export interface RouteOptions {
  /** The execution's ingestion id, written into envelopes and payload keys. */
  ingestionId?: string;
  /** The step's secrets: an output holding one is refused. */
  guard?: SecretGuard;
}

/** The path of a target: the smallest limit beyond it, or its own limit when the bindings do not say. */
function pathOf(t: MessageTarget): MessagePath {
  return t.path ?? { limit: t.maxMessageSize, wrapped: t.kind === 'topic' };
}

type MessageTarget = { name: string; maxMessageSize: number; path?: MessagePath; kind: 'queue' | 'topic' | 'notify' };

/**
 * Every queue, topic and notify node downstream of a step, computed once per bindings (route runs per
 * output), and those a message without `to` goes to: queues and topics, never a notify node (an email
 * is sent on purpose, with ctx.notify, not as a copy of the step's data).
 */
const targetsOf = new WeakMap<StepBindings, { all: MessageTarget[]; untargeted: MessageTarget[] }>();
function messageTargets(bindings: StepBindings): { all: MessageTarget[]; untargeted: MessageTarget[] } {
  let t = targetsOf.get(bindings);
  if (!t) {
    const untargeted = [...bindings.queues.map((q) => ({ ...q, kind: 'queue' as const })), ...bindings.topics.map((x) => ({ ...x, kind: 'topic' as const }))];
    const notify = (bindings.notifications ?? []).map((name) => ({ name, maxMessageSize: NOTIFY_TEXT_MAX_BYTES, kind: 'notify' as const }));
    targetsOf.set(bindings, (t = { all: [...untargeted, ...notify], untargeted }));
  }
  return t;
}

/** Resolve each output to the nodes it goes to, checking size limits on the way (SQS-08, SNS-08). */
export function route(outputs: Output[], bindings: StepBindings, options: RouteOptions = {}): RoutedOutput[] {
  const routed: RoutedOutput[] = [];
  let payloads = 0;
  for (const out of outputs) {
    if (out.type === 'object') {
      const targets = out.bucket ? bindings.buckets.filter((b) => b.name === out.bucket) : bindings.buckets;
      const fn = `function '${bindings.node}'`;
      if (targets.length === 0) throw new InputError('SLUICE_E_NO_TARGET', `${fn} returned an object ('${out.key}') but has no bucket downstream; declare ${bindings.node}.to(bucket(...))`);
      if (options.guard?.holds([out.key, out.body, out.metadata ?? {}, out.contentType ?? ''])) throw secretLeak(fn, `an object ('${options.guard.redactText(out.key)}')`);
      for (const t of targets) routed.push({ ...out, bucket: t.name, key: `${t.keyPrefix ?? ''}${out.key}` });
      continue;
    }
    const { all, untargeted } = messageTargets(bindings);
    const targets = out.to ? all.filter((t) => t.name === out.to) : untargeted;
    const fn = `function '${bindings.node}'`;
    if (targets.length === 0) throw new InputError('SLUICE_E_NO_TARGET', `${fn} returned a message but has no queue or topic downstream; declare ${bindings.node}.to(queue(...))`);
    let message = out;
    let payload: Extract<RoutedOutput, { type: 'message' }>['payload'];
    if (out.envelope) {
      const draft = { ...out.envelope, payloadMimeType: out.envelope.payloadMimeType ?? 'application/json' };
      const id = options.ingestionId ?? '';
      if (!id) throw new InternalError(`${fn}: an envelope was routed without the ingestion id of the execution that sends it`);
      // Envelope attributes win over the step's own: filter policies rely on them being the truth.
      const attributes = { ...out.attributes, ...toAttributes(envelopeAttributes(draft)) };
      let text = JSON.stringify(wireOf(draft, id));
      const attributesBytes = messageSize('', attributes);
      const path = targets.map(pathOf).reduce((a, b) => ({ limit: Math.min(a.limit, b.limit), wrapped: a.wrapped || b.wrapped }));
      // Checked on the values, not the JSON text, where a secret with a quote or backslash is escaped.
      if (options.guard?.holds([draft, out.attributes ?? {}, out.subject ?? ''])) throw secretLeak(fn, 'an envelope');
      if (mustOffload(text, attributesBytes, path)) {
        if (!bindings.payloadBucket) {
          throw new InputError('SLUICE_E_MESSAGE_TOO_LARGE', `${fn}: an envelope of ${Buffer.byteLength(text)} bytes exceeds the ${path.limit}-byte limit on its path and this deployment has no payload bucket to offload it to; redeploy the stack, which creates one`);
        }
        const key = payloadKey(bindings.node, id, payloads++);
        const where = s3Path(bindings.payloadBucket, key);
        payload = { path: where, bucket: bindings.payloadBucket, key, body: payloadBytes(draft), contentType: draft.payloadMimeType, ingestionId: id };
        text = JSON.stringify(wireOf(draft, id, where));
      }
      const { envelope: _drop, ...rest } = out;
      message = { ...rest, body: text, attributes };
    } else if (options.guard?.holds([out.body, out.attributes ?? {}, out.subject ?? ''])) throw secretLeak(fn, 'a message (its body, attributes or subject)');
    const size = messageSize(message.body, message.attributes);
    for (const t of targets) {
      if (size > t.maxMessageSize) {
        throw new InputError('SLUICE_E_MESSAGE_TOO_LARGE', `${fn}: a message of ${size} bytes exceeds the ${t.maxMessageSize}-byte limit of ${t.kind} '${t.name}'; send it with ctx.envelope(), which offloads a large body to the payload bucket, or write it to a bucket and send the key`);
      }
      if (t.kind !== 'queue' && message.delaySeconds !== undefined) throw new InputError('SLUICE_E_MESSAGE_DELAY', `${fn}: delaySeconds applies to queues only, not ${t.kind} '${t.name}'`);
      const r: Extract<RoutedOutput, { type: 'message' }> = { ...message, to: t.name, targetKind: t.kind };
      if (payload) r.payload = payload;
      routed.push(r);
    }
  }
  return routed;
}

function secretLeak(fn: string, what: string): InputError {
  return new InputError('SLUICE_E_SECRET_LEAK', `${fn} tried to send ${what} holding the value of a secret; secrets never leave the step that reads them: send the secret's path and read it with ctx.secret() in the step that needs it`);
}

/** A routed output as its ingestion step records it. */
export function describeOutput(out: RoutedOutput): IngestionOutput {
  if (out.type === 'object') return { kind: 'object', bucket: out.bucket, key: out.key };
  const d: Extract<IngestionOutput, { kind: 'message' }> = { kind: 'message', to: out.to, targetKind: out.targetKind };
  const objectType = out.attributes.objectType?.value;
  if (objectType) d.objectType = objectType;
  if (out.payload) d.payloadS3Path = out.payload.path;
  return d;
}
