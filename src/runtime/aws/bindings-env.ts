/**
 * Reads a deployed function's view of its neighbours from its environment (set by synth, see
 * src/cloud/synth/bindings.ts): `SLUICE_PIPELINE`, `SLUICE_STAGE`, `SLUICE_NODE` and the JSON
 * `SLUICE_BINDINGS`. Physical names map back to node names, so handlers see the names of the pipeline.
 */
import { InputError } from '../../model/errors.js';
import type { StepBindings } from '../bindings.js';

/** One entry of `SLUICE_BINDINGS`. */
export interface EnvBinding {
  kind: 'bucket' | 'queue' | 'topic' | 'table';
  name: string;
  uses: string[];
  url?: string;
  arn?: string;
  maxMessageSize?: number;
  keyPrefix?: string;
  partitionKey?: string;
  sortKey?: string;
}

/** A deployed step's bindings, with the physical resources behind each node. */
export interface DeployedBindings {
  step: StepBindings;
  /** Node name to its binding (physical name, URL, ARN, key schema). */
  resources: Record<string, EnvBinding>;
  /** Physical name (or an ARN's last part) to node name. */
  nodeNameOf: (physical: string) => string;
}

/**
 * Parse the environment of a deployed function.
 * @example const { step, resources } = bindingsFromEnv(process.env);
 */
export function bindingsFromEnv(env: NodeJS.ProcessEnv): DeployedBindings {
  const pipeline = env.SLUICE_PIPELINE ?? '';
  const stage = env.SLUICE_STAGE ?? '';
  const node = env.SLUICE_NODE ?? env.AWS_LAMBDA_FUNCTION_NAME ?? 'handler';
  let resources: Record<string, EnvBinding>;
  try {
    resources = JSON.parse(env.SLUICE_BINDINGS ?? '{}');
  } catch (error) {
    throw new InputError('SLUICE_E_BINDINGS', `function '${node}': SLUICE_BINDINGS is not JSON (${(error as Error).message}); redeploy the stack, which sets it`);
  }
  const entries = Object.entries(resources);
  const having = (kind: EnvBinding['kind'], ...uses: string[]) => entries.filter(([, b]) => b.kind === kind && uses.some((u) => b.uses.includes(u)));
  const byPhysical = new Map(entries.map(([name, b]) => [b.name, name]));
  const prefix = pipeline && stage ? `${pipeline}-${stage}-` : '';
  // The function's own variables: everything but what Lambda and sluice set.
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !/^(AWS_|LAMBDA_|_|SLUICE_|NODE_|TZ$|LANG$|PATH$|LD_LIBRARY_PATH$)/.test(key)) environment[key] = value;
  }
  const step: StepBindings = {
    pipeline,
    stage,
    node,
    environment,
    buckets: having('bucket', 'write').map(([name, b]) => ({ name, ...(b.keyPrefix ? { keyPrefix: b.keyPrefix } : {}) })),
    queues: having('queue', 'send').map(([name, b]) => ({ name, maxMessageSize: b.maxMessageSize ?? 1_048_576 })),
    topics: having('topic', 'publish').map(([name, b]) => ({ name, maxMessageSize: b.maxMessageSize ?? 262_144 })),
    readableBuckets: having('bucket', 'read').map(([name]) => name),
    tablesRead: having('table', 'read').map(([name]) => name),
    tablesWritten: having('table', 'write').map(([name]) => name),
  };
  // Resources the function holds no grant on (the topic that invokes it, say) still map back by
  // the naming scheme `${pipeline}-${stage}-${node}`.
  const nodeNameOf = (physical: string) => byPhysical.get(physical) ?? (prefix && physical.startsWith(prefix) ? physical.slice(prefix.length) : physical);
  return { step, resources, nodeNameOf };
}
