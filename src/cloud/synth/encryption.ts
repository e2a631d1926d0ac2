/**
 * Encryption at rest, at the lowest cost that satisfies docs/security-rules.md. A queue or topic that an AWS
 * service writes to (S3 notifications, SNS deliveries and subscription dead letters, EventBridge
 * dead letters: the `delivery` of each edge in the kinds' edge tables) must use a customer managed key
 * whose policy lets that service use it: the AWS-managed `alias/aws/sqs` / `alias/aws/sns` keys have
 * policies nobody can edit, so delivery would fail silently (SQS-1, SNS-1, S3-7). Every other queue
 * and topic uses the free AWS-managed key. Lambda environments are encrypted with the customer
 * managed key (L-5), so a pipeline with a function, or with a service-fed queue or topic, gets
 * exactly one key: `alias/${pipeline}-${stage}`. Targets are named `<node>/<part>` (`orders/Queue`).
 */
import type { AnyNode, Edge, Kind } from '../../model/node.js';
import { edgeDefinition } from '../../model/edges.js';
import type { DeliveringService } from '../../model/kind.js';
import type { PartOf } from '../../model/kinds.js';
import type { Pipeline } from '../../model/pipeline.js';
import { KEY_ACCOUNT_ACTIONS, KEY_SERVICE_ACTIONS } from './actions.js';
import { SCRATCH, STACK_UNIT, type SynthContext } from './context.js';
import { getAtt, ref, sub, type Statement, type Str } from './template.js';
import { arnByName } from './policies.js';
import { primaryPart } from '../../model/resources.js';
import type { Notify } from '../../model/notify.js';
import { alarmArn, alarmedNodes } from './alarms.js';

/** The logical id of the pipeline's customer managed key. */
export const KEY_ID = 'SluiceKey';

/** What must be encrypted with the pipeline's key, and which services write where. */
export interface EncryptionPlan {
  /** Whether the stack has the customer managed key. */
  readonly hasKey: boolean;
  /** Services writing to a node's part, named `<node>/<part>` (`orders/Queue`, `copy/Failures`). */
  writersOf(target: string): ReadonlySet<DeliveringService>;
  /** Every service that writes to some encrypted queue or topic of the pipeline. */
  readonly services: ReadonlySet<DeliveringService>;
  /** The nodes on whose behalf a service writes (the buckets S3 notifies from, the topics SNS delivers from, the schedules' rules). */
  sourcesOf(service: DeliveringService): readonly AnyNode[];
}

const NONE: ReadonlySet<DeliveringService> = new Set();

/**
 * Decide which queues and topics need the customer managed key, from the pipeline's edges.
 * @example planEncryption(pipe, pipe.edges).writersOf('orders/Queue') // Set { 's3' }
 */
export function planEncryption(pipe: Pipeline, edges: readonly Edge[]): EncryptionPlan {
  const writers = new Map<string, Set<DeliveringService>>();
  const services = new Set<DeliveringService>();
  const sources = new Map<DeliveringService, Set<AnyNode>>();
  const write = (target: string, service: DeliveringService, source: AnyNode) => {
    const set = writers.get(target) ?? new Set();
    set.add(service);
    writers.set(target, set);
    services.add(service);
    sources.set(service, (sources.get(service) ?? new Set()).add(source));
  };
  for (const e of edges) {
    const delivery = edgeDefinition(e)?.delivery;
    if (delivery) write(deliveryTarget(e.to, delivery.into), delivery.service, e.from);
  }
  // CloudWatch alarms publish to notify topics, which therefore always use the key.
  for (const n of pipe.nodesOf('notify')) {
    write(deliveryTarget(n, 'Topic'), 'cloudwatch', n);
    write(deliveryTarget(n, 'Undelivered'), 'sns', n);
  }
  // Lambda environments are encrypted with the key (L-5): functions' and jobs'.
  const hasFunction = pipe.nodesOf('fn').length > 0 || pipe.nodesOf('job').length > 0;
  return {
    hasKey: hasFunction || services.size > 0,
    writersOf: (target) => writers.get(target) ?? NONE,
    services,
    sourcesOf: (service) => [...(sources.get(service) ?? [])],
  };
}

/** How the plan names a node's part: `<node>/<part>`. */
export function deliveryTarget(node: AnyNode, part: string): string {
  return `${node.name}/${part}`;
}

/** The key setting for a node's queue or topic: the pipeline's key when a service writes to it, else the AWS-managed key. */
export function keyFor<K extends Kind>(ctx: SynthContext, node: AnyNode & { readonly kind: K }, part: PartOf<K>, managedAlias: 'alias/aws/sqs' | 'alias/aws/sns'): Str {
  return usesKey(ctx, node, part) ? keyArn() : managedAlias;
}

/** Whether a node's part is encrypted with the pipeline's key. */
export function usesKey(ctx: SynthContext, node: AnyNode, part: string): boolean {
  return ctx.encryption.writersOf(deliveryTarget(node, part)).size > 0;
}

/** The ARN of the pipeline's key. */
export function keyArn(): Str {
  return getAtt(KEY_ID, 'Arn');
}

/** Add the pipeline's key and its alias, when the plan needs one. */
export function synthesizeKey(ctx: SynthContext): void {
  if (!ctx.encryption.hasKey) return;
  const statements: Statement[] = [
    {
      Sid: 'AccountAdministersKey',
      Effect: 'Allow',
      Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
      Action: [...KEY_ACCOUNT_ACTIONS],
      Resource: '*',
    },
  ];
  for (const service of [...ctx.encryption.services].sort()) {
    // The key serves this stack's deliveries only: the service must act for this account and for one
    // of the stack's own buckets, topics or rules (confused-deputy guard, docs/security-rules.md KMS-1).
    // CloudWatch acts for an alarm (the notify nodes' alarms), the other services for the node itself.
    const sourceArns = service === 'cloudwatch'
      ? ctx.encryption.sourcesOf(service).flatMap((node) => alarmedNodes(ctx, node as Notify).map((w) => alarmArn(ctx, node as Notify, w)))
      : ctx.encryption.sourcesOf(service).map((node) => {
        const part = primaryPart(node.kind);
        return arnByName(node.kind, part, ctx.physical(node, part));
      });
    if (sourceArns.length === 0) continue;
    statements.push({
      Sid: `Allow${service[0]!.toUpperCase()}${service.slice(1)}ToDeliver`,
      Effect: 'Allow',
      Principal: { Service: `${service}.amazonaws.com` },
      Action: [...KEY_SERVICE_ACTIONS],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') }, ArnLike: { 'aws:SourceArn': sourceArns } },
    });
  }
  ctx.add(STACK_UNIT, KEY_ID, 'Key', {
    Type: 'AWS::KMS::Key',
    ...SCRATCH,
    Properties: {
      Description: `sluice pipeline '${ctx.pipe.name}', stage '${ctx.stage}': encrypts function environments and the queues and topics AWS services deliver to`,
      EnableKeyRotation: true,
      PendingWindowInDays: 7,
      KeyPolicy: { Version: '2012-10-17', Statement: statements },
      // No Tags here: `sluice deploy` tags the stack (sluice:pipeline, sluice:stage) and CloudFormation
      // propagates stack tags to the key. moto 5.2 fails the whole stack on AWS::KMS::Key Tags (it
      // passes CloudFormation's Key/Value pairs to KMS's TagKey/TagValue API: KeyError 'TagKey').
    },
  });
  ctx.add(STACK_UNIT, `${KEY_ID}Alias`, 'KeyAlias', {
    Type: 'AWS::KMS::Alias',
    Properties: { AliasName: `alias/${ctx.stackName}`, TargetKeyId: ref(KEY_ID) },
  });
}
