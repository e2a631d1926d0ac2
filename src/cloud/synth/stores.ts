/**
 * The stores sluice's components need on AWS, added to a stack only when some function needs them:
 *
 * - the payload bucket `<pipeline>-<stage>-sluice-payloads`: message bodies too large for a queue or
 *   topic on their path (src/envelope/offload.ts). A step that sends to a queue or topic may write
 *   under `payloads/<node>/`; a step fed by a queue or topic may read `payloads/`. Payloads expire
 *   one day after the longest a message can wait in any queue of the stage (DLQs included);
 * - the lineage table `<pipeline>-<stage>-sluice-lineage` (partition key `ingestionId`): one item per
 *   ingestion step of a step with lineage on; it may only put items;
 * - the idempotency table `<pipeline>-<stage>-sluice-idempotency` (Powertools Idempotency's schema:
 *   partition key `id`, TTL on `expiration`): records of a step with an `idempotencyKey`, which may
 *   only touch records whose id starts with its own function name (`dynamodb:LeadingKeys`).
 *
 * Only `component`/`source`/`sink` handlers use them (a plain Lambda handler is called as it is).
 * Every function with `secret('/path')` config values may read exactly those SSM parameters.
 */
import type { Problem } from '../../model/errors.js';
import type { ConfigValue, Fn } from '../../model/fn.js';
import type { Kind } from '../../model/node.js';
import { secretsIn } from '../../model/secret.js';
import { STORE_ACTIONS } from './actions.js';
import { STACK_UNIT, type SynthContext } from './context.js';
import { UNREAD_HANDLER, type HandlerOptions } from './handler-options.js';
import { idempotencyTableName, lineageTableName, logicalStem, payloadBucketName } from './names.js';
import { denyInsecureTransport, objectsArn } from './policies.js';
import { kindsWith } from '../../model/kinds.js';
import { primaryPart } from '../../model/resources.js';
import { escapeSub, getAtt, ref, sub, type Statement, type Str, type Value } from './template.js';

/** Logical ids of the stores (stack-wide: in the root template when split). */
export const STORE_IDS = {
  payloadBucket: 'SluicePayloadBucket',
  payloadBucketPolicy: 'SluicePayloadBucketPolicy',
  lineageTable: 'SluiceLineageTable',
  idempotencyTable: 'SluiceIdempotencyTable',
} as const;

/** Where a producer's offloaded bodies go, under the payload bucket (`payloadKey`'s layout). */
export const PAYLOAD_PREFIX = 'payloads/';

/** What one function needs of the stores, its config and its secrets, in one stage. */
export interface StepNeeds {
  /** It sends to a queue or topic, so it may offload bodies (PutObject under `payloads/<node>/`). */
  producesPayloads: boolean;
  /** A queue or topic feeds it, so it may read offloaded bodies (GetObject under `payloads/`). */
  consumesPayloads: boolean;
  /** It records ingestion steps in the lineage table. */
  lineage: boolean;
  /** It keeps idempotency records. */
  idempotency: boolean;
  /** `fn.configFor(stage)`: secrets stay references. */
  config: Record<string, ConfigValue>;
  /** The SSM parameter paths its config references, sorted, once each. */
  secrets: string[];
}

/** Which stores the stack holds. */
export interface StackNeeds {
  payloads: boolean;
  lineage: boolean;
  idempotency: boolean;
}

/** A handler's options as read by synth; a handler not read (missing file) is assumed a component. */
export function handlerOf(ctx: SynthContext, fn: Fn): HandlerOptions {
  return ctx.handlers.get(fn.name) ?? UNREAD_HANDLER;
}

/**
 * What a function needs in the context's stage.
 * @example stepNeeds(ctx, parse) // { producesPayloads: true, consumesPayloads: true, lineage: true, ... }
 */
export function stepNeeds(ctx: SynthContext, fn: Fn): StepNeeds {
  const handler = handlerOf(ctx, fn);
  const component = handler.kind === 'descriptor';
  // Message bodies travel through what a step can send to: queues and topics.
  const messaging = (kind: Kind) => kindsWith('send').includes(kind);
  const config = fn.configFor(ctx.stage);
  return {
    producesPayloads: component && ctx.outgoing(fn).some((e) => messaging(e.to.kind)),
    consumesPayloads: component && ctx.incoming(fn).some((e) => messaging(e.from.kind)),
    lineage: component && handler.lineage,
    idempotency: component && handler.idempotency,
    config,
    secrets: [...new Set(secretsIn(config).map((s) => s.path))].sort(),
  };
}

const stackCache = new WeakMap<SynthContext, StackNeeds>();

/** Which stores some function of the pipeline needs. */
export function stackNeeds(ctx: SynthContext): StackNeeds {
  let needs = stackCache.get(ctx);
  if (needs) return needs;
  needs = { payloads: false, lineage: false, idempotency: false };
  for (const fn of ctx.pipe.nodesOf('fn')) {
    if (ctx.isExternal(fn)) continue;
    const n = stepNeeds(ctx, fn);
    needs.payloads ||= n.producesPayloads || n.consumesPayloads;
    needs.lineage ||= n.lineage;
    needs.idempotency ||= n.idempotency;
  }
  stackCache.set(ctx, needs);
  return needs;
}

/** Physical names of the stores in the context's stage. */
export function storeNames(ctx: SynthContext): { payloads: string; lineage: string; idempotency: string } {
  const [p, s] = [ctx.pipe.name, ctx.stage];
  return { payloads: payloadBucketName(p, s), lineage: lineageTableName(p, s), idempotency: idempotencyTableName(p, s) };
}

/** One statement of a function's role on a store, with why it is there (kept in the role's metadata). */
export interface StoreGrant {
  statement: Statement;
  reason: string;
}

/**
 * The statements a function's role needs on the stores and on SSM, exactly scoped: its own payload
 * prefix for writes, the lineage table, its own idempotency records, each secret parameter by ARN.
 */
export function storeGrants(ctx: SynthContext, fn: Fn): StoreGrant[] {
  const needs = stepNeeds(ctx, fn);
  const names = storeNames(ctx);
  const physical = ctx.physical(fn, 'Function');
  const grants: StoreGrant[] = [];
  const allow = (Sid: string, actions: readonly string[], resources: Str[], reason: string, Condition?: Statement['Condition']) =>
    grants.push({ statement: { Sid, Effect: 'Allow', Action: [...actions], Resource: resources.length === 1 ? resources[0]! : resources, ...(Condition ? { Condition } : {}) }, reason });
  if (needs.producesPayloads) allow('WritePayloads', STORE_ACTIONS.writePayloads, [objectsArn(names.payloads, `${PAYLOAD_PREFIX}${fn.name}/`)], 'offloads message bodies too large for the queues and topics it sends to');
  if (needs.consumesPayloads) allow('ReadPayloads', STORE_ACTIONS.readPayloads, [objectsArn(names.payloads, PAYLOAD_PREFIX)], 'reads offloaded bodies of the messages it receives, whichever step wrote them');
  if (needs.lineage) allow('WriteLineage', STORE_ACTIONS.writeLineage, [getAtt(STORE_IDS.lineageTable, 'Arn')], 'records an ingestion step per execution (lineage)');
  if (needs.idempotency) {
    // Powertools Idempotency keys records `<function name>#<hash>`: a step sees only its own.
    allow('UseIdempotencyRecords', STORE_ACTIONS.useIdempotency, [getAtt(STORE_IDS.idempotencyTable, 'Arn')], 'keeps idempotency records for its idempotencyKey, only those of this function', { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${physical}#*`] } });
  }
  if (needs.secrets.length) allow('ReadSecrets', STORE_ACTIONS.readSecrets, needs.secrets.map(parameterArn), `reads the secrets its config references: ${needs.secrets.join(', ')}`);
  return grants;
}

/** The ARN of exactly one SSM parameter (`/team/key` -> `...:parameter/team/key`). */
export function parameterArn(path: string): Str {
  return sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${escapeSub(path)}`);
}

/**
 * Problems only the stores can have: a payload bucket name too long for S3 once pipeline and stage
 * are added, and a node whose physical name or logical id is a store's.
 */
export function storeProblems(ctx: SynthContext): Problem[] {
  const needs = stackNeeds(ctx);
  const names = storeNames(ctx);
  const problems: Problem[] = [];
  const payloads = names.payloads;
  if (needs.payloads && payloads.length > 63) {
    const over = payloads.length - 63;
    problems.push({ code: 'SLUICE_E_NAME_TOO_LONG', node: ctx.pipe.name, field: 'name', message: `pipeline '${ctx.pipe.name}': its payload bucket name '${payloads}' (large message bodies are offloaded there) is ${payloads.length} characters, over S3's limit of 63 in stage '${ctx.stage}'; shorten the pipeline name or the stage name by ${over} character${over === 1 ? '' : 's'}` });
  }
  const reserved = new Map<string, string>();
  if (needs.payloads) reserved.set(payloads, 'payload bucket').set(STORE_IDS.payloadBucket, 'payload bucket').set(STORE_IDS.payloadBucketPolicy, 'payload bucket policy');
  if (needs.lineage) reserved.set(names.lineage, 'lineage table').set(STORE_IDS.lineageTable, 'lineage table');
  if (needs.idempotency) reserved.set(names.idempotency, 'idempotency table').set(STORE_IDS.idempotencyTable, 'idempotency table');
  if (reserved.size === 0) return problems;
  for (const node of ctx.pipe.nodes.values()) {
    const id = `${logicalStem(node.name)}${primaryPart(node.kind)}`;
    for (const taken of [ctx.name(node), id]) {
      const store = reserved.get(taken);
      if (!store) continue;
      problems.push({ code: 'SLUICE_E_NAME_RESERVED', node: node.name, field: 'name', message: `${node}: its ${taken === id ? 'CloudFormation logical id' : 'physical name'} '${taken}' is the one sluice gives the pipeline's ${store}; rename the node` });
      break;
    }
  }
  return problems;
}

const DAY_SECONDS = 86_400;

/** Add the stores the pipeline needs, with their outputs. Run after every node is synthesized. */
export function synthesizeStores(ctx: SynthContext): void {
  const needs = stackNeeds(ctx);
  const names = storeNames(ctx);
  if (needs.payloads) addPayloadBucket(ctx, names.payloads);
  if (needs.lineage) {
    addTable(ctx, STORE_IDS.lineageTable, 'LineageTable', names.lineage, 'ingestionId', 'lineage table: one item per ingestion step');
  }
  if (needs.idempotency) {
    addTable(ctx, STORE_IDS.idempotencyTable, 'IdempotencyTable', names.idempotency, 'id', 'idempotency table: Powertools Idempotency records', { AttributeName: 'expiration', Enabled: true });
  }
}

/** The longest retention of any queue in the stack (DLQs and on-failure queues included), in seconds. */
function longestQueueRetention(ctx: SynthContext): { seconds: number; queue?: string } {
  let longest: { seconds: number; queue?: string } = { seconds: 0 };
  for (const [, { resource }] of ctx.resources) {
    if (resource.Type !== 'AWS::SQS::Queue') continue;
    const seconds = Number(resource.Properties?.MessageRetentionPeriod ?? 0);
    if (seconds > longest.seconds) longest = { seconds, queue: String(resource.Properties?.QueueName) };
  }
  return longest;
}

function addPayloadBucket(ctx: SynthContext, name: string): void {
  const id = STORE_IDS.payloadBucket;
  const retention = longestQueueRetention(ctx);
  // A body must outlive every message that points at it, in its queue or a dead-letter queue.
  const days = Math.ceil(retention.seconds / DAY_SECONDS) + 1;
  ctx.add(STACK_UNIT, id, 'PayloadBucket', {
    Type: 'AWS::S3::Bucket',
    ...ctx.dataStorePolicy(),
    Properties: {
      BucketName: name,
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-payloads', Status: 'Enabled', Prefix: PAYLOAD_PREFIX, ExpirationInDays: days },
          { Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
        ],
      },
      Tags: ctx.tags(),
    },
  }, {
    'sluice:lifecycle': { expirationDays: days, reason: retention.queue ? `one day more than the longest queue retention in the stage (${retention.seconds} s, queue '${retention.queue}'), rounded up to days` : 'no queue in the stage: one day' },
    'sluice:optOuts': [
      { rule: 'S3-5', reason: 'payloads are written once, read by the next step and expired by the lifecycle rule: versions would only keep them longer' },
      { rule: 'S3-6', reason: 'server access logging needs a second bucket per bucket; CloudTrail data events are the account-wide alternative' },
    ] as Value[],
  });
  ctx.add(STACK_UNIT, STORE_IDS.payloadBucketPolicy, 'PayloadBucketPolicy', {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: ref(id),
      PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport('s3', [getAtt(id, 'Arn'), sub(`\${${id}.Arn}/*`)])] },
    },
  });
  ctx.output(STACK_UNIT, id, { Description: 'payload bucket: message bodies offloaded by the envelope rule', Value: ref(id) });
}

function addTable(ctx: SynthContext, id: string, path: string, name: string, key: string, description: string, ttl?: { AttributeName: string; Enabled: boolean }): void {
  ctx.add(STACK_UNIT, id, path, {
    Type: 'AWS::DynamoDB::Table',
    ...ctx.dataStorePolicy(),
    Properties: {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      ...(ttl ? { TimeToLiveSpecification: ttl } : {}),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: ctx.settings.removal === 'retain',
      Tags: ctx.tags(),
    },
  }, { 'sluice:optOuts': [{ rule: 'DDB-2', reason: 'encrypted with the AWS-managed DynamoDB key: no key to pay for or grant, and functions need no KMS permissions' }] });
  ctx.output(STACK_UNIT, id, { Description: description, Value: ref(id) });
}
