/**
 * A notification's cost: one standard CloudWatch alarm a month per watched dead-letter queue, and SNS
 * publishes and email deliveries per alarm transition. Like every estimate, it assumes inputs succeed
 * (no dead letters: see NOT_COUNTED), so no transition is priced; the alarms are billed whether they fire
 * or not. The topic's key is the pipeline's, billed once for the stack.
 */
import type { Notify } from '../../model/notify.js';
import type { KindCost } from '../kind.js';
import { emailNotificationLines } from '../services.js';

export const notifyCost: KindCost<Notify> = {
  unit: 'notifications',
  sourceLabel: 'declared',
  // Nothing reaches it along an edge: it is told by its alarms, which fire only on dead letters.
  source: () => undefined,
  passes: () => ({ count: 0, bytes: 0 }),
  lines(node, _inflow, ctx) {
    ctx.assume(`notify '${node.name}': no alarm fires (inputs are assumed to succeed); each transition into ALARM would add one SNS publish and ${node.emails.length} email(s)`);
    return emailNotificationLines(ctx, 0, node.emails.length, node.watches.length);
  },
};
