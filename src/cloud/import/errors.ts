/**
 * Errors of `sluice import`: each with a stable `SLUICE_E_IMPORT_*` code, naming the Glue job, state
 * machine or S3 object it concerns and what to do. `explainImportError` turns what the AWS SDK throws
 * for a missing or forbidden resource into one of these; setup failures (credentials, region,
 * endpoint) stay the `DeployError`s every AWS command raises.
 */
import { SluiceError, type ErrorDetails } from '../../model/errors.js';
import { explainAwsError, isNotFound, type Target } from '../deploy/errors.js';

/** Stable codes of import errors (part of the public API). */
export const IMPORT_CODES = {
  notFound: 'SLUICE_E_IMPORT_NOT_FOUND',
  access: 'SLUICE_E_IMPORT_ACCESS',
  asl: 'SLUICE_E_IMPORT_ASL',
  arn: 'SLUICE_E_IMPORT_ARN',
  fileExists: 'SLUICE_E_IMPORT_FILE_EXISTS',
  unsupported: 'SLUICE_E_IMPORT_UNSUPPORTED',
} as const;

/** A Glue job or state machine that `sluice import` cannot read or turn into sluice code. */
export class AwsImportError extends SluiceError {
  constructor(code: (typeof IMPORT_CODES)[keyof typeof IMPORT_CODES], message: string, details: ErrorDetails = {}) {
    super(code, message, details);
  }
}

/** What an AWS call of the import was reading, for messages. */
export interface ImportSubject {
  /** `Glue job 'clean'`, `state machine 'arn:...'`, `S3 object 's3://b/k' (the script of Glue job 'clean')`. */
  what: string;
  /** The call and the permission it needs: `glue:GetJob`. */
  action: string;
  /** The name or ARN, as `given` in the error's data. */
  given: string;
}

// Glue says EntityNotFoundException, Step Functions StateMachineDoesNotExist, S3 NoSuchKey/NoSuchBucket;
// IAM's NoSuchEntity is the same idea, and isNotFound covers 404s and the generic names.
const NOT_FOUND_NAMES = /^(EntityNotFoundException|StateMachineDoesNotExist|NoSuchEntity|NoSuchKey|NoSuchBucket|ResourceNotFoundException)$/;
const ACCESS_NAMES = /AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized/i;

/**
 * Turn an SDK failure while reading `subject` into an `AwsImportError` (not found, access denied), or
 * the `DeployError` any AWS command raises for credentials, region, endpoint and unknown failures.
 * @example throw explainImportError(error, { what: "Glue job 'clean'", action: 'glue:GetJob', given: 'clean' }, aws)
 */
export function explainImportError(error: unknown, subject: ImportSubject, target: Target): SluiceError {
  if (error instanceof SluiceError) return error;
  const e = (error ?? {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const where = target.endpoint ? `the AWS endpoint ${target.endpoint} (AWS_ENDPOINT_URL), region ${target.region}` : `region ${target.region ?? '(unknown)'}`;
  if (NOT_FOUND_NAMES.test(e.name ?? '') || isNotFound(error)) {
    return new AwsImportError(IMPORT_CODES.notFound, `${subject.what} does not exist in the account and ${where} the credentials reach (${e.name}); check the name and the account and region (--profile, --region or AWS_REGION)`, { given: subject.given });
  }
  if (ACCESS_NAMES.test(e.name ?? '') || e.$metadata?.httpStatusCode === 403) {
    // An answer the SDK could not parse (emulators send XML errors to JSON services) says nothing more than its status.
    const detail = e.message && !/Deserialization error|not valid JSON/.test(e.message) ? `: ${e.message}` : ` (HTTP ${e.$metadata?.httpStatusCode ?? 403})`;
    return new AwsImportError(IMPORT_CODES.access, `AWS denied access to ${subject.what}${detail}; use credentials allowed ${subject.action} (--profile or AWS_PROFILE)`, { given: subject.given, expected: subject.action });
  }
  return explainAwsError(error, `reading ${subject.what} (${subject.action})`, target);
}
