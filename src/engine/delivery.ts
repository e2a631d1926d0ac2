/**
 * Delivery: what happens when an object lands, a message is sent or published, or a service notifies
 * a node. Each delivery goes to its target's kind (`receive` in `kinds/`); everything here runs inside
 * the caller's transaction, so writing an object and enqueueing every delivery it causes commit
 * together or not at all.
 */
import { md5Hex } from './md5.js';
import { InternalError, type InputError } from '../model/errors.js';
import type { Attributes } from '../runtime/types.js';
import type { ObjectRecord } from './store/objects.js';
import type { EngineStore as Store } from './store/types.js';
import type { Notice } from './kind.js';
import { engineOf, type Topology } from './topology.js';

/** An object to store whose bytes are already in the blob store. */
export type ObjectWrite = Omit<ObjectRecord, 'lastModified' | 'sequencer'>;

/** A message to send or publish. */
export interface MessageSend {
  body: string;
  attributes: Attributes;
  subject?: string;
  delaySeconds?: number;
  /** The node that sent it (a step, a flow), when one did: a notify node's email names it. */
  from?: string;
}

/** A message as a topic published it: what each subscription delivers. */
export interface Published {
  id: string;
  body: string;
  attributes: Attributes;
  subject?: string;
  timestamp: number;
}

/** Counters delivery keeps for the run summary. */
export interface DeliveryCounters {
  /** Messages a subscription's filter policy dropped, by topic. */
  filtered: Map<string, number>;
}

/** Performs deliveries against a store. */
export class Delivery {
  readonly counters: DeliveryCounters = { filtered: new Map() };
  /** Messages enqueued so far (queue sends and async invocations): a publish's deliveries are the difference. */
  enqueued = 0;
  constructor(
    readonly store: Store,
    private readonly topology: Topology,
    /** Called when one subscription of a topic could not take a message. */
    readonly onDeliveryFailure?: (topic: string, target: string, error: InputError) => void,
  ) {}

  /**
   * Deliver to the node named `target`, through its kind's `receive`; returns a blob the delivery
   * replaced (an overwritten object's), for removal once committed.
   */
  deliver(target: string, notice: Notice, now: number): string | undefined {
    const rt = this.topology.nodes.get(target);
    const receive = rt && engineOf(rt).receive;
    // Callers check names against the pipeline first (`nodeFor`), and a valid pipeline's edges only
    // deliver what their targets take: anything else is a bug in sluice.
    if (!rt || !receive) throw new InternalError(`cannot deliver a '${notice.type}' notice to '${target}' (${rt ? `a ${rt.node.kind}` : 'not in the pipeline'})`);
    return receive(rt as never, notice, { store: this.store, delivery: this, now });
  }

  /** Store an object and enqueue its notifications; returns the blob it replaced, if any. */
  putObject(object: ObjectWrite, now: number): string | undefined {
    return this.deliver(object.bucket, { type: 'object', object }, now);
  }

  /** Send a message to a queue, or publish it to a topic. */
  send(target: string, message: MessageSend, now: number, id?: string): void {
    this.deliver(target, { type: 'message', message, ...(id !== undefined ? { id } : {}) }, now);
  }
}

/** S3's ETag of a single-part upload: the MD5 of the bytes, in hex. */
export function eTagOf(data: Uint8Array): string {
  return md5Hex(data);
}
