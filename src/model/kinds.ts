/**
 * The registry of node kinds: one typed table, so a kind without a definition is a compile error,
 * and each kind's resource parts keep their literal names (`PartOf<'queue'>` is `'Queue' | 'Dlq' | ...`).
 */
import type { AnyNode, Kind } from './node.js';
import type { DataOp, KindDefinition } from './kind.js';
import type { NodeOfKind } from './pipeline.js';
import { bucketKind } from './bucket.js';
import { fnKind } from './fn.js';
import { queueKind } from './queue.js';
import { topicKind } from './topic.js';
import { tableKind } from './table.js';
import { scheduleKind } from './schedule.js';
import { jobKind } from './job.js';
import { glueJobKind } from './glue-job.js';
import { flowKind } from './flow.js';
import { comprehendKind } from './comprehend.js';
import { notifyKind } from './notify.js';

// In the order messages list kinds: data stores and channels first ("queues and functions").
export const KINDS = {
  bucket: bucketKind,
  queue: queueKind,
  topic: topicKind,
  table: tableKind,
  fn: fnKind,
  schedule: scheduleKind,
  job: jobKind,
  glueJob: glueJobKind,
  flow: flowKind,
  comprehend: comprehendKind,
  notify: notifyKind,
} as const satisfies { readonly [K in Kind]: KindDefinition<NodeOfKind[K]> };

/** The resource parts of a kind, by name: `PartOf<'queue'>` is `'Queue' | 'Dlq' | 'QueuePolicy' | 'DlqPolicy'`. */
export type PartOf<K extends Kind> = keyof (typeof KINDS)[K]['parts'] & string;

/** A kind's definition, for code that handles any kind. */
export function definitionOf(kind: Kind): KindDefinition<AnyNode> {
  return KINDS[kind] as unknown as KindDefinition<AnyNode>;
}

/** The definition of a node's kind. */
export function kindOf(node: AnyNode): KindDefinition<AnyNode> {
  return definitionOf(node.kind);
}

/** The kinds that support a stage operation, in table order. */
export function kindsWith(op: DataOp): Kind[] {
  return (Object.keys(KINDS) as Kind[]).filter((k) => (KINDS[k].data.ops as readonly DataOp[]).includes(op));
}
