/**
 * Encryption at rest, at the lowest cost that satisfies SECURITY.md. A queue or topic that an AWS
 * service writes to (S3 notifications, SNS deliveries and subscription dead letters, EventBridge
 * dead letters) must use a customer managed key whose policy lets that service use it: the
 * AWS-managed `alias/aws/sqs` / `alias/aws/sns` keys have policies nobody can edit, so delivery
 * would fail silently (SQS-1, SNS-1, S3-7). Every other queue and topic uses the free AWS-managed
 * key. Lambda environments are encrypted with the customer managed key (L-5), so a pipeline with a
 * function, or with a service-fed queue or topic, gets exactly one key: `alias/${pipeline}-${stage}`.
 */
import type { Edge } from '../../model/node.js';
import type { Pipeline } from '../../model/pipeline.js';
import { KEY_ACCOUNT_ACTIONS, KEY_SERVICE_ACTIONS } from './actions.js';
import { SCRATCH, STACK_UNIT, type SynthContext } from './context.js';
import { getAtt, ref, sub, type Statement, type Str } from './template.js';

/** AWS services that write to a pipeline's queues and topics. */
export type WritingService = 's3' | 'sns' | 'events';

/** The logical id of the pipeline's customer managed key. */
export const KEY_ID = 'SluiceKey';

/** What must be encrypted with the pipeline's key, and which services write where. */
export interface EncryptionPlan {
  /** Whether the stack has the customer managed key. */
  readonly hasKey: boolean;
  /** Services writing to `queue:<name>`, `topic:<name>` or `failures:<fn>` (a function's on-failure queue). */
  writersOf(target: string): ReadonlySet<WritingService>;
  /** Every service that writes to some encrypted queue or topic of the pipeline. */
  readonly services: ReadonlySet<WritingService>;
}

const NONE: ReadonlySet<WritingService> = new Set();

/**
 * Decide which queues and topics need the customer managed key, from the pipeline's edges.
 * @example planEncryption(pipe, pipe.edges).writersOf('queue:orders') // Set { 's3' }
 */
export function planEncryption(pipe: Pipeline, edges: readonly Edge[]): EncryptionPlan {
  const writers = new Map<string, Set<WritingService>>();
  const services = new Set<WritingService>();
  const write = (target: string, service: WritingService) => {
    const set = writers.get(target) ?? new Set();
    set.add(service);
    writers.set(target, set);
    services.add(service);
  };
  for (const e of edges) {
    const [from, to] = [e.from.kind, e.to.kind];
    if (from === 'bucket' && to === 'queue') write(`queue:${e.to.name}`, 's3');
    if (from === 'bucket' && to === 'topic') write(`topic:${e.to.name}`, 's3');
    // SNS delivers to the queue, and dead-letters undeliverable messages to the queue's DLQ (SNS-3).
    if (from === 'topic' && to === 'queue') write(`queue:${e.to.name}`, 'sns');
    if (from === 'topic' && to === 'fn') write(`failures:${e.to.name}`, 'sns');
    if (from === 'schedule' && to === 'fn') write(`failures:${e.to.name}`, 'events');
  }
  const hasFunction = [...pipe.nodes.values()].some((n) => n.kind === 'fn');
  return {
    hasKey: hasFunction || services.size > 0,
    writersOf: (target) => writers.get(target) ?? NONE,
    services,
  };
}

/** The key setting for a queue or topic: the pipeline's key when a service writes to it, else the AWS-managed key. */
export function keyFor(ctx: SynthContext, target: string, managedAlias: 'alias/aws/sqs' | 'alias/aws/sns'): Str {
  return ctx.encryption.writersOf(target).size > 0 ? keyArn() : managedAlias;
}

/** Whether `target` (`queue:<name>`, `topic:<name>`, `failures:<fn>`) is encrypted with the pipeline's key. */
export function usesKey(ctx: SynthContext, target: string): boolean {
  return ctx.encryption.writersOf(target).size > 0;
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
    statements.push({
      Sid: `Allow${service[0]!.toUpperCase()}${service.slice(1)}ToDeliver`,
      Effect: 'Allow',
      Principal: { Service: `${service}.amazonaws.com` },
      Action: [...KEY_SERVICE_ACTIONS],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
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
