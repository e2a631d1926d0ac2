/** Kinds the data commands do nothing with on an AWS stage: jobs and Glue jobs (their flow runs them). */
import type { AnyNode } from '../../../model/node.js';
import type { KindAws } from '../kind.js';

export const nothingAws: KindAws<AnyNode> = { objects: null, send: null, messages: null, redrive: null, items: null, depth: null, invoke: null, executions: null, subscriptions: null };
