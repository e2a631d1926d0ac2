/**
 * A function's execution role, derived from wiring: one statement per grant `grantsOf` returns (the
 * actions from the node kind's permission table, on exactly the resources the kind names), plus what
 * infrastructure needs (its own log streams, its on-failure queue, the pipeline key for encrypted
 * queues and topics, X-Ray) and what its components need (the payload bucket, the lineage and
 * idempotency tables, its secrets' SSM parameters: `stores.ts`). `Resource: "*"` appears only for
 * actions AWS cannot scope, each explained in the role's `sluice:unscoped` metadata (docs/security-rules.md
 * IAM-1..IAM-6).
 */
import type { Fn } from '../../model/fn.js';
import type { Grant } from '../../model/permissions.js';
import { KEY_USE_ACTIONS, LOG_ACTIONS, SEND_ACTION, TRACING_ACTIONS } from './actions.js';
import type { SynthContext } from './context.js';
import { keyArn, usesKey } from './encryption.js';
import { idOf } from './ids.js';
import { primaryPart } from '../../model/resources.js';
import { logicalStem } from './names.js';
import { logStreamsArn } from './policies.js';
import { storeGrants } from './stores.js';
import { getAtt, type PolicyDocument, type Statement, type Value } from './template.js';

/** What the role needs to know about the function's infrastructure. */
export interface RoleInputs {
  fn: Fn;
  grants: readonly Grant[];
  /** Whether the function has an on-failure queue (it is invoked asynchronously). */
  hasFailureQueue: boolean;
}

/** Why X-Ray actions are on `*`, kept in the role's metadata. */
export const TRACING_REASON = 'X-Ray PutTraceSegments and PutTelemetryRecords have no resource type in the Service Authorization Reference, so Resource must be "*" (sluice security rule IAM-5); needed for active tracing (L-7)';

/**
 * The role's inline policy: exactly the grants, plus infrastructure statements.
 * @example roleDocument(ctx, { fn: copy, grants: grantsOf(pipe, copy), hasFailureQueue: true })
 */
export function roleDocument(ctx: SynthContext, inputs: RoleInputs): { document: PolicyDocument; unscoped: Value[]; stores: Value[] } {
  const { fn, grants } = inputs;
  const statements: Statement[] = [
    { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: [...LOG_ACTIONS], Resource: logStreamsArn(ctx.physical(fn, 'LogGroup')) },
  ];
  const keyActions = new Set<string>();
  const unscoped: Value[] = [];
  for (const grant of grants) {
    const synth = ctx.registry[grant.node.kind];
    const resources = synth.grantResources(grant.node as never, grant.use, fn, ctx);
    if (resources.length === 0 || grant.actions.length === 0) continue;
    const sid = `${logicalStem(grant.use)}${logicalStem(grant.node.name)}`;
    // A kind whose actions IAM cannot scope (comprehend) grants on "*", with its reason on record.
    if (resources.includes('*')) unscoped.push({ sid, actions: [...grant.actions], reason: synth.unscopedReason?.(grant.node as never) ?? '' });
    statements.push({
      Sid: sid,
      Effect: 'Allow',
      Action: [...grant.actions],
      Resource: resources.length === 1 ? resources[0]! : resources,
    });
    // A queue or topic an AWS service writes to is encrypted with the pipeline's key: using it needs the key too.
    if (usesKey(ctx, grant.node, primaryPart(grant.node.kind))) for (const a of KEY_USE_ACTIONS[grant.use] ?? []) keyActions.add(a);
  }
  // The stores sluice's components use, and the secrets the function's config references.
  const stores = storeGrants(ctx, fn);
  for (const g of stores) statements.push(g.statement);
  if (inputs.hasFailureQueue) {
    // Lambda sends failed async events to the destination with the function's own role.
    statements.push({ Sid: 'SendToOnFailureQueue', Effect: 'Allow', Action: [SEND_ACTION], Resource: getAtt(idOf(fn, 'Failures'), 'Arn') });
    if (usesKey(ctx, fn, 'Failures')) for (const a of KEY_USE_ACTIONS.send ?? []) keyActions.add(a);
  }
  if (keyActions.size > 0) {
    statements.push({ Sid: 'UsePipelineKey', Effect: 'Allow', Action: [...keyActions].sort(), Resource: keyArn() });
  }
  statements.push({ Sid: 'Tracing', Effect: 'Allow', Action: [...TRACING_ACTIONS], Resource: '*' });
  unscoped.push({ sid: 'Tracing', actions: [...TRACING_ACTIONS], reason: TRACING_REASON });
  return { document: { Version: '2012-10-17', Statement: statements }, unscoped, stores: stores.map((g) => ({ sid: g.statement.Sid!, reason: g.reason })) };
}

/** The trust policy of a function's role: Lambda, and nothing else (IAM-6). */
export const LAMBDA_TRUST: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** The grants of a function (`grantsOf`, cached per synthesis). */
export function grantsFor(ctx: SynthContext, fn: Fn): Grant[] {
  return ctx.grants(fn);
}
