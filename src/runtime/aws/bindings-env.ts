/**
 * Reads a deployed function's view of its neighbours from its environment (set by synth, see
 * src/cloud/synth/bindings.ts): `SLUICE_PIPELINE`, `SLUICE_STAGE`, `SLUICE_NODE` and the JSON
 * `SLUICE_BINDINGS` (checked against the kinds' binding shapes, bindings-schema.ts); and its components: its version
 * (`SLUICE_VERSION`), the payload bucket, lineage and idempotency tables, and its config for the stage
 * (`SLUICE_STEP_CONFIG`) under the process's `SLUICE_CONFIG` overlay. Physical names map back to node
 * names, so handlers see the names of the pipeline.
 */
import { InputError, type ErrorCode } from '../../model/errors.js';
import { EnvironmentError } from './environment-error.js';

export { EnvironmentError };
import { layerConfig } from '../config.js';
import type { StepBindings } from '../bindings.js';
import { parseBindings, type EnvBinding } from './bindings-schema.js';

export type { EnvBinding };

/** A deployed step's bindings, with the physical resources behind each node. */
export interface DeployedBindings {
  step: StepBindings;
  /** Node name to its binding (physical name, URL, ARN, key schema). */
  resources: Record<string, EnvBinding>;
  /** Physical name (or an ARN's last part) to node name. */
  nodeNameOf: (physical: string) => string;
  /**
   * The function's physical name: `AWS_LAMBDA_FUNCTION_NAME`, else `<pipeline>-<stage>-<node>`.
   * Idempotency record ids start with it (`<name>#`), which is what the function's grant allows.
   */
  functionName: string;
  /** `SLUICE_LINEAGE_TABLE`: where ingestion steps go; unset when the handler has lineage off. */
  lineageTable?: string;
  /** `SLUICE_IDEMPOTENCY_TABLE`: Powertools Idempotency's table; set when the handler has an idempotencyKey. */
  idempotencyTable?: string;
}


interface EnvProblem {
  code: ErrorCode;
  variable: string;
  message: string;
}

const REDEPLOY = 'redeploy the stack, which sets it';
// S3's bucket naming rules (3-63 characters; lower-case letters, digits, dots and hyphens).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// DynamoDB's table naming rules (3-255 characters of letters, digits, _ . -).
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Parse the environment of a deployed function. Every malformed variable is reported at once, in an
 * `EnvironmentError` naming the function and the variables (`SLUICE_E_BINDINGS`, `SLUICE_E_STEP_CONFIG`,
 * `SLUICE_E_CONFIG`, `SLUICE_E_ENVIRONMENT`), so a cold start fails with what to fix.
 * @example const { step, resources, lineageTable } = bindingsFromEnv(process.env);
 */
export function bindingsFromEnv(env: NodeJS.ProcessEnv): DeployedBindings {
  const pipeline = env.SLUICE_PIPELINE ?? '';
  const stage = env.SLUICE_STAGE ?? '';
  const node = env.SLUICE_NODE ?? env.AWS_LAMBDA_FUNCTION_NAME ?? 'handler';
  const problems: EnvProblem[] = [];
  const resources = bindingsVariable(env, problems);
  const stepConfig = jsonVariable(env, 'SLUICE_STEP_CONFIG', 'SLUICE_E_STEP_CONFIG', problems, REDEPLOY);
  const overlay = jsonVariable(env, 'SLUICE_CONFIG', 'SLUICE_E_CONFIG_ENV', problems, `set it to an object such as '{"batchSize": 10}'`);
  const version = named(env, 'SLUICE_VERSION', SHA256_HEX, 'the sha256 (64 lower-case hex digits) of the function\'s bundle', problems);
  const payloadBucket = named(env, 'SLUICE_PAYLOAD_BUCKET', BUCKET_NAME, 'an S3 bucket name', problems);
  const lineageTable = named(env, 'SLUICE_LINEAGE_TABLE', TABLE_NAME, 'a DynamoDB table name', problems);
  const idempotencyTable = named(env, 'SLUICE_IDEMPOTENCY_TABLE', TABLE_NAME, 'a DynamoDB table name', problems);
  if (problems.length > 0) {
    const what = problems.length === 1
      ? problems[0]!.message
      : `its environment has ${problems.length} problems:\n${problems.map((p) => `  - ${p.message} [${p.code}]`).join('\n')}`;
    throw new EnvironmentError(problems.map((p) => p.code), `function '${node}' cannot start: ${what}`, node, problems.map((p) => p.variable));
  }
  const entries = Object.entries(resources);
  const having = (kind: EnvBinding['kind'], ...uses: string[]) => entries.filter(([, b]) => b.kind === kind && uses.some((u) => (b.uses as string[]).includes(u)));
  const byPhysical = new Map(entries.map(([name, b]) => [b.name, name]));
  const prefix = pipeline && stage ? `${pipeline}-${stage}-` : '';
  // The function's own variables: everything but what Lambda and sluice set.
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !/^(AWS_|LAMBDA_|_|SLUICE_|NODE_|POWERTOOLS_|TZ$|LANG$|PATH$|LD_LIBRARY_PATH$)/.test(key)) environment[key] = value;
  }
  const step: StepBindings = {
    pipeline,
    stage,
    node,
    environment,
    buckets: having('bucket', 'write').map(([name, b]) => ({ name, ...(b.keyPrefix ? { keyPrefix: b.keyPrefix } : {}) })),
    // parseBindings fills in each kind's default size limit.
    queues: having('queue', 'send').map(([name, b]) => ({ name, maxMessageSize: b.maxMessageSize!, ...(b.path ? { path: b.path } : {}) })),
    topics: having('topic', 'publish').map(([name, b]) => ({ name, maxMessageSize: b.maxMessageSize!, ...(b.path ? { path: b.path } : {}) })),
    notifications: having('notify', 'publish').map(([name]) => name),
    readableBuckets: having('bucket', 'read').map(([name]) => name),
    tablesRead: having('table', 'read').map(([name]) => name),
    tablesWritten: [...having('table', 'write'), ...having('table', 'put')].map(([name]) => name),
    tablesDeleted: having('table', 'write').map(([name]) => name),
    sentiment: having('comprehend', 'invoke').map(([name, b]) => ({ name, language: b.language ?? 'en' })),
    ...(payloadBucket ? { payloadBucket } : {}),
    ...(version ? { version } : {}),
  };
  if (stepConfig || overlay) {
    // Locally `nodes` lets `<other>.key` entries be told from keys with a dot; a function's environment
    // does not list the pipeline's other functions, so such an entry stays a key nobody reads.
    step.config = layerConfig((stepConfig ?? {}) as Record<string, unknown>, node, overlay ? { env: overlay as Record<string, unknown> } : {});
  }
  // Resources the function holds no grant on (the topic that invokes it, say) still map back by
  // the naming scheme `${pipeline}-${stage}-${node}`.
  const nodeNameOf = (physical: string) => byPhysical.get(physical) ?? (prefix && physical.startsWith(prefix) ? physical.slice(prefix.length) : physical);
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME || (prefix ? `${prefix}${node}` : node);
  return {
    step,
    resources,
    nodeNameOf,
    functionName,
    ...(lineageTable ? { lineageTable } : {}),
    ...(idempotencyTable ? { idempotencyTable } : {}),
  };
}

/** `SLUICE_BINDINGS`: every entry checked against its kind's binding shape. */
function bindingsVariable(env: NodeJS.ProcessEnv, problems: EnvProblem[]): Record<string, EnvBinding> {
  const value = jsonVariable(env, 'SLUICE_BINDINGS', 'SLUICE_E_BINDINGS', problems, REDEPLOY);
  if (!value) return {};
  const parsed = parseBindings(value);
  if (parsed.ok) return parsed.bindings;
  problems.push({ code: 'SLUICE_E_BINDINGS', variable: 'SLUICE_BINDINGS', message: `${parsed.problem}; ${REDEPLOY}` });
  return {};
}

/** A variable holding a JSON object; undefined when unset or empty. */
function jsonVariable(env: NodeJS.ProcessEnv, variable: string, code: ErrorCode, problems: EnvProblem[], fix: string): object | undefined {
  const text = env[variable];
  if (text === undefined || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push({ code, variable, message: `${variable} is not JSON (${(error as Error).message}); ${fix}` });
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push({ code, variable, message: `${variable} must be a JSON object (given ${text.slice(0, 60)}); ${fix}` });
    return undefined;
  }
  return parsed;
}

/** A variable holding a name (of a bucket, a table, a hash); undefined when unset or empty. */
function named(env: NodeJS.ProcessEnv, variable: string, rule: RegExp, what: string, problems: EnvProblem[]): string | undefined {
  const value = env[variable];
  if (value === undefined || value === '') return undefined;
  if (!rule.test(value)) {
    problems.push({ code: 'SLUICE_E_ENVIRONMENT', variable, message: `${variable} must be ${what} (given ${JSON.stringify(value.slice(0, 80))}); ${REDEPLOY}` });
    return undefined;
  }
  return value;
}

/**
 * The physical resource behind a node the function is bound to.
 * @example resource(deployed.resources, 'curated', 'bucket').name // 'p-dev-curated'
 */
export function resource(resources: Record<string, EnvBinding>, node: string, kind: EnvBinding['kind']): EnvBinding {
  const b = resources[node];
  if (!b || b.kind !== kind) throw new InputError('SLUICE_E_NO_BINDING', `this function has no binding for ${kind} '${node}'; declare the edge in the pipeline and redeploy`);
  return b;
}
