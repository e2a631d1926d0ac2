/**
 * Names in a synthesized stack. Logical ids come from node names alone (`raw-data` -> `RawData`), so
 * adding or removing an unrelated node never renames a resource; physical names are
 * `${pipeline}-${stage}-${node}` with AWS's per-service length and character limits checked before
 * anything is written.
 */
import type { Problem } from '../../model/errors.js';
import { payloadBucketName } from '../../envelope/offload.js';

/**
 * The pipeline's payload bucket in a stage, where large message bodies are offloaded (the same
 * function the runtime uses, so both agree).
 * @example payloadBucketName('orders', 'dev') // 'orders-dev-sluice-payloads'
 */
export { payloadBucketName };

/** The stage names synth accepts: usable in S3 bucket names and stack names. */
export const STAGE_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * The CloudFormation logical-id stem of a node: its name in PascalCase, separators removed.
 * @example logicalStem('raw-data') // 'RawData'
 */
export function logicalStem(name: string): string {
  return name
    .split(/[-_.]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The stack of a pipeline in a stage.
 * @example stackName('orders', 'dev') // 'orders-dev'
 */
export function stackName(pipeline: string, stage: string): string {
  return `${pipeline}-${stage}`;
}

/**
 * The table of ingestion steps (lineage) of a pipeline in a stage.
 * @example lineageTableName('orders', 'dev') // 'orders-dev-sluice-lineage'
 */
export function lineageTableName(pipeline: string, stage: string): string {
  return `${pipeline}-${stage}-sluice-lineage`;
}

/**
 * The table of idempotency records of a pipeline in a stage.
 * @example idempotencyTableName('orders', 'dev') // 'orders-dev-sluice-idempotency'
 */
export function idempotencyTableName(pipeline: string, stage: string): string {
  return `${pipeline}-${stage}-sluice-idempotency`;
}

/** A physical name and the AWS rule it must satisfy. */
export interface NameRule {
  /** What the name is for, in the message: 'S3 bucket name'. */
  what: string;
  name: string;
  max: number;
  /** The node it belongs to. */
  node: string;
  /** Characters AWS accepts, when narrower than the node-name rule. */
  pattern?: RegExp;
  patternText?: string;
}

/**
 * Problems with physical names: too long once pipeline and stage are added, or characters the service
 * rejects. Each message names the node, the limit and the name, and says what to shorten.
 */
export function nameProblems(rules: readonly NameRule[], pipeline: string, stage: string): Problem[] {
  const problems: Problem[] = [];
  for (const rule of rules) {
    if (rule.name.length > rule.max) {
      const over = rule.name.length - rule.max;
      problems.push({
        code: 'SLUICE_E_NAME_TOO_LONG',
        node: rule.node,
        field: 'name',
        message: `node '${rule.node}': its ${rule.what} '${rule.name}' is ${rule.name.length} characters, over AWS's limit of ${rule.max} in stage '${stage}'; shorten the node name, the pipeline name ('${pipeline}') or the stage name by ${over} character${over === 1 ? '' : 's'}`,
      });
    }
    if (rule.pattern && !rule.pattern.test(rule.name)) {
      problems.push({
        code: 'SLUICE_E_NAME_CHARACTERS',
        node: rule.node,
        field: 'name',
        message: `node '${rule.node}': its ${rule.what} '${rule.name}' must be ${rule.patternText}; rename the node`,
      });
    }
  }
  return problems;
}

/** Problems with the stage name itself (it is part of every physical name). */
export function stageProblems(pipeline: string, stage: string): Problem[] {
  if (typeof stage !== 'string' || !STAGE_NAME.test(stage)) {
    return [{ code: 'SLUICE_E_STAGE_NAME', node: pipeline, field: 'stage', message: `stage name must be lower-case letters, digits and hyphens, starting and ending with a letter or digit (given '${stage}'); it becomes part of every bucket and stack name` }];
  }
  if (stage === 'local') {
    return [{ code: 'SLUICE_E_STAGE', node: pipeline, field: 'stage', message: `stage 'local' is the embedded engine and has no CloudFormation template; synthesize an AWS stage such as --stage dev` }];
  }
  return [];
}
