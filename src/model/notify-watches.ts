/**
 * The pipeline rule of `notify.watch`: each watched node is in the pipeline and has a dead-letter queue
 * (a queue's DLQ; a function's on-failure queue, which only a function invoked asynchronously has).
 */
import type { AnyNode } from './node.js';
import type { Problem } from './errors.js';
import type { Pipeline } from './pipeline.js';
import { kindOf } from './kinds.js';

/** Whether a node of the pipeline has a dead-letter queue to watch. */
export function hasDeadLetters(pipe: Pipeline, node: AnyNode): boolean {
  if (node.kind === 'queue') return true;
  if (node.kind !== 'fn') return false;
  // A function's on-failure queue exists only when something invokes it asynchronously.
  return pipe.incoming(node).some((e) => kindOf(e.from).outgoing[node.kind]?.invokes === 'async');
}

/** Check every notify node's watches. */
export function notifyWatches(pipe: Pipeline, problems: Problem[]): void {
  for (const n of pipe.nodesOf('notify')) {
    for (const watched of n.watches) {
      const name = (watched as AnyNode | undefined)?.name;
      if (!watched || typeof name !== 'string' || pipe.nodes.get(name) !== watched) {
        problems.push({ code: 'SLUICE_E_NOTIFY_WATCH_UNKNOWN', node: n.name, field: 'watch', given: name, message: `${n}: watches the dead letters of ${watched ? String(watched) : JSON.stringify(watched)}, which is not a node of pipeline '${pipe.name}'; add it to the pipeline or watch dlqOf(node) of one it holds` });
      } else if (!hasDeadLetters(pipe, watched)) {
        problems.push({ code: 'SLUICE_E_NOTIFY_WATCH_NO_DLQ', node: n.name, field: 'watch', given: name, message: `${n}: watches ${watched}, which has no dead letters (only queues, and functions a bucket, topic or schedule invokes, have a dead-letter queue); watch the queue that feeds it instead` });
      }
    }
  }
}
