/**
 * The CloudWatch alarms of notify nodes: one per watched dead-letter queue. Their names and ARNs, which
 * the notify topic's policy and the pipeline key's policy scope CloudWatch to (aws:SourceArn).
 */
import type { Notify } from '../../model/notify.js';
import type { AnyNode } from '../../model/node.js';
import { hasDeadLetters } from '../../model/notify-watches.js';
import type { SynthContext } from './context.js';
import { sub, type Str } from './template.js';

/** The nodes whose dead-letter queues a notify node's alarms watch (valid watches only). */
export function alarmedNodes(ctx: SynthContext, node: Notify): AnyNode[] {
  return node.watches.filter((w) => ctx.pipe.nodes.get(w.name) === w && hasDeadLetters(ctx.pipe, w));
}

/** The name of the alarm on one watched node's dead-letter queue. */
export function alarmName(ctx: SynthContext, node: Notify, watched: AnyNode): string {
  return `${ctx.physical(node, 'Topic')}-${watched.name}-dead-letters`;
}

/** The ARN of that alarm (what the topic policy and the key policy scope CloudWatch to). */
export function alarmArn(ctx: SynthContext, node: Notify, watched: AnyNode): Str {
  return sub(`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${alarmName(ctx, node, watched)}`);
}

