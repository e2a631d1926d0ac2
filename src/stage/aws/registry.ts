/**
 * The AWS-stage module of every node kind, in one typed table: a kind added to the model without a
 * module here is a compile error.
 */
import type { Kind } from '../../model/node.js';
import type { NodeOfKind } from '../../model/pipeline.js';
import type { KindAws } from './kind.js';
import { bucketAws } from './kinds/bucket.js';
import { fnAws } from './kinds/fn.js';
import { queueAws } from './kinds/queue.js';
import { scheduleAws } from './kinds/schedule.js';
import { tableAws } from './kinds/table.js';
import { topicAws } from './kinds/topic.js';
import { nothingAws } from './kinds/nothing.js';
import { flowAws } from './kinds/flow.js';
import { comprehendAws } from './kinds/comprehend.js';
import { notifyAws } from './kinds/notify.js';

/** One AWS-stage module per kind. */
export type AwsRegistry = { readonly [K in Kind]: KindAws<NodeOfKind[K]> };

export const KIND_AWS: AwsRegistry = {
  bucket: bucketAws,
  fn: fnAws,
  queue: queueAws,
  topic: topicAws,
  table: tableAws,
  schedule: scheduleAws,
  job: nothingAws,
  glueJob: nothingAws,
  flow: flowAws,
  comprehend: comprehendAws,
  notify: notifyAws,
};
