/**
 * Names and ARNs of the AWS resources a node is deployed as, from its kind's `parts`: one rule for
 * synth (which renders them with CloudFormation's pseudo parameters), the AWS stage (which finds
 * deployed resources by them) and the local engine (whose events carry ARNs in AWS's shapes).
 */
import type { ArnShape } from './kind.js';
import { KINDS, type PartOf } from './kinds.js';
import type { Kind } from './node.js';

/** Where an ARN points: the partition, region and account (literal values, or placeholders). */
export interface ArnScope {
  partition: string;
  region: string;
  account: string;
}

/**
 * The base of every physical name of a node in a stage: `${pipeline}-${stage}-${node}`.
 * @example physicalBase('orders', 'dev', 'raw') // 'orders-dev-raw'
 */
export function physicalBase(pipeline: string, stage: string, node: string): string {
  return `${pipeline}-${stage}-${node}`;
}

/**
 * The physical name of one part of a node, from its base name; undefined for parts AWS names.
 * @example partName('queue', 'Dlq', 'orders-dev-work') // 'orders-dev-work-dlq'
 */
export function partName<K extends Kind>(kind: K, part: PartOf<K>, base: string): string | undefined {
  const template = (KINDS[kind].parts as Record<string, { name?: string }>)[part]?.name;
  return template?.replaceAll('{name}', base);
}

/** A kind's primary part: the resource its node is (the first of its parts). */
export function primaryPart<K extends Kind>(kind: K): PartOf<K> {
  return Object.keys(KINDS[kind].parts)[0] as PartOf<K>;
}

/** The ARN shape of one part of a kind, if it has one. */
export function arnShape<K extends Kind>(kind: K, part: PartOf<K>): ArnShape | undefined {
  return (KINDS[kind].parts as Record<string, { arn?: ArnShape }>)[part]?.arn;
}

/**
 * An ARN of the given shape for a physical name.
 * @example arnOf({ service: 'sqs', regional: true, resource: '{name}' }, 'p-dev-q', { partition: 'aws', region: 'us-east-1', account: '1' })
 * // 'arn:aws:sqs:us-east-1:1:p-dev-q'
 */
export function arnOf(shape: ArnShape, name: string, scope: ArnScope): string {
  const where = shape.regional ? `${scope.region}:${scope.account}` : ':';
  return `arn:${scope.partition}:${shape.service}:${where}:${shape.resource.replaceAll('{name}', name)}`;
}
