/**
 * `secret('/path')`: a reference to a secret, used as a config value. The pipeline holds only the
 * path; the value is read when the step starts, from SSM Parameter Store on AWS and from the local
 * secrets file on the local engine, so it never appears in a template, a log or a message.
 */
import type { Problem } from './errors.js';

/** The key that marks a secret reference; a plain JSON object, so it survives JSON and structured clone. */
export const SECRET_MARK = 'sluice:secret';

/** A reference to a secret by its SSM parameter path. */
export interface SecretRef {
  readonly [SECRET_MARK]: string;
}

/**
 * Reference a secret by its SSM Parameter Store path, as a config value.
 * @example fn('fetch', { handler: './fetch.ts', config: { apiKey: secret('/incidents/api-key') } })
 */
export function secret(path: string): SecretRef {
  return Object.freeze({ [SECRET_MARK]: path });
}

/** Whether a value is a secret reference. */
export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[SECRET_MARK] === 'string' && Object.keys(value).length === 1;
}

/** The path of a secret reference. */
export function secretPath(ref: SecretRef): string {
  return ref[SECRET_MARK];
}

// SSM parameter names: a path of segments of letters, digits and _ . - (SSM's own rule), up to 2048
// characters with the leading slash; 'aws' and 'ssm' prefixes are reserved.
const SSM_PATH = /^(\/[A-Za-z0-9_.-]+)+$/;

/** Problems with a secret path: the rule SSM Parameter Store applies to parameter names. */
export function secretPathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || !SSM_PATH.test(path) || path.length > 2048) return "must be an SSM parameter path such as '/team/api-key' (segments of letters, digits, _ . -)";
  if (/^\/(aws|ssm)/i.test(path)) return "must not start with '/aws' or '/ssm' (reserved by SSM)";
  return undefined;
}

/** Every secret reference in a config value, with the dotted key it sits at. */
export function secretsIn(value: unknown, at = ''): Array<{ key: string; path: string }> {
  if (isSecretRef(value)) return [{ key: at, path: secretPath(value) }];
  if (Array.isArray(value)) return value.flatMap((v, i) => secretsIn(v, at ? `${at}.${i}` : String(i)));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => secretsIn(v, at ? `${at}.${k}` : k));
  return [];
}

/** Check secret paths in a config, reporting each bad one as a problem on `field`. */
export function secretProblems(node: { name: string; toString(): string }, field: string, config: unknown): Problem[] {
  return secretsIn(config).flatMap(({ key, path }) => {
    const why = secretPathProblem(path);
    return why ? [{ code: 'SLUICE_E_SECRET_PATH', node: node.name, field: `${field}.${key}`, given: path, message: `${node}: secret at ${field}.${key} ${why} (given ${JSON.stringify(path)})` }] : [];
  });
}
