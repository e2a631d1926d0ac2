/**
 * `glueJob`: an AWS Glue job (Spark `glueetl` or `pythonshell`) run by a flow, as existing Glue
 * pipelines are (Pypedream's compute). Synth uploads its script and extra files as assets and creates
 * `AWS::Glue::Job` with its own role: the Glue service's needs plus exactly the stages its edges name.
 * Locally it runs its `local` twin, a TypeScript job handler, when it has one.
 */
import type { ExpectedStep } from './expected.js';
import { extname } from 'node:path';
import { Node } from './node.js';
import { checkRange, type KindDefinition } from './kind.js';
import { durationMs, type Duration } from './duration.js';
import type { Problem } from './errors.js';
import { callerFile } from './caller.js';
import { JOB_INSTEAD, handlerFilePath, resolveRetry, retryProblems, type JobRetry, type ResolvedRetry } from './job.js';

/** Glue's worker types (AWS::Glue::Job WorkerType). */
export type GlueWorkerType = 'G.025X' | 'G.1X' | 'G.2X' | 'G.4X' | 'G.8X' | 'Z.2X';

/** Props of a Glue job. */
export interface GlueJobProps {
  /** The job's Python script, relative to the declaring file. Uploaded as an asset by deploy. */
  script: string | URL;
  /** `glueetl` (Spark) or `pythonshell`. @default 'glueetl' */
  type?: 'glueetl' | 'pythonshell';
  /** Glue version. @default '4.0' for glueetl, '3.0' for pythonshell */
  glueVersion?: string;
  /** Spark workers' type (glueetl only). @default 'G.1X' */
  workerType?: GlueWorkerType;
  /** Number of Spark workers, 2..299 (glueetl only). @default 2 */
  workers?: number;
  /** DPUs of a pythonshell job: 0.0625 or 1. @default 0.0625 */
  maxCapacity?: number;
  /** Job arguments (`--name`: value), passed as DefaultArguments. */
  arguments?: Record<string, string>;
  /** Other files the script needs (Python modules, config), relative to the declaring file: uploaded beside it. */
  extraFiles?: Array<string | URL>;
  /** Longest run, 1 minute..48 hours (Glue counts whole minutes). @default '60m' */
  timeout?: Duration;
  /** The local twin: a TypeScript job handler (`job(async (ctx) => ...)`) the local engine runs in its place. */
  local?: string | URL;
  /** Retries of a failed run inside the flow execution. @default no retries */
  retry?: JobRetry;
  /** What one run is expected to take and write, for `sluice cost`. @default { duration: '1m', outputsPerInput: 1 } */
  expected?: ExpectedStep;
}

/** A Glue job's props with defaults applied. */
export interface ResolvedGlueJobProps {
  scriptPath: string;
  type: 'glueetl' | 'pythonshell';
  glueVersion: string;
  workerType: GlueWorkerType | undefined;
  workers: number | undefined;
  maxCapacity: number | undefined;
  arguments: Record<string, string>;
  extraFiles: string[];
  timeoutMinutes: number;
  localPath: string | undefined;
  retry: ResolvedRetry;
}

const GLUE_VERSIONS = { glueetl: ['2.0', '3.0', '4.0', '5.0'], pythonshell: ['1.0', '3.0'] } as const;
const WORKER_TYPES: readonly GlueWorkerType[] = ['G.025X', 'G.1X', 'G.2X', 'G.4X', 'G.8X', 'Z.2X'];
// Arguments Glue or sluice set themselves: a user's value would be overwritten or break the job.
const RESERVED_ARGUMENTS = ['--job-language', '--TempDir', '--extra-files', '--sluice-execution', '--job-bookmark-option'];

/** A Glue job node. */
export class GlueJob extends Node<'glueJob', GlueJobProps> {
  readonly kind = 'glueJob' as const;
  /** The file that declared the job: relative paths resolve against its folder. */
  readonly declaredIn: string | undefined;

  constructor(name: string, props: GlueJobProps, declaredIn: string | undefined) {
    super(name, props);
    this.declaredIn = declaredIn;
  }

  /** The props with defaults applied. */
  get resolved(): ResolvedGlueJobProps {
    const p = this.props ?? ({} as GlueJobProps);
    const type = p.type ?? 'glueetl';
    const timeoutMs = p.timeout === undefined ? 3_600_000 : durationMs(p.timeout) ?? NaN;
    return {
      scriptPath: handlerFilePath(p.script, this.declaredIn),
      type,
      glueVersion: p.glueVersion ?? (type === 'glueetl' ? '4.0' : '3.0'),
      workerType: type === 'glueetl' ? p.workerType ?? 'G.1X' : undefined,
      workers: type === 'glueetl' ? p.workers ?? 2 : undefined,
      maxCapacity: type === 'pythonshell' ? p.maxCapacity ?? 0.0625 : undefined,
      arguments: p.arguments ?? {},
      extraFiles: (p.extraFiles ?? []).map((f) => handlerFilePath(f, this.declaredIn)),
      timeoutMinutes: Math.ceil(timeoutMs / 60_000),
      localPath: p.local === undefined ? undefined : handlerFilePath(p.local, this.declaredIn),
      retry: resolveRetry(p.retry),
    };
  }

  /** This node's own problems: its props against Glue's limits. */
  problems(): Problem[] {
    const problems: Problem[] = [];
    const p = this.props ?? ({} as GlueJobProps);
    const push = (field: string, message: string, given?: unknown) => problems.push({ code: 'SLUICE_E_GLUE_JOB', node: this.name, field, message: `${this}: ${message}`, ...(given !== undefined ? { given } : {}) });
    if (typeof p.script !== 'string' && !(p.script instanceof URL)) {
      push('script', `script is required, e.g. glueJob('${this.name}', { script: './jobs/${this.name}.py' })`);
      return problems;
    }
    if (p.type !== undefined && p.type !== 'glueetl' && p.type !== 'pythonshell') push('type', `type must be 'glueetl' or 'pythonshell' (given ${JSON.stringify(p.type)})`, p.type);
    const r = this.resolved;
    if (extname(r.scriptPath) !== '.py') push('script', `script must be a Python file ending in .py (given ${JSON.stringify(String(p.script))})`, String(p.script));
    const versions: readonly string[] = GLUE_VERSIONS[r.type] ?? [];
    if (versions.length && !versions.includes(r.glueVersion)) push('glueVersion', `glueVersion ${JSON.stringify(r.glueVersion)} is not one Glue runs for ${r.type} jobs (${versions.join(', ')})`, r.glueVersion);
    if (r.type === 'pythonshell') {
      if (p.workerType !== undefined || p.workers !== undefined) push(p.workerType !== undefined ? 'workerType' : 'workers', 'a pythonshell job has no Spark workers; size it with maxCapacity: 0.0625 or 1');
      if (r.maxCapacity !== 0.0625 && r.maxCapacity !== 1) push('maxCapacity', `maxCapacity of a pythonshell job must be 0.0625 or 1 (given ${JSON.stringify(p.maxCapacity)})`, p.maxCapacity);
    } else {
      if (p.maxCapacity !== undefined) push('maxCapacity', 'maxCapacity sizes pythonshell jobs; size a glueetl job with workerType and workers');
      if (!WORKER_TYPES.includes(r.workerType!)) push('workerType', `workerType must be one of ${WORKER_TYPES.join(', ')} (given ${JSON.stringify(p.workerType)})`, p.workerType);
      if (!Number.isInteger(r.workers)) push('workers', `workers must be a whole number, 2..299 (given ${JSON.stringify(p.workers)})`, p.workers);
      else checkRange(problems, this, 'workers', 'SLUICE_E_GLUE_JOB', r.workers, 2, 299);
    }
    if (Number.isNaN(r.timeoutMinutes)) problems.push({ code: 'SLUICE_E_DURATION', node: this.name, field: 'timeout', message: `${this}: timeout is not a duration (given ${JSON.stringify(p.timeout)}); use a string like '30m' or '2h'` });
    else checkRange(problems, this, 'timeout', 'SLUICE_E_GLUE_JOB', r.timeoutMinutes, 1, 2880, ' minutes');
    const args = p.arguments ?? {};
    if (typeof args !== 'object' || args === null || Array.isArray(args)) push('arguments', `arguments must map '--name' to text, e.g. { '--source': 's3://...' } (given ${JSON.stringify(args)})`);
    else {
      for (const [name, value] of Object.entries(args)) {
        if (!name.startsWith('--')) push(`arguments.${name}`, `argument '${name}' must start with '--', as Glue reads it ('--${name}')`, name);
        else if (RESERVED_ARGUMENTS.includes(name)) push(`arguments.${name}`, `argument '${name}' is set by sluice or Glue itself; remove it (extra files go in extraFiles)`, name);
        if (typeof value !== 'string') push(`arguments.${name}`, `argument '${name}' must be text, as Glue passes it (given ${JSON.stringify(value)})`, value);
      }
    }
    problems.push(...retryProblems(this));
    return problems;
  }
}

/**
 * Declare an AWS Glue job; give it a `local` twin to run it on the local engine.
 * @example const enrich = glueJob('enrich', { script: './jobs/enrich.py', type: 'pythonshell', local: './jobs/enrich.local.ts' });
 */
export function glueJob(name: string, props: GlueJobProps): GlueJob {
  return new GlueJob(name, props, callerFile());
}

export const glueJobKind = {
  kind: 'glueJob',
  noun: { one: 'Glue job', many: 'Glue jobs' },
  outgoing: {
    bucket: { meaning: 'the Glue job writes the stage', grant: { on: 'to', use: 'write' }, options: [] },
  },
  instead: JOB_INSTEAD,
  // What a flow's role needs to run it with startJobRun.sync (Step Functions' documented policy for Glue).
  permissions: { invoke: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'] },
  // Glue job names are up to 255 characters; sluice adds the pipeline and stage.
  name: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, hyphens and underscores', maxLength: 50 },
  parts: {
    Job: { type: 'AWS::Glue::Job', name: '{name}', physicalId: 'name', arn: { service: 'glue', regional: true, resource: 'job/{name}' } },
    Role: { type: 'AWS::IAM::Role' },
  },
  deadLetters: null,
  data: { ops: [] },
  binding: null,
} as const satisfies KindDefinition<GlueJob>;
