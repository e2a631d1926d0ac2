/**
 * `job`: a TypeScript batch step over whole data stages (buckets). It runs only inside a flow
 * execution, never on S3 events: on AWS a Lambda function the flow's state machine invokes (up to 15
 * minutes); locally a worker thread with the same limits. Its handler is `job(async (ctx) => ...)`
 * from `sluice/runtime`, which lists, reads and writes the stages its edges name.
 */
import type { ExpectedStep } from './expected.js';
import { isAbsolute, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node } from './node.js';
import { checkRange, type KindDefinition } from './kind.js';
import { durationSeconds, type Duration } from './duration.js';
import type { Problem } from './errors.js';
import { callerFile } from './caller.js';
import { LAMBDA_PARTS, configProblems, lambdaProblems, overlay, type ConfigValue } from './fn.js';

/** How a failed job is retried inside its flow execution (the state machine's Retry). */
export interface JobRetry {
  /** Retries after the first attempt, 0..10. @default 0 */
  attempts: number;
  /** Wait before the first retry, 1 s..1 h. @default 10s */
  interval?: Duration;
  /** Each wait is the last one times this, 1..10. @default 2 */
  backoff?: number;
}

/** Props of a job. */
export interface JobProps {
  /**
   * The handler file, relative to the file that declares the job (or a `file:` URL / absolute path).
   * It exports `default` or `handler`: `job(async (ctx) => ...)` from `sluice/runtime`.
   */
  handler: string | URL;
  /** Longest run, 1..900 s (Lambda's limit). @default 300 */
  timeout?: Duration;
  /** Memory in MB, 128..10240; locally the worker's heap limit. @default 1024 */
  memory?: number;
  /** Environment variables for the handler. */
  environment?: Record<string, string>;
  /** The job's configuration, read as `ctx.config` (JSON or `secret('/path')`), as a function's. @default {} */
  config?: Record<string, ConfigValue>;
  /** Per-stage overrides of `config`, by stage name. @default {} */
  stageConfig?: Record<string, Record<string, ConfigValue>>;
  /** Retries of a failed run inside the flow execution. @default no retries */
  retry?: JobRetry;
  /** What one run is expected to take and write, for `sluice cost`. @default { duration: '1m', outputsPerInput: 1 } */
  expected?: ExpectedStep;
}

/** A job's retry with defaults applied (seconds). */
export interface ResolvedRetry {
  attempts: number;
  intervalSeconds: number;
  backoffRate: number;
}

export const JOB_DEFAULTS = { timeoutSeconds: 300, memoryMb: 1024, retryIntervalSeconds: 10, backoffRate: 2 } as const;

/** A retry with defaults applied (NaN where a duration cannot be read, for validation to report). */
export function resolveRetry(retry: JobRetry | undefined): ResolvedRetry {
  return {
    attempts: retry?.attempts ?? 0,
    intervalSeconds: retry?.interval === undefined ? JOB_DEFAULTS.retryIntervalSeconds : durationSeconds(retry.interval) ?? NaN,
    backoffRate: retry?.backoff ?? JOB_DEFAULTS.backoffRate,
  };
}

/** The problems of a job's `retry` (shared by both job kinds). */
export function retryProblems(node: Node<'job' | 'glueJob', { retry?: JobRetry }>): Problem[] {
  const problems: Problem[] = [];
  const retry = node.props.retry;
  if (retry === undefined) return problems;
  if (typeof retry !== 'object' || retry === null) {
    problems.push({ code: 'SLUICE_E_JOB_RETRY', node: node.name, field: 'retry', message: `${node}: retry must be an object like { attempts: 2, interval: '30s' } (given ${JSON.stringify(retry)})` });
    return problems;
  }
  const r = resolveRetry(retry);
  if (!Number.isInteger(r.attempts)) problems.push({ code: 'SLUICE_E_JOB_RETRY', node: node.name, field: 'retry.attempts', given: retry.attempts, expected: '0..10', message: `${node}: retry.attempts must be a whole number of retries, 0..10 (given ${JSON.stringify(retry.attempts)})` });
  else checkRange(problems, node, 'retry.attempts', 'SLUICE_E_JOB_RETRY', r.attempts, 0, 10);
  if (Number.isNaN(r.intervalSeconds)) problems.push({ code: 'SLUICE_E_DURATION', node: node.name, field: 'retry.interval', message: `${node}: retry.interval is not a duration (given ${JSON.stringify(retry.interval)}); use seconds or a string like '30s'` });
  else checkRange(problems, node, 'retry.interval', 'SLUICE_E_JOB_RETRY', r.intervalSeconds, 1, 3600, ' seconds');
  checkRange(problems, node, 'retry.backoff', 'SLUICE_E_JOB_RETRY', r.backoffRate, 1, 10);
  return problems;
}

/** Resolve a handler path the way a function's is: relative to the declaring file. */
export function handlerFilePath(handler: string | URL | undefined, declaredIn: string | undefined): string {
  if (handler instanceof URL) return fileURLToPath(handler);
  if (typeof handler !== 'string') return '';
  if (handler.startsWith('file:')) return fileURLToPath(handler);
  if (isAbsolute(handler)) return handler;
  return resolve(declaredIn ? dirname(declaredIn) : process.cwd(), handler);
}

/** A job's props with defaults applied. */
export interface ResolvedJobProps {
  handlerPath: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  config: Record<string, ConfigValue>;
  stageConfig: Record<string, Record<string, ConfigValue>>;
  retry: ResolvedRetry;
}

/** A job node. */
export class Job extends Node<'job', JobProps> {
  readonly kind = 'job' as const;
  /** The file that declared the job: a relative handler path resolves against its folder. */
  readonly declaredIn: string | undefined;

  constructor(name: string, props: JobProps, declaredIn: string | undefined) {
    super(name, props);
    this.declaredIn = declaredIn;
  }

  /** This node's own problems: its props against Lambda's limits. */
  problems(): Problem[] {
    return [...lambdaProblems(this, this.props, this.resolved, `job('${this.name}', { handler: './jobs/${this.name}.ts' })`), ...retryProblems(this), ...configProblems(this, this.props)];
  }

  /** The absolute path of the handler file. */
  get handlerPath(): string {
    return handlerFilePath(this.props.handler, this.declaredIn);
  }

  /** The props with defaults applied (durations in seconds). */
  get resolved(): ResolvedJobProps {
    const p = this.props ?? ({} as JobProps);
    return {
      handlerPath: this.handlerPath,
      timeoutSeconds: p.timeout === undefined ? JOB_DEFAULTS.timeoutSeconds : durationSeconds(p.timeout) ?? NaN,
      memoryMb: p.memory ?? JOB_DEFAULTS.memoryMb,
      environment: p.environment ?? {},
      config: p.config ?? {},
      stageConfig: p.stageConfig ?? {},
      retry: resolveRetry(p.retry),
    };
  }

  /** The config for a stage: `config` with `stageConfig[stage]` laid over it. */
  configFor(stage: string): Record<string, ConfigValue> {
    const r = this.resolved;
    return overlay(r.config, r.stageConfig[stage] ?? {});
  }
}

/**
 * Declare a batch job. Wire the stages it reads and writes with edges, and run it in a flow.
 * @example const clean = job('clean', { handler: './jobs/clean.ts', timeout: '10m' });
 * @example bronze.to(clean).to(silver); flow('nightly', [extract, clean]);
 */
export function job(name: string, props: JobProps): Job {
  return new Job(name, props, callerFile());
}

/** What to do instead of an edge a job cannot have (shared with glueJob). */
export const JOB_INSTEAD = {
  fn: 'a job writes a stage; a step reads it: job.to(bucket).to(fn)',
  job: 'put the stage between them: a.to(bucket(...)).to(b), and run both in one flow',
  glueJob: 'put the stage between them: a.to(bucket(...)).to(b), and run both in one flow',
  queue: 'a job writes stages (buckets); publish the flow\'s outcome instead: flow.to(topic)',
  topic: 'publish the flow\'s outcome: flow(...).to(topic)',
  table: 'a job reads and writes stages (buckets)',
  schedule: 'a schedule starts a flow: schedule(...).to(flow)',
  flow: 'list the job in the flow: flow(name, [job, ...])',
} as const;

export const jobKind = {
  kind: 'job',
  noun: { one: 'job', many: 'jobs' },
  outgoing: {
    bucket: { meaning: 'the job writes the stage', grant: { on: 'to', use: 'write' }, options: [] },
  },
  instead: JOB_INSTEAD,
  permissions: { invoke: ['lambda:InvokeFunction'] },
  name: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, hyphens and underscores', maxLength: 50 },
  parts: LAMBDA_PARTS,
  deadLetters: null,
  data: { ops: [] },
  binding: null,
} as const satisfies KindDefinition<Job>;
