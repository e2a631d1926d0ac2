/**
 * A step's config and secrets. The layers, lowest first (Pylon's precedence: `.env` over the
 * environment's config): `config` declared on the function, `stageConfig[stage]`, the `SLUICE_CONFIG`
 * environment variable (a JSON object, Pylon's PYLON_CONFIG), then the `.env` file. In the last two,
 * `key` applies to every step and `<node>.key` to one, winning over `key`. A `.env` value is text; it
 * takes the type of the value it overrides (`10` over a number is 10).
 *
 * When the step starts (before its first input, like a Lambda cold start), `secret('/path')` values
 * are read through the step's I/O and the config is checked against the step's schema; a missing
 * secret, a missing key or a value of the wrong type stops the step with the step and key named, and
 * every input it receives fails (and so ends in its dead-letter queue) until that is fixed.
 */
import { InputError, PermissionDeniedError } from '../model/errors.js';
import { StepStartError } from './step-start-error.js';
import { guardConsole, NO_SECRETS, SecretGuard } from './secret-guard.js';

export { StepStartError };
import { isSecretRef, secretPath, secretsIn } from '../model/secret.js';
import { describeIssue, issuePath, preview } from '../envelope/errors.js';
import { standardValidate } from '../envelope/codec.js';
import type { StepBindings } from './bindings.js';
import type { StepIo } from './context.js';
import type { HandlerDescriptor } from './types.js';

/** Config layered over the pipeline's: `SLUICE_CONFIG` (JSON) and `.env` (text). */
export interface ConfigLayers {
  /** The `SLUICE_CONFIG` object. */
  env?: Record<string, unknown>;
  /** The `.env` file's entries. */
  dotenv?: Record<string, string>;
  /** Every function's name, so `<other>.key` entries are not mistaken for keys with a dot. */
  nodes?: readonly string[];
}


const WHERE_TO_SET = (node: string) => `set it in fn('${node}', { config }), its stageConfig, SLUICE_CONFIG or .env`;

/** Lay `SLUICE_CONFIG` and `.env` over a step's config (see the module comment for the rules). */
export function layerConfig(base: Record<string, unknown>, node: string, layers: ConfigLayers = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  const others = new Set((layers.nodes ?? []).filter((n) => n !== node));
  const apply = (entries: Record<string, unknown>, coerce: boolean) => {
    const scoped: Array<[string, unknown]> = [];
    for (const [name, value] of Object.entries(entries)) {
      const dot = name.indexOf('.');
      if (dot > 0 && name.slice(0, dot) === node) scoped.push([name.slice(dot + 1), value]);
      else if (!(dot > 0 && others.has(name.slice(0, dot)))) out[name] = coerce ? coerceLike(out[name], value as string) : value;
    }
    for (const [key, value] of scoped) out[key] = coerce ? coerceLike(out[key], value as string) : value;
  };
  if (layers.env) apply(layers.env, false);
  if (layers.dotenv) apply(layers.dotenv, true);
  return out;
}

/** A `.env` text value as the type of the value it overrides, when it reads as one. */
function coerceLike(current: unknown, text: string): unknown {
  if (typeof current === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (typeof current === 'boolean' && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === 'true';
  if (current !== null && typeof current === 'object' && !isSecretRef(current)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A step ready to run: its config with secrets read, and the secrets by path. */
export interface StartedStep {
  config: Readonly<Record<string, unknown>>;
  secrets: ReadonlyMap<string, string>;
  /** The step's secret values, and the redaction and refusal built on them (secret-guard.ts). */
  guard: SecretGuard;
  /** True for the one invocation that started the step: the start heartbeat. */
  fresh: boolean;
}

interface StartEntry {
  started: Promise<Omit<StartedStep, 'fresh'>>;
  /** The started step once the promise has settled: later invocations take it without awaiting. */
  value?: StartedStep;
  announced: boolean;
}

const startedSteps = new WeakMap<HandlerDescriptor, WeakMap<StepBindings, StartEntry>>();

/**
 * Start a step once per runtime (per worker, per Lambda sandbox): read its secrets and check its
 * config. Invocations arriving together share one start; a failure is not remembered, so fixing the
 * secrets file or config lets the next input through.
 */
export function startStep(descriptor: HandlerDescriptor, bindings: StepBindings, io: StepIo): StartedStep | Promise<StartedStep> {
  let byBindings = startedSteps.get(descriptor);
  if (!byBindings) startedSteps.set(descriptor, (byBindings = new WeakMap()));
  let entry = byBindings.get(bindings);
  // Started already: no promise, no copy (this runs once per invocation).
  if (entry?.value) return entry.value;
  if (!entry) {
    const started = start(descriptor, bindings, io);
    const created: StartEntry = { started, announced: false };
    entry = created;
    byBindings.set(bindings, entry);
    started.then((step) => (created.value = { ...step, fresh: false }), () => byBindings!.delete(bindings));
  }
  const pending = entry;
  return pending.started.then((step) => {
    const fresh = !pending.announced;
    pending.announced = true;
    return { ...step, fresh };
  });
}

async function start(descriptor: HandlerDescriptor, bindings: StepBindings, io: StepIo): Promise<Omit<StartedStep, 'fresh'>> {
  const node = bindings.node;
  const raw = bindings.config ?? {};
  const refs = secretsIn(raw);
  const secrets = new Map<string, string>();
  if (refs.length > 0) {
    if (!io.secrets) {
      throw new StepStartError('SLUICE_E_SECRET', `function '${node}' cannot start: its config key '${refs[0]!.key}' is secret('${refs[0]!.path}') but this runtime has no secrets source`, node, refs[0]!.key);
    }
    const { values, source, howToAdd } = await io.secrets([...new Set(refs.map((r) => r.path))]);
    const missing = refs.filter((r) => typeof values[r.path] !== 'string');
    if (missing.length > 0) {
      const list = missing.map((m) => `'${m.path}' (config key '${m.key}')`).join(', ');
      const fix = howToAdd ? howToAdd([...new Set(missing.map((m) => m.path))]) : `add ${missing.map((m) => `"${m.path}": "<value>"`).join(', ')}`;
      throw new StepStartError('SLUICE_E_SECRET', `function '${node}' cannot start: secret ${list} ${missing.length === 1 ? 'is' : 'are'} not set in ${source}; ${fix}`, node, missing[0]!.key);
    }
    for (const r of refs) secrets.set(r.path, values[r.path]!);
  }
  const resolved = resolveSecrets(raw, secrets) as Record<string, unknown>;
  const guard = secrets.size > 0 ? new SecretGuard(secrets.values()) : NO_SECRETS;
  // What the handler prints is redacted too, from here on (a console is one per runtime).
  guardConsole(guard);
  let config: Record<string, unknown> = resolved;
  const schema = descriptor.options?.config;
  if (schema) {
    const result = await standardValidate(schema, resolved);
    if (result.issues) {
      const first = result.issues[0]!;
      const key = issuePath(first);
      const secretKey = refs.some((r) => r.key === key || key.startsWith(`${r.key}.`));
      const issue = secretKey ? { ...first, input: '***' } : first;
      const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more problem${result.issues.length === 2 ? '' : 's'})` : '';
      throw new StepStartError('SLUICE_E_CONFIG', guard.redactText(`function '${node}' cannot start: ${describeIssue({ ...issue, path: issue.path }, 'its config').replace(/^field /, 'config key ')}${more}; ${WHERE_TO_SET(node)}`), node, key || undefined);
    }
    config = result.value as Record<string, unknown>;
  } else {
    config = missingKeyGuard(resolved, node);
  }
  return { config: Object.freeze(config), secrets, guard };
}

function resolveSecrets(value: unknown, secrets: Map<string, string>): unknown {
  if (isSecretRef(value)) return secrets.get(secretPath(value));
  if (Array.isArray(value)) return value.map((v) => resolveSecrets(v, secrets));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveSecrets(v, secrets)]));
  return value;
}

// Names that tools probe on any object (promises, JSON, inspection, test matchers): never "missing keys".
const PROBED = new Set(['then', 'toJSON', 'toString', 'valueOf', 'constructor', 'inspect', 'nodeType', 'asymmetricMatch', '$$typeof', 'length']);

/** A config without a schema: reading a key nobody set fails with the key and where to set it. */
function missingKeyGuard(config: Record<string, unknown>, node: string): Record<string, unknown> {
  return new Proxy(config, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target) && !PROBED.has(key)) {
        throw new InputError('SLUICE_E_CONFIG_MISSING', `function '${node}': config key '${key}' is not set; ${WHERE_TO_SET(node)} (declare a config schema to have this checked when the step starts)`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** The value of a declared secret, for `ctx.secret(path)`. */
export function secretFor(started: StartedStep, node: string, path: string): string {
  const value = started.secrets.get(path);
  if (value === undefined) {
    throw new PermissionDeniedError(`function '${node}' has no 'read' permission on secret '${path}'; reference it in the function's config: fn('${node}', { config: { key: secret('${path}') } })`);
  }
  return value;
}

export { preview };
