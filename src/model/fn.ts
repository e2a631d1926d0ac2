/**
 * `fn`: a compute step. Locally a handler in a worker thread (timeout, memory limit, concurrency);
 * on AWS a Lambda function with its own role and log group. Its grants follow from its edges and from
 * `reads(table)` / `writes(table)`.
 */
import type { ExpectedStep } from './expected.js';
import { isAbsolute, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, type AnyNode } from './node.js';
import { checkRange, type KindDefinition } from './kind.js';
import { durationSeconds, type Duration } from './duration.js';
import type { Problem } from './errors.js';
import type { Table } from './table.js';
import type { Bucket } from './bucket.js';
import type { Comprehend } from './comprehend.js';
import { callerFile } from './caller.js';
import { isSecretRef, secretProblems, type SecretRef } from './secret.js';
import { SQS_ARN } from './queue.js';

/** A config value: JSON, or a `secret('/path')` reference resolved when the step starts. */
export type ConfigValue = string | number | boolean | null | SecretRef | ConfigValue[] | { [key: string]: ConfigValue };

/** Props of a function. */
export interface FnProps {
  /**
   * The handler file, relative to the file that declares the function (or a `file:` URL / absolute
   * path). It exports `default` or `handler`: a `component`/`source`/`sink` from `sluice/runtime`, or
   * a plain Lambda handler `(event) => result`.
   */
  handler: string | URL;
  /** Longest run of one invocation, 1..900 s. @default 30 */
  timeout?: Duration;
  /** Memory in MB, 128..10240; locally the worker's heap limit. @default 512 */
  memory?: number;
  /** Most invocations at once (Lambda reserved concurrency), 1..1000. @default unset: locally 4 */
  concurrency?: number;
  /** Retries of a failed async invocation (bucket, topic, schedule), 0..2 (LA-03). @default 2 */
  retryAttempts?: number;
  /** Oldest async event still attempted, 60..21600 s (LA-03). @default 21600 */
  maxEventAge?: Duration;
  /** Environment variables for the handler. */
  environment?: Record<string, string>;
  /**
   * The step's configuration, read as `ctx.config`. Values are JSON, or `secret('/path')` for values
   * read from SSM Parameter Store (locally the secrets file) when the step starts. Overridden, in
   * order, by `stageConfig[stage]`, the `SLUICE_CONFIG` environment variable and the `.env` file.
   * @default {}
   */
  config?: Record<string, ConfigValue>;
  /** Per-stage overrides of `config`, by stage name (`local`, `dev`, `prod`, ...). @default {} */
  stageConfig?: Record<string, Record<string, ConfigValue>>;
  /** What one input is expected to cost it (duration, outputs, table use), for `sluice cost`. @default { duration: '100ms', outputsPerInput: 1 } */
  expected?: ExpectedStep;
}

/** Function props with defaults applied. */
export interface ResolvedFnProps {
  handlerPath: string;
  timeoutSeconds: number;
  memoryMb: number;
  concurrency: number | undefined;
  retryAttempts: number;
  maxEventAgeSeconds: number;
  environment: Record<string, string>;
  config: Record<string, ConfigValue>;
  stageConfig: Record<string, Record<string, ConfigValue>>;
}

export const FN_DEFAULTS = { timeoutSeconds: 30, memoryMb: 512, retryAttempts: 2, maxEventAgeSeconds: 21_600, localConcurrency: 4 } as const;

/**
 * How long a handler file may take to load (its imports and top-level code): Lambda's limit on a
 * function's Init phase (docs/aws-semantics.md LA-11). The local engine and synth bound it the same way.
 */
export const HANDLER_INIT_LIMIT_MS = 10_000;

/** A function node. */
export class Fn extends Node<'fn', FnProps> {
  /** This node's own problems: its props against AWS's limits. */
  problems(): Problem[] {
    return problemsOf(this);
  }

  readonly kind = 'fn' as const;
  /** Tables the function reads through `ctx.table()`. */
  readonly tablesRead = new Set<Table>();
  /** Tables the function writes through `ctx.table()`. */
  readonly tablesWritten = new Set<Table>();
  /** Of the tables it writes, those it may only put items into (`writes(table, { delete: false })`). */
  readonly tablesPutOnly = new Set<Table>();
  /** Buckets the function reads by key through `ctx.read()` (besides those whose events trigger it). */
  readonly bucketsRead = new Set<Bucket>();
  /** Language services the function calls (`ctx.sentiment()`), declared with `uses`. */
  readonly servicesUsed = new Set<Comprehend>();
  /** The file that declared the function: relative handler paths resolve against its folder. */
  readonly declaredIn: string | undefined;

  constructor(name: string, props: FnProps, declaredIn: string | undefined) {
    super(name, props);
    this.declaredIn = declaredIn;
  }

  /**
   * Let the function read a table (`ctx.table(name).get/query/scan`), or a bucket's objects by key
   * (`ctx.read(bucket, key)`, e.g. the destination a URL resource record names). Returns the function.
   * @example const score = fn('score', { handler: './score.ts' }).reads(items);
   * @example const parse = fn('parse', { handler: './parse.ts' }).reads(raw);
   */
  reads(node: Table | Bucket): this {
    if (node.kind === 'bucket') this.bucketsRead.add(node as Bucket);
    else this.tablesRead.add(node as Table);
    return this;
  }

  /**
   * Let the function write a table: `ctx.table(name).put()` and `.delete()` (dynamodb:PutItem and
   * DeleteItem). With `{ delete: false }` it may only add and replace items (PutItem alone). Reading
   * needs `reads` too. Returns the function.
   * @example const load = fn('load', { handler: './load.ts' }).writes(items);
   * @example const audit = fn('audit', { handler: './audit.ts' }).writes(log, { delete: false });
   */
  writes(table: Table, options: { delete?: boolean } = {}): this {
    this.tablesWritten.add(table);
    if (options.delete === false) this.tablesPutOnly.add(table);
    else this.tablesPutOnly.delete(table);
    return this;
  }

  /**
   * Let the function call a language service: `ctx.sentiment(text)` and `ctx.sentiment.batch(texts)`
   * for a `comprehend(name, 'sentiment')` node (comprehend:DetectSentiment and BatchDetectSentiment,
   * nothing else). Returns the function.
   * @example const score = fn('score', { handler: './score.ts' }).uses(comprehend('sentiment', 'sentiment'));
   */
  uses(service: Comprehend): this {
    this.servicesUsed.add(service);
    return this;
  }

  /** The absolute path of the handler file. */
  get handlerPath(): string {
    const h = this.props.handler;
    if (h instanceof URL) return fileURLToPath(h);
    if (typeof h !== 'string') return '';
    if (h.startsWith('file:')) return fileURLToPath(h);
    if (isAbsolute(h)) return h;
    return resolve(this.declaredIn ? dirname(this.declaredIn) : process.cwd(), h);
  }

  /** The props with defaults applied (durations in seconds). */
  get resolved(): ResolvedFnProps {
    const p = this.props;
    return {
      handlerPath: this.handlerPath,
      timeoutSeconds: p.timeout === undefined ? FN_DEFAULTS.timeoutSeconds : durationSeconds(p.timeout) ?? NaN,
      memoryMb: p.memory ?? FN_DEFAULTS.memoryMb,
      concurrency: p.concurrency,
      retryAttempts: p.retryAttempts ?? FN_DEFAULTS.retryAttempts,
      maxEventAgeSeconds: p.maxEventAge === undefined ? FN_DEFAULTS.maxEventAgeSeconds : durationSeconds(p.maxEventAge) ?? NaN,
      environment: p.environment ?? {},
      config: p.config ?? {},
      stageConfig: p.stageConfig ?? {},
    };
  }

  /**
   * The config for a stage: `config` with `stageConfig[stage]` laid over it, key by key (objects
   * merge, anything else replaces).
   */
  configFor(stage: string): Record<string, ConfigValue> {
    const r = this.resolved;
    return overlay(r.config, r.stageConfig[stage] ?? {});
  }
}

/** `over` laid over `base`: plain objects merge key by key; any other value (and a secret) replaces. */
export function overlay(base: Record<string, ConfigValue>, over: Record<string, ConfigValue>): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = out[key];
    out[key] = isPlainConfig(before) && isPlainConfig(value) ? overlay(before, value) : value;
  }
  return out;
}

function isPlainConfig(v: unknown): v is Record<string, ConfigValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSecretRef(v);
}

/** The first place a config holds something that is not JSON (a function, undefined, NaN, a Date, ...). */
function notJson(value: unknown, at: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : at;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = notJson(v, `${at}.${i}`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    if (isSecretRef(value)) return undefined;
    for (const [k, v] of Object.entries(value)) {
      const bad = notJson(v, `${at}.${k}`);
      if (bad) return bad;
    }
    return undefined;
  }
  return at;
}

// The rule synth applies to stage names (src/cloud/synth/names.ts): they become part of physical names.
const STAGE_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Problems with `config` and `stageConfig` of a function or job: JSON only, secret paths SSM accepts, stage names. */
export function configProblems(node: AnyNode, props: { config?: unknown; stageConfig?: unknown }): Problem[] {
  const problems: Problem[] = [];
  const { config, stageConfig } = props ?? {};
  const check = (field: string, value: unknown) => {
    if (value === undefined) return;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ code: 'SLUICE_E_FN_CONFIG', node: node.name, field, message: `${node}: ${field} must be an object of config values (given ${JSON.stringify(value)})` });
      return;
    }
    const bad = notJson(value, field);
    if (bad) problems.push({ code: 'SLUICE_E_FN_CONFIG', node: node.name, field: bad, message: `${node}: ${bad} must be JSON (text, a number, a boolean, null, a list or an object) or secret('/path'); a step's config travels as JSON` });
    problems.push(...secretProblems(node, field, value));
  };
  check('config', config);
  if (stageConfig !== undefined) {
    if (typeof stageConfig !== 'object' || stageConfig === null || Array.isArray(stageConfig)) {
      problems.push({ code: 'SLUICE_E_FN_CONFIG', node: node.name, field: 'stageConfig', message: `${node}: stageConfig must map stage names to config objects, e.g. { prod: { url: '...' } } (given ${JSON.stringify(stageConfig)})` });
    } else {
      for (const [stage, value] of Object.entries(stageConfig)) {
        if (!STAGE_NAME.test(stage)) problems.push({ code: 'SLUICE_E_FN_CONFIG', node: node.name, field: `stageConfig.${stage}`, message: `${node}: stageConfig key '${stage}' is not a stage name (lower-case letters, digits and hyphens, starting and ending with a letter or digit)` });
        check(`stageConfig.${stage}`, value);
      }
    }
  }
  return problems;
}

/**
 * Declare a function.
 * @example const copy = fn('copy', { handler: './handlers/copy.ts', timeout: '1m' });
 */
export function fn(name: string, props: FnProps): Fn {
  return new Fn(name, props, callerFile());
}

/** The resources of every Lambda-backed kind (a function, a job): the function, its role, its log group. */
export const LAMBDA_PARTS = {
  Function: { type: 'AWS::Lambda::Function', name: '{name}', physicalId: 'name', arn: { service: 'lambda', regional: true, resource: 'function:{name}' } },
  Role: { type: 'AWS::IAM::Role' },
  LogGroup: { type: 'AWS::Logs::LogGroup', name: '/aws/lambda/{name}', physicalId: 'name' },
} as const;

export const fnKind = {
  kind: 'fn',
  noun: { one: 'function', many: 'functions' },
  outgoing: {
    bucket: { meaning: 'the objects the step returns are written', grant: { on: 'to', use: 'write' }, options: ['keyPrefix'] },
    queue: { meaning: 'the messages the step returns are sent', grant: { on: 'to', use: 'send' }, options: [] },
    topic: { meaning: 'the messages the step returns are published', grant: { on: 'to', use: 'publish' }, options: [] },
    notify: { meaning: 'the emails the step returns (ctx.notify) are sent', grant: { on: 'to', use: 'publish' }, options: [] },
  },
  instead: {
    fn: 'put a queue or topic between them: a.to(queue(...)).to(b); direct function-to-function calls hide failures',
    table: 'declare table access on the function: fn(...).writes(table)',
    schedule: 'a schedule triggers a function: schedule(...).to(fn)',
  },
  permissions: { invoke: ['lambda:InvokeFunction'] },
  name: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, hyphens and underscores', maxLength: 50 },
  parts: {
    ...LAMBDA_PARTS,
    // Only for a function invoked asynchronously (by a bucket, topic or schedule).
    Failures: { type: 'AWS::SQS::Queue', name: '{name}-failures', physicalId: 'url', arn: SQS_ARN },
    FailuresPolicy: { type: 'AWS::SQS::QueuePolicy' },
    InvokeConfig: { type: 'AWS::Lambda::EventInvokeConfig' },
  },
  deadLetters: { part: 'Failures', record: 'invocation', redriveTo: 'Function' },
  data: { ops: ['deadLetters', 'logs', 'invoke', 'trigger'] },
  binding: { part: 'Function', fields: [] },
} as const satisfies KindDefinition<Fn>;

/**
 * The problems every Lambda-backed node (a function, a job) has with its handler, timeout and memory:
 * Lambda's limits, one message each. `example` is how to declare it (`fn('copy', { handler: ... })`).
 */
export function lambdaProblems(node: AnyNode, props: { handler?: unknown; timeout?: unknown }, resolved: { timeoutSeconds: number; memoryMb: number }, example: string): Problem[] {
  const problems: Problem[] = [];
  if (typeof props?.handler !== 'string' && !(props?.handler instanceof URL)) {
    problems.push({ code: 'SLUICE_E_FN_HANDLER', node: node.name, field: 'handler', message: `${node}: handler is required, e.g. ${example}` });
  }
  if (Number.isNaN(resolved.timeoutSeconds)) problems.push({ code: 'SLUICE_E_DURATION', node: node.name, field: 'timeout', message: `${node}: timeout is not a duration (given ${JSON.stringify(props.timeout)}); use seconds or a string like '30s'` });
  checkRange(problems, node, 'timeout', 'SLUICE_E_FN_TIMEOUT', resolved.timeoutSeconds, 1, 900, ' seconds');
  checkRange(problems, node, 'memory', 'SLUICE_E_FN_MEMORY', resolved.memoryMb, 128, 10_240, ' MB');
  return problems;
}

/** The problems of one fn node's own props, against AWS's limits (the pipeline adds its edges'). */
function problemsOf(node: Fn): Problem[] {
  const r = node.resolved;
  const problems = lambdaProblems(node, node.props, r, `fn('${node.name}', { handler: './handlers/${node.name}.ts' })`);
  checkRange(problems, node, 'concurrency', 'SLUICE_E_FN_CONCURRENCY', r.concurrency, 1, 1000);
  checkRange(problems, node, 'retryAttempts', 'SLUICE_E_FN_RETRY', r.retryAttempts, 0, 2);
  checkRange(problems, node, 'maxEventAge', 'SLUICE_E_FN_EVENT_AGE', r.maxEventAgeSeconds, 60, 21_600, ' seconds');
  problems.push(...configProblems(node, node.props));
  return problems;
}
