/**
 * The cost module of every node kind, in one typed table: a kind added to the model without an entry
 * here is a compile error, as in the engine, synth and AWS stage registries. A kind's entry says how
 * its nodes pass volume along their edges and which price lines (prices.ts) they are billed on.
 */
import type { Kind } from '../model/node.js';
import type { NodeOfKind } from '../model/pipeline.js';
import type { KindCost } from './kind.js';
import { bucketCost } from './kinds/bucket.js';
import { fnCost } from './kinds/fn.js';
import { queueCost } from './kinds/queue.js';
import { topicCost } from './kinds/topic.js';
import { tableCost } from './kinds/table.js';
import { scheduleCost } from './kinds/schedule.js';
import { jobCost } from './kinds/job.js';
import { glueJobCost } from './kinds/glue-job.js';
import { flowCost } from './kinds/flow.js';
import { comprehendCost } from './kinds/comprehend.js';
import { notifyCost } from './kinds/notify.js';

/** One cost module per kind. */
export type CostRegistry = { readonly [K in Kind]: KindCost<NodeOfKind[K]> };

/** The cost modules. */
export const KIND_COST: CostRegistry = {
  bucket: bucketCost,
  fn: fnCost,
  queue: queueCost,
  topic: topicCost,
  table: tableCost,
  schedule: scheduleCost,
  job: jobCost,
  glueJob: glueJobCost,
  flow: flowCost,
  comprehend: comprehendCost,
  notify: notifyCost,
};
