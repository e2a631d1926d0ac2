/** `comprehend` on an AWS stage: a service with no resource, so the data commands have nothing to do with it. */
import type { Comprehend } from '../../../model/comprehend.js';
import type { KindAws } from '../kind.js';

export const comprehendAws: KindAws<Comprehend> = { objects: null, send: null, messages: null, redrive: null, items: null, depth: null, invoke: null, executions: null, subscriptions: null };
