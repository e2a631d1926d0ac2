/** `notify` on an AWS stage: an SNS topic CloudWatch alarms publish to; no data command reads or writes it. */
import type { Notify } from '../../../model/notify.js';
import type { KindAws } from '../kind.js';

export const notifyAws: KindAws<Notify> = { objects: null, send: null, messages: null, redrive: null, items: null, depth: null, invoke: null, executions: null };
