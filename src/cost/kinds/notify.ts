/**
 * A notification's cost: one standard CloudWatch alarm a month per watched dead-letter queue, and one SNS
 * publish plus one email delivery per address for each email sent: what steps (`ctx.notify`, as their
 * `expected.emailsPerInput` says) and flows (one per execution) send along their edges. Like every
 * estimate, it assumes inputs succeed (no dead letters: see NOT_COUNTED), so no alarm transition is
 * priced; the alarms are billed whether they fire or not. The topic's key is the pipeline's, billed once
 * for the stack.
 */
import type { Notify } from '../../model/notify.js';
import type { KindCost } from '../kind.js';
import { emailNotificationLines } from '../services.js';

export const notifyCost: KindCost<Notify> = {
  unit: 'notifications',
  sourceLabel: 'declared',
  // What reaches it along edges are the emails steps and flows send; its alarms fire only on dead letters.
  source: () => undefined,
  passes: () => ({ count: 0, bytes: 0 }),
  lines(node, inflow, ctx) {
    if (node.watches.length > 0) ctx.assume(`notify '${node.name}': no alarm fires (inputs are assumed to succeed); each transition into ALARM would add one SNS publish and ${node.emails.length} email(s)`);
    return emailNotificationLines(ctx, inflow.count, node.emails.length, node.watches.length);
  },
};
