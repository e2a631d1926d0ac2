/**
 * Errors of deploying, inspecting and destroying a stage on AWS, each with a stable
 * `SLUICE_E_DEPLOY_*` code and a message that names the fix. `explainAwsError` turns what the AWS SDK
 * throws (no credentials, no region, an endpoint that does not answer, access denied) into one of
 * these, so a user never sees a bare SDK stack trace for a setup mistake.
 */
import { SluiceError, type ErrorDetails } from '../../model/errors.js';

/** Stable codes of deploy errors (part of the public API). */
export const DEPLOY_CODES = {
  credentials: 'SLUICE_E_DEPLOY_CREDENTIALS',
  region: 'SLUICE_E_DEPLOY_REGION',
  endpoint: 'SLUICE_E_DEPLOY_ENDPOINT',
  access: 'SLUICE_E_DEPLOY_ACCESS',
  busy: 'SLUICE_E_DEPLOY_BUSY',
  nameTaken: 'SLUICE_E_DEPLOY_NAME_TAKEN',
  assetsBucket: 'SLUICE_E_DEPLOY_ASSETS_BUCKET',
  confirm: 'SLUICE_E_DEPLOY_CONFIRM',
  cancelled: 'SLUICE_E_DEPLOY_CANCELLED',
  failed: 'SLUICE_E_DEPLOY_FAILED',
  stuck: 'SLUICE_E_DEPLOY_STACK_STATE',
  notDeployed: 'SLUICE_E_DEPLOY_NOT_DEPLOYED',
  destroyFailed: 'SLUICE_E_DEPLOY_DESTROY_FAILED',
  aws: 'SLUICE_E_DEPLOY_AWS',
  existingEventsOff: 'SLUICE_E_EXISTING_EVENTS_OFF',
} as const;

/** A failure of deploy, diff, destroy, status, logs or a data command on an AWS stage. */
export class DeployError extends SluiceError {
  /** The CloudFormation stack it concerns (`stack` in its JSON; not `Error.stack`, the trace). */
  readonly stackName: string | undefined;
  /** The failing resources with AWS's reasons, when CloudFormation reported them. */
  readonly failures: ResourceFailure[];
  constructor(code: (typeof DEPLOY_CODES)[keyof typeof DEPLOY_CODES], message: string, data: { stack?: string; failures?: ResourceFailure[] } & ErrorDetails = {}) {
    const { stack, failures, ...details } = data;
    super(code, message, details);
    this.stackName = stack;
    this.failures = failures ?? [];
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...(this.stackName ? { stack: this.stackName } : {}), ...(this.failures.length ? { failures: this.failures } : {}) };
  }
}

/** One resource CloudFormation failed to change, and why. */
export interface ResourceFailure {
  logicalId: string;
  /** The node path (`copy/Function`), when the template names it. */
  path?: string;
  type: string;
  status: string;
  reason: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);

/** Where the SDK sends requests, for messages. */
export interface Target {
  region?: string;
  endpoint?: string;
}

/**
 * Turn an error thrown by the AWS SDK into a `DeployError` that says what to do. `doing` completes
 * "while ...": `describing stack 'orders-dev'`. SluiceErrors pass through unchanged.
 * @example throw explainAwsError(error, 'creating the change set', { region: 'eu-west-1' })
 */
export function explainAwsError(error: unknown, doing: string, target: Target = {}): SluiceError {
  if (error instanceof SluiceError) return error;
  const e = (error ?? {}) as { name?: string; message?: string; code?: string; errno?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'Error';
  const message = String(e.message ?? error);
  const where = target.endpoint ? `the AWS endpoint ${target.endpoint} (AWS_ENDPOINT_URL)` : `AWS in region ${target.region ?? '(unknown)'}`;
  if (name === 'CredentialsProviderError' || /Could not load credentials|Unable to locate credentials|credential/i.test(message) && !/expired/i.test(message) && name !== 'AccessDenied') {
    return new DeployError(DEPLOY_CODES.credentials, `no AWS credentials were found while ${doing}; set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (run 'aws configure' or 'aws sso login'); for an emulator, AWS_ENDPOINT_URL with any keys`);
  }
  if (/Region is missing/i.test(message) || name === 'RegionMissingError') {
    return new DeployError(DEPLOY_CODES.region, `no AWS region is set while ${doing}; set AWS_REGION (or AWS_DEFAULT_REGION, or region in your AWS profile), e.g. AWS_REGION=eu-west-1`);
  }
  const network = [e.code, e.errno, e.cause?.code].find((c) => c && NETWORK_CODES.has(c)) ?? (name === 'TimeoutError' || name === 'RequestTimeout' ? 'timeout' : undefined);
  if (network) {
    return new DeployError(DEPLOY_CODES.endpoint, `could not reach ${where} while ${doing} (${network}); ${target.endpoint ? 'start the emulator or fix AWS_ENDPOINT_URL (unset it to use AWS itself)' : 'check your network connection and AWS_REGION'}`);
  }
  if (/ExpiredToken/i.test(name) || /security token .* expired/i.test(message)) {
    return new DeployError(DEPLOY_CODES.credentials, `the AWS credentials have expired while ${doing}; refresh them ('aws sso login', or new keys) and run the command again`);
  }
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch' || name === 'UnrecognizedClientException' || name === 'InvalidAccessKeyId') {
    return new DeployError(DEPLOY_CODES.credentials, `AWS rejected the credentials while ${doing} (${name}); check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`);
  }
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/i.test(name) || e.$metadata?.httpStatusCode === 403) {
    return new DeployError(DEPLOY_CODES.access, `AWS denied access while ${doing}: ${message}; use credentials allowed to manage CloudFormation, S3, IAM, Lambda, SQS, SNS, DynamoDB, EventBridge, KMS and CloudWatch Logs`);
  }
  return new DeployError(DEPLOY_CODES.aws, `AWS failed while ${doing}: ${name}: ${message}`);
}

/** Whether an SDK error means "no such thing" (404, NotFound, NoSuchKey, ...). */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  // "getaddrinfo ENOTFOUND host" is a network failure, not a missing resource.
  if (!e?.$metadata || (e.code && NETWORK_CODES.has(e.code))) return false;
  return e.$metadata.httpStatusCode === 404 || /NotFound|NoSuch|does not exist|NonExistent/.test(`${e.name} ${e.message}`);
}
