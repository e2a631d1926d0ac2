/**
 * The event a function gets for an object or a message, built as AWS would deliver it along the
 * edges from where it enters to the function: S3's ObjectCreated event (S3-01), as the body of an SQS
 * message or an SNS notification when a queue or topic stands between (S3-09), SNS's notification in
 * a queue without raw delivery (SNS-01), Lambda's SQS and SNS events (LSQS-05, LA-10). Both stages
 * build invoke events here; each gives the names, ARNs and object facts of its own resources.
 */
import { carriesEvents } from '../model/edges.js';
import { randomUUID } from 'node:crypto';
import { InputError } from '../model/errors.js';
import type { Bucket } from '../model/bucket.js';
import type { Fn } from '../model/fn.js';
import { nodeFor } from '../model/lookup.js';
import type { AnyNode, Edge } from '../model/node.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Queue } from '../model/queue.js';
import { objectCreatedEvent, sequencerFor } from '../model/s3-event.js';
import type { Topic } from '../model/topic.js';
import { toAttributes } from '../runtime/attributes.js';
import type { Attributes } from '../runtime/types.js';
import { snsEvent, snsNotification, sqsRecord } from '../engine/aws-events.js';
import type { InvokeInput } from './stage.js';

/** What a stage knows of its own resources, for the events it builds. */
export interface EventScope {
  region: string;
  /** The clock events are stamped with (epoch ms). */
  now(): number;
  /** A bucket's physical name. */
  bucketName(bucket: Bucket): string;
  queueArn(queue: Queue): string;
  topicArn(topic: Topic): string;
  /** An object's size and ETag; fails with SLUICE_E_NO_SUCH_KEY when it is not there. */
  head(bucket: Bucket, key: string): Promise<{ size: number; eTag: string }>;
}

/** A message on its way: what the next node receives. */
interface Carried {
  id: string;
  body: string;
  attributes: Attributes;
}

/**
 * The event `fn` is invoked with for `input`.
 * @example await invokeEvent(pipe, copy, { object: { bucket: 'raw', key: 'a.csv' } }, scope) // { Records: [{ eventSource: 'aws:s3', ... }] }
 */
export async function invokeEvent(pipe: Pipeline, fn: Fn, input: InvokeInput, scope: EventScope): Promise<unknown> {
  if ('event' in input) return input.event;
  const now = scope.now();
  if ('object' in input) {
    const bucket = nodeFor(pipe, input.object.bucket, 'objects');
    const path = pathBetween(pipe, bucket, fn);
    const { size, eTag } = await scope.head(bucket, input.object.key);
    const s3 = objectCreatedEvent({
      bucket: scope.bucketName(bucket), key: input.object.key, size, eTag, sequencer: sequencerFor(now), eventTime: new Date(now),
      configurationId: `${bucket.name}-to-${path[0]!.to.name}`, region: scope.region,
    });
    if (path.length === 1) return s3;
    return along(path, { id: randomUUID(), body: JSON.stringify(s3), attributes: {} }, fn, scope, now);
  }
  const from = input.message.from === undefined ? messageInputOf(pipe, fn) : nodeFor(pipe, input.message.from, 'send');
  return along(pathBetween(pipe, from, fn), { id: randomUUID(), body: input.message.body, attributes: toAttributes(input.message.attributes) }, fn, scope, now);
}

/** Carry a message along the path's edges to the function, as each edge delivers it. */
function along(path: Edge[], start: Carried, fn: Fn, scope: EventScope, now: number): unknown {
  let m = start;
  for (const edge of path) {
    const { from, to } = edge;
    if (to === fn) {
      if (from.kind === 'queue') {
        const attributes = Object.keys(m.attributes).length ? JSON.stringify(m.attributes) : null;
        return { Records: [sqsRecord(scope.queueArn(from as Queue), { id: m.id, receipt: `sluice-invoke-${m.id}`, body: m.body, attributes, receiveCount: 1, sentAt: now, firstReceiveAt: now, info: null }, scope.region)] };
      }
      return snsEvent(from.name, fn.name, { ...m, timestamp: now }, scope.topicArn(from as Topic));
    }
    // SNS-01: a queue subscribed without raw delivery holds SNS's notification, attributes inside it.
    if (from.kind === 'topic' && to.kind === 'queue' && !edge.options.rawMessageDelivery) {
      m = { id: randomUUID(), body: JSON.stringify(snsNotification(from.name, { ...m, timestamp: now }, scope.topicArn(from as Topic))), attributes: {} };
    }
  }
  return undefined;
}

/** The shortest path of edges from `from` to `fn` through buckets, queues and topics; fails when there is none. */
function pathBetween(pipe: Pipeline, from: AnyNode, fn: Fn): Edge[] {
  const paths = new Map<AnyNode, Edge[]>([[from, []]]);
  const queue: AnyNode[] = [from];
  while (queue.length) {
    const node = queue.shift()!;
    for (const edge of pipe.outgoing(node).filter(carriesEvents)) {
      const path = [...paths.get(node)!, edge];
      if (edge.to === fn) return path;
      if (paths.has(edge.to) || !['bucket', 'queue', 'topic'].includes(edge.to.kind)) continue;
      paths.set(edge.to, path);
      queue.push(edge.to);
    }
  }
  throw new InputError('SLUICE_E_INVOKE_SOURCE', `${from} does not feed ${fn}: no edges lead from it to the function through buckets, queues and topics (${inputsOf(pipe, fn)}); name one of those, or give the event itself (sluice invoke --event FILE)`, { node: from.name, expected: pipe.incoming(fn).map((e) => e.from.name).join(' | ') });
}

/** The one queue or topic a message for `fn` enters by, when `from` names none. */
function messageInputOf(pipe: Pipeline, fn: Fn): AnyNode {
  const inputs = pipe.incoming(fn).map((e) => e.from).filter((n) => n.kind === 'queue' || n.kind === 'topic');
  if (inputs.length === 1) return inputs[0]!;
  if (inputs.length === 0) {
    throw new InputError('SLUICE_E_INVOKE_SOURCE', `${fn} takes no messages: no queue or topic feeds it (${inputsOf(pipe, fn)}); invoke it with an object (sluice invoke --object BUCKET/KEY) or an event (--event FILE)`, { node: fn.name });
  }
  throw new InputError('SLUICE_E_INVOKE_SOURCE', `${fn} is fed by ${inputs.map(String).join(' and ')}: say which the message is sent to (from: '${inputs[0]!.name}'; sluice invoke --from ${inputs[0]!.name})`, { node: fn.name, expected: inputs.map((n) => n.name).join(' | ') });
}

function inputsOf(pipe: Pipeline, fn: Fn): string {
  const inputs = pipe.incoming(fn).map((e) => String(e.from));
  return inputs.length ? `it is fed by ${inputs.join(', ')}` : 'nothing feeds it';
}
