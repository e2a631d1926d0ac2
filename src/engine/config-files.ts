/**
 * The local sources of a step's config and secrets, beside the pipeline file: `.env` (Pylon's
 * overlay, over everything else), the `SLUICE_CONFIG` environment variable (a JSON object, Pylon's
 * PYLON_CONFIG), and the local secrets file `.sluice/secrets.json` (`{ "/ssm/path": "value" }`; keep
 * it out of version control: `.sluice/` is git-ignored), standing in for SSM Parameter Store.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../model/errors.js';
import type { ConfigLayers } from '../runtime/config.js';
import type { SecretsSource } from './local-io.js';

/** The local secrets file of a pipeline folder. */
export function defaultSecretsFile(pipelineDir: string): string {
  return join(pipelineDir, '.sluice', 'secrets.json');
}

/**
 * What steps run by the CLI read from beside the pipeline file: config overlays (`.env`,
 * `SLUICE_CONFIG`) and secrets (`.sluice/secrets.json`, or `SLUICE_SECRETS_FILE`).
 * @example openEngine({ pipeline, stateDir, ...stepSettingsFrom(dirname(entry)) })
 */
export function stepSettingsFrom(pipelineDir: string, env: NodeJS.ProcessEnv = process.env): { configLayers: ConfigLayers; secrets: string } {
  return { configLayers: configLayersFrom(pipelineDir, env), secrets: env.SLUICE_SECRETS_FILE ? resolve(env.SLUICE_SECRETS_FILE) : defaultSecretsFile(pipelineDir) };
}

/**
 * Parse `.env` text: `KEY=value` lines, `export ` allowed, `#` comments, values optionally in single
 * quotes (literal) or double quotes (with \n, \t, \" and \\ escapes), inline ` #` comments after an
 * unquoted value.
 * @example parseDotenv('URL=https://x\nfetch.BATCH=5 # per node') // { URL: 'https://x', 'fetch.BATCH': '5' }
 */
export function parseDotenv(text: string, file = '.env'): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new InputError('SLUICE_E_DOTENV', `${file}, line ${index + 1}: expected KEY=value (given ${JSON.stringify(raw.slice(0, 60))})`);
    const [, key, rest] = match as unknown as [string, string, string];
    let value = rest;
    if (value.startsWith('"')) {
      const end = value.lastIndexOf('"');
      if (end <= 0) throw new InputError('SLUICE_E_DOTENV', `${file}, line ${index + 1}: the value of '${key}' opens a double quote it never closes`);
      value = value.slice(1, end).replace(/\\(["\\nt])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
    } else if (value.startsWith("'")) {
      const end = value.lastIndexOf("'");
      if (end <= 0) throw new InputError('SLUICE_E_DOTENV', `${file}, line ${index + 1}: the value of '${key}' opens a single quote it never closes`);
      value = value.slice(1, end);
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[key] = value;
  });
  return out;
}

/**
 * The config layers of a pipeline folder: `.env` there (if any) and `SLUICE_CONFIG` from `env`.
 * @example const layers = configLayersFrom('/p', process.env);
 */
export function configLayersFrom(pipelineDir: string, env: NodeJS.ProcessEnv = process.env): ConfigLayers {
  const layers: ConfigLayers = {};
  const text = env.SLUICE_CONFIG;
  if (text !== undefined && text.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InputError('SLUICE_E_CONFIG_ENV', `SLUICE_CONFIG is not JSON (${(error as Error).message}); set it to an object such as '{"batchSize": 10}'`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError('SLUICE_E_CONFIG_ENV', `SLUICE_CONFIG must be a JSON object (given ${text.slice(0, 60)})`);
    layers.env = parsed as Record<string, unknown>;
  }
  const dotenv = join(pipelineDir, '.env');
  if (existsSync(dotenv)) layers.dotenv = parseDotenv(readFileSync(dotenv, 'utf8'), dotenv);
  return layers;
}

/**
 * Secrets read from a JSON file (path to value) each time a step starts, so editing the file fixes a
 * step that could not start; or given as values (tests).
 */
export function secretsSource(from: string | Record<string, string>): SecretsSource {
  if (typeof from !== 'string') {
    const values = { ...from };
    return () => ({ values, source: 'the secrets given to localPipeline() (its secrets option)' });
  }
  return () => {
    if (!existsSync(from)) return { values: {}, source: `${from} (which does not exist)` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(from, 'utf8'));
    } catch (error) {
      throw new InputError('SLUICE_E_SECRETS_FILE', `the secrets file ${from} is not JSON (${(error as Error).message}); it holds an object of SSM paths to values, e.g. { "/team/api-key": "..." }`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError('SLUICE_E_SECRETS_FILE', `the secrets file ${from} must hold an object of SSM paths to values`);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') values[k] = v;
    return { values, source: from };
  };
}
