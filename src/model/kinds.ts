/**
 * The registry of node kinds: one typed table, so a kind without a definition is a compile error.
 */
import type { Kind } from './node.js';
import type { KindDefinition } from './kind.js';
import { bucketKind } from './bucket.js';
import { fnKind } from './fn.js';
import { queueKind } from './queue.js';
import { topicKind } from './topic.js';
import { tableKind } from './table.js';
import { scheduleKind } from './schedule.js';

export const KINDS: { readonly [K in Kind]: KindDefinition<any> } = {
  bucket: bucketKind,
  fn: fnKind,
  queue: queueKind,
  topic: topicKind,
  table: tableKind,
  schedule: scheduleKind,
};
