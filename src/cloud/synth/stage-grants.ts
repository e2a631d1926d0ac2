/**
 * The data grants of a job or Glue job: exactly the stages its edges name (`grantsOf`), as IAM
 * statements. A stage it reads (`readStage`) is listed on the bucket's ARN and read on its objects;
 * one it writes is written on its objects. The actions come from the bucket kind's permission table;
 * only where they apply (the bucket or its objects) is decided here (docs/security-rules.md IAM-4).
 */
import type { GlueJob } from '../../model/glue-job.js';
import type { Job } from '../../model/job.js';
import { grantsOf, type Grant } from '../../model/permissions.js';
import { BUCKET_LEVEL_ACTIONS } from './actions.js';
import type { SynthContext } from './context.js';
import { logicalStem } from './names.js';
import { arnByName, objectsArn } from './policies.js';
import type { Statement } from './template.js';
import type { Bucket } from '../../model/bucket.js';
import { InternalError } from '../../model/errors.js';

/** The grants of a job or Glue job (every one is on a bucket: the model allows no other edge); on external nodes, reads only. */
export function jobGrants(ctx: SynthContext, job: Job | GlueJob): Grant[] {
  return ctx.ownGrants(grantsOf(ctx.pipe, job));
}

/**
 * One statement per grant and resource type: `ListBucket` on the bucket, object actions on its objects.
 * @example stageStatements(ctx, grants) // ReadStageBronze... s3:ListBucket on bronze; s3:GetObject on bronze/*
 */
export function stageStatements(ctx: SynthContext, grants: readonly Grant[]): Statement[] {
  const statements: Statement[] = [];
  for (const grant of grants) {
    if (grant.node.kind !== 'bucket') throw new InternalError(`a job's grant on ${grant.node} is not on a stage`);
    const name = ctx.physical(grant.node as Bucket, 'Bucket');
    const sid = `${logicalStem(grant.use)}${logicalStem(grant.node.name)}`;
    const onBucket = grant.actions.filter((a) => BUCKET_LEVEL_ACTIONS.has(a));
    const onObjects = grant.actions.filter((a) => !BUCKET_LEVEL_ACTIONS.has(a));
    if (onBucket.length) statements.push({ Sid: `${sid}List`, Effect: 'Allow', Action: onBucket, Resource: arnByName('bucket', 'Bucket', name) });
    if (onObjects.length) statements.push({ Sid: sid, Effect: 'Allow', Action: onObjects, Resource: objectsArn(name) });
  }
  return statements;
}
