/**
 * What `sluice outbox` reads on any stage: locally the emails notify nodes rendered into the state; on
 * AWS each notify topic's email subscriptions and whether the recipient confirmed them. SNS keeps no copy
 * of the emails it sent, so on AWS they cannot be read back: the report says so.
 */
import { InputError } from '../model/errors.js';
import type { Notify } from '../model/notify.js';
import type { Pipeline } from '../model/pipeline.js';
import type { OutboxEmail } from '../engine/kinds/notify.js';

export type { OutboxEmail };

/** One email subscription of a notify node. */
export interface OutboxSubscription {
  notify: string;
  email: string;
  /** `local`: nothing to confirm; `pending`: SNS waits for the recipient's click (PendingConfirmation); `confirmed`; `missing`: declared, but SNS lists no subscription for it. */
  state: 'local' | 'pending' | 'confirmed' | 'missing';
}

/** The outbox of a stage. */
export interface OutboxReport {
  /** The emails rendered locally, oldest first; empty on AWS (see `note`). */
  emails: OutboxEmail[];
  subscriptions: OutboxSubscription[];
  /** What the stage cannot show, said plainly (AWS: sent emails cannot be read back). */
  note?: string;
}

/** On AWS: why the report holds no emails. */
export const AWS_OUTBOX_NOTE = 'SNS keeps no copy of the emails it sends, so they cannot be read back from AWS; the alarms\' history (aws cloudwatch describe-alarm-history) shows when each went into ALARM';

/**
 * The notify nodes an outbox request names: the one named, or every one.
 * @example notifyNodes(pipe, 'alerts') // [alerts]
 */
export function notifyNodes(pipe: Pipeline, name?: string): Notify[] {
  const all = pipe.nodesOf('notify');
  if (name === undefined) return all;
  const node = all.find((n) => n.name === name);
  if (!node) {
    const known = all.map((n) => n.name);
    throw new InputError('SLUICE_E_NOTIFY_UNKNOWN', `'${name}' is not a notify node of pipeline '${pipe.name}' (${known.length ? `its notify nodes: ${known.join(', ')}` : 'it has none'}); name one, or leave the name out for every outbox`, { node: name });
  }
  return [node];
}
