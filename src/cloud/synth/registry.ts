/**
 * The synthesizer of every node kind, in one typed table: a kind added to the model without a
 * module here is a compile error, not a missing resource at deploy time.
 *
 * Which unit owns the wiring of an edge, so units form a DAG and nested stacks never depend on each
 * other in a cycle: a bucket, topic or schedule owns its notifications, subscriptions, targets and
 * the Lambda permissions they need (they reference their targets); a function owns the event source
 * mappings of the queues it consumes (it references them); queues and tables reference nothing. A
 * function refers to the buckets it writes by name only, so the one kind of cycle a pipeline may have
 * (a function writing under a key prefix of the bucket that triggers it) is not a reference cycle.
 * A flow references its jobs' functions, its Glue jobs and its outcome topic; a schedule owns the role
 * EventBridge starts a flow with (it references the state machine); jobs reference buckets by name.
 */
import type { Kind } from '../../model/node.js';
import type { NodeOfKind } from '../../model/pipeline.js';
import type { KindSynth } from './kind.js';
import { bucketSynth } from './kinds/bucket.js';
import { fnSynth } from './kinds/fn.js';
import { queueSynth } from './kinds/queue.js';
import { topicSynth } from './kinds/topic.js';
import { tableSynth } from './kinds/table.js';
import { scheduleSynth } from './kinds/schedule.js';
import { jobSynth } from './kinds/job.js';
import { glueJobSynth } from './kinds/glue-job.js';
import { flowSynth } from './kinds/flow.js';
import { comprehendSynth } from './kinds/comprehend.js';
import { notifySynth } from './kinds/notify.js';

// NodeOfKind (the node class of each kind) comes from the model: a Kind missing there fails to compile below.

/** One synthesizer per kind. */
export type KindRegistry = { readonly [K in Kind]: KindSynth<NodeOfKind[K]> };

/** The synthesizers. */
export const KIND_SYNTH: KindRegistry = {
  bucket: bucketSynth,
  fn: fnSynth,
  queue: queueSynth,
  topic: topicSynth,
  table: tableSynth,
  schedule: scheduleSynth,
  job: jobSynth,
  glueJob: glueJobSynth,
  flow: flowSynth,
  comprehend: comprehendSynth,
  notify: notifySynth,
};
