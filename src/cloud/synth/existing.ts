/**
 * Resources that exist outside the stack (`bucket.existing(name)`, `topic.existing(arn)`): synth names
 * them, grants on them and subscribes to them, but never declares them, so CloudFormation never
 * creates, updates or deletes them. An existing bucket triggers functions through S3's EventBridge
 * events: one rule per edge in the stack, matching the bucket's "Object Created" events (and the edge's
 * prefix/suffix), with the permission EventBridge needs to invoke the function
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html, ev-events.html).
 */
import type { AnyNode, Edge } from '../../model/node.js';
import type { Bucket } from '../../model/bucket.js';
import type { Fn } from '../../model/fn.js';
import type { Topic } from '../../model/topic.js';
import { INVOKE_ACTION } from './actions.js';
import type { SynthContext } from './context.js';
import type { Problem } from '../../model/errors.js';
import { edgeIds, idOf, paths } from './ids.js';
import { arnByName } from './policies.js';
import { getAtt, ref, type Str, type Value } from './template.js';

/** The physical name of an existing bucket or topic (a topic's name from its ARN), or undefined for one the stack owns. */
export function existingName(node: AnyNode): string | undefined {
  if (node.kind === 'bucket') return (node as Bucket).existingName;
  if (node.kind === 'topic') {
    const arn = (node as Topic).existingArn;
    return arn === undefined ? undefined : arn.slice(arn.lastIndexOf(':') + 1);
  }
  return undefined;
}

/** Whether the stack owns the node's resources (false for `bucket.existing`, `topic.existing`). */
export function isExisting(node: AnyNode): boolean {
  return existingName(node) !== undefined;
}

/** A topic's ARN: the stack's topic, or the existing topic's own ARN (which may be in another account or region). */
export function topicArn(ctx: SynthContext, topic: Topic): Str {
  return topic.existingArn ?? arnByName('topic', 'Topic', ctx.physical(topic, 'Topic'));
}

/** A topic's ARN as a value inside the stack: `Ref` to the stack's topic, or the existing topic's ARN. */
export function topicRef(topic: Topic): Str {
  return topic.existingArn ?? ref(idOf(topic, 'Topic'));
}

// The EventBridge pattern's wildcard matcher escapes `*` and `\` in literal text
// (docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-wildcard-matching).
const wildcardLiteral = (text: string) => text.replace(/[\\*]/g, (c) => `\\${c}`);

/** The `detail.object.key` matcher of an edge's prefix and suffix, if it has either. */
function keyMatcher(edge: Edge): Value[] | undefined {
  const { prefix, suffix } = edge.options as { prefix?: string; suffix?: string };
  if (prefix && suffix) return [{ wildcard: `${wildcardLiteral(prefix)}*${wildcardLiteral(suffix)}` }];
  if (prefix) return [{ prefix }];
  if (suffix) return [{ suffix }];
  return undefined;
}

/**
 * An existing bucket's edges to functions: an EventBridge rule per edge, on the default event bus,
 * matching "Object Created" events of that bucket, and the permission for EventBridge to invoke the
 * function from that rule only.
 */
export function synthesizeExistingBucket(bucket: Bucket, edges: readonly Edge[], ctx: SynthContext): void {
  for (const edge of edges) {
    if (edge.to.kind !== 'fn') continue;
    const fn = edge.to as Fn;
    const ruleId = edgeIds.rule(edge);
    const key = keyMatcher(edge);
    ctx.add(bucket.name, ruleId, paths.edge(edge, 'Rule'), {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: `${bucket.existingName} -> ${fn.name}: S3 Object Created events of the existing bucket`,
        State: 'ENABLED',
        EventPattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [bucket.existingName!] }, ...(key ? { object: { key } } : {}) },
        },
        Targets: [{ Id: 'Function', Arn: getAtt(idOf(fn, 'Function'), 'Arn') }],
      },
    });
    ctx.add(bucket.name, edgeIds.permission(edge), paths.edge(edge, 'Permission'), {
      Type: 'AWS::Lambda::Permission',
      Properties: { Action: INVOKE_ACTION, FunctionName: getAtt(idOf(fn, 'Function'), 'Arn'), Principal: 'events.amazonaws.com', SourceArn: getAtt(ruleId, 'Arn') },
    });
  }
}

/**
 * Edges the stack cannot wire to or from an existing resource: an existing bucket's events to a queue
 * or topic (EventBridge rules here target functions only), and a bucket's S3 notifications to an
 * existing topic (its policy is not the stack's to change).
 */
export function existingEdgeProblems(node: Bucket | Topic, ctx: SynthContext): Problem[] {
  const edges = node.kind === 'bucket'
    ? (isExisting(node) ? ctx.outgoing(node).filter((e) => e.to.kind === 'queue' || e.to.kind === 'topic') : [])
    : (isExisting(node) ? ctx.incoming(node).filter((e) => e.from.kind === 'bucket') : []);
  return edges.map((e) => ({
    code: 'SLUICE_E_EXISTING_EDGE' as const, node: node.name, field: `${e.from.name}->${e.to.name}`,
    message: node.kind === 'bucket'
      ? `${node} (existing bucket '${(node as Bucket).existingName}') -> ${e.to}: an existing bucket's events reach the stack through EventBridge, which sluice routes to functions only; wire it to a function that sends on: bucket.existing(...).to(fn(...)).to(${e.to.name})`
      : `${e.from} -> ${node} (existing topic): S3 would need the existing topic's policy changed, which the stack never does; wire the bucket to a function that publishes to the topic`,
  }));
}
