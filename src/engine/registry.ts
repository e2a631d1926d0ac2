/**
 * The engine module of every node kind, in one typed table: a kind added to the model without a
 * module here is a compile error, not a node the engine silently ignores.
 */
import type { Kind } from '../model/node.js';
import type { NodeOfKind } from '../model/pipeline.js';
import type { KindEngine, RuntimeBase } from './kind.js';
import { bucketEngine, type BucketRuntime } from './kinds/bucket.js';
import { fnEngine, type FnRuntime } from './kinds/fn.js';
import { queueEngine, type QueueRuntime } from './kinds/queue.js';
import { topicEngine, type TopicRuntime } from './kinds/topic.js';
import { tableEngine, type TableRuntime } from './kinds/table.js';
import { scheduleEngine, type ScheduleRuntime } from './kinds/schedule.js';
import { jobEngine, glueJobEngine, type JobRuntime } from './kinds/job.js';
import { flowEngine, type FlowRuntime } from './kinds/flow.js';
import { comprehendEngine, type ComprehendRuntime } from './kinds/comprehend.js';
import { notifyEngine, type NotifyRuntime } from './kinds/notify.js';
import type { GlueJob } from '../model/glue-job.js';

/** Each kind's runtime. A kind missing here fails to compile in `KIND_ENGINE` below. */
export interface RuntimeOfKind {
  bucket: BucketRuntime;
  fn: FnRuntime;
  queue: QueueRuntime;
  topic: TopicRuntime;
  table: TableRuntime;
  schedule: ScheduleRuntime;
  job: JobRuntime;
  glueJob: JobRuntime<GlueJob>;
  flow: FlowRuntime;
  comprehend: ComprehendRuntime;
  notify: NotifyRuntime;
}

/** Any node's runtime. */
export type NodeRuntime = RuntimeOfKind[Kind];

/** One engine module per kind. */
export type EngineRegistry = { readonly [K in Kind]: KindEngine<NodeOfKind[K], RuntimeOfKind[K] & RuntimeBase<NodeOfKind[K]>> };

/** The engine modules. */
export const KIND_ENGINE: EngineRegistry = {
  bucket: bucketEngine,
  fn: fnEngine,
  queue: queueEngine,
  topic: topicEngine,
  table: tableEngine,
  schedule: scheduleEngine,
  job: jobEngine,
  glueJob: glueJobEngine,
  flow: flowEngine,
  comprehend: comprehendEngine,
  notify: notifyEngine,
};
