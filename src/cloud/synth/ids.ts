/**
 * Logical ids of every resource synth makes, in one place, so one kind's module can point at another
 * kind's resources (a bucket depends on its target queue's policy) without spelling ids twice. Every
 * id is the node's name in PascalCase plus a fixed suffix; edges use `<From>To<To><Suffix>`.
 */
import type { AnyNode, Edge } from '../../model/node.js';
import { logicalStem } from './names.js';

const stem = (node: AnyNode | string) => logicalStem(typeof node === 'string' ? node : node.name);
const edge = (e: Edge, suffix: string) => `${stem(e.from)}To${stem(e.to)}${suffix}`;

/** Logical ids by kind. */
export const ids = {
  bucket: (n: AnyNode) => `${stem(n)}Bucket`,
  bucketPolicy: (n: AnyNode) => `${stem(n)}BucketPolicy`,
  fn: (n: AnyNode) => `${stem(n)}Function`,
  role: (n: AnyNode) => `${stem(n)}Role`,
  logGroup: (n: AnyNode) => `${stem(n)}LogGroup`,
  failures: (n: AnyNode) => `${stem(n)}Failures`,
  failuresPolicy: (n: AnyNode) => `${stem(n)}FailuresPolicy`,
  invokeConfig: (n: AnyNode) => `${stem(n)}InvokeConfig`,
  queue: (n: AnyNode) => `${stem(n)}Queue`,
  dlq: (n: AnyNode) => `${stem(n)}Dlq`,
  queuePolicy: (n: AnyNode) => `${stem(n)}QueuePolicy`,
  dlqPolicy: (n: AnyNode) => `${stem(n)}DlqPolicy`,
  topic: (n: AnyNode) => `${stem(n)}Topic`,
  topicPolicy: (n: AnyNode) => `${stem(n)}TopicPolicy`,
  table: (n: AnyNode) => `${stem(n)}Table`,
  rule: (n: AnyNode) => `${stem(n)}Rule`,
  /** The permission a bucket, topic or schedule needs to invoke a function. */
  permission: (e: Edge) => edge(e, 'Permission'),
  /** A topic's subscription of a queue or function. */
  subscription: (e: Edge) => edge(e, 'Subscription'),
  /** A queue's event source mapping to a function. */
  mapping: (e: Edge) => edge(e, 'Mapping'),
};

/** The path of a resource for people and tests: `copy/Role`, `raw->copy/Permission`. */
export const paths = {
  node: (n: AnyNode, part: string) => `${n.name}/${part}`,
  edge: (e: Edge, part: string) => `${e.from.name}->${e.to.name}/${part}`,
};
