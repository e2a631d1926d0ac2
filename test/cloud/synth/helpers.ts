/**
 * Shared helpers of the synth tests: synthesize with a shared bundle cache, find resources by their
 * node path (`copy/Role`, never a logical id), read a role's grants as plain text, and run the
 * linters (cfn-lint once per test file over many templates; AWS's in-process validator for big ones).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesize, type SynthOptions, type Synthesis } from '../../../src/cloud/synth/synth.js';
import type { Resource, Statement, Template } from '../../../src/cloud/synth/template.js';
import { loadPipeline } from '../../../src/cli/load.js';
import type { Pipeline } from '../../../src/model/pipeline.js';
import assert from 'node:assert/strict';
import { PipelineValidationError, type Problem } from '../../../src/model/errors.js';

/** One bundle cache for every synth test (bundles are keyed by content, so sharing is safe). */
export const CACHE_DIR = join(tmpdir(), 'sluice-synth-test-cache');

/** Synthesize with the shared cache. */
export function synthFor(pipe: Pipeline, stage = 'dev', options: Partial<SynthOptions> = {}): Promise<Synthesis> {
  return synthesize(pipe, { stage, cacheDir: CACHE_DIR, ...options });
}

/** The resource at a node path (`copy/Role`, `raw->copy/Permission`), with its logical id. */
export function byPath(template: Template, path: string): Resource & { id: string } {
  for (const [id, r] of Object.entries(template.Resources)) if (r.Metadata?.['sluice:path'] === path) return { ...r, id };
  const known = Object.values(template.Resources).map((r) => r.Metadata?.['sluice:path']).join(', ');
  throw new Error(`no resource at path '${path}'; paths: ${known}`);
}

/** Whether a resource exists at a node path. */
export function hasPath(template: Template, path: string): boolean {
  return Object.values(template.Resources).some((r) => r.Metadata?.['sluice:path'] === path);
}

/** Properties of the resource at a path, loosely typed for assertions. */
export function props(template: Template, path: string): Record<string, any> {
  return byPath(template, path).Properties as Record<string, any>;
}

/** The statements of a function's execution role. */
export function roleStatements(template: Template, fn: string): Statement[] {
  return props(template, `${fn}/Role`).Policies.flatMap((p: any) => p.PolicyDocument.Statement);
}

/** An intrinsic as short text: `Sub` text as is, `GetAtt` as `Id.Attr`, `Ref` as `Id`. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return v.Ref;
  if (v['Fn::GetAtt']) return v['Fn::GetAtt'].join('.');
  if (v['Fn::Sub']) return typeof v['Fn::Sub'] === 'string' ? v['Fn::Sub'] : v['Fn::Sub'][0];
  return JSON.stringify(value);
}

/** A role's grants as `action on resource` lines, sorted, with `arn:${AWS::Partition}:` shortened to `arn:`. */
export function grantLines(statements: Statement[]): string[] {
  const lines: string[] = [];
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    for (const action of [s.Action].flat()) for (const r of [s.Resource].flat()) lines.push(`${action} on ${show(r).replace('arn:${AWS::Partition}:', 'arn:')}`);
  }
  return lines.sort();
}

/** `SLUICE_BINDINGS` of a function, parsed, with Sub variables shown as `Id` / `Id.Attr`. */
export function bindingsOf(template: Template, fn: string): Record<string, any> {
  const value = props(template, `${fn}/Function`).Environment.Variables.SLUICE_BINDINGS;
  if (typeof value === 'string') return JSON.parse(value);
  const [text, variables] = value['Fn::Sub'] as [string, Record<string, unknown>];
  return JSON.parse(text.replace(/\$\{(\w+)\}/g, (_, name: string) => show(variables[name])));
}

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** Every example pipeline file (`examples/<name>/pipeline.ts`). */
export function examplePipelineFiles(): string[] {
  // The examples, and the projects `sluice init` writes (templates/): users deploy both as they are.
  return ['examples', 'templates'].flatMap((folder) => {
    const dir = join(REPO, folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).map((d) => join(dir, d, 'pipeline.ts')).filter((f) => existsSync(f));
  }).sort();
}

/** Load an example's pipeline the way the CLI does. */
export async function loadExample(file: string): Promise<Pipeline> {
  return (await loadPipeline(file)).pipeline;
}

/** Whether cfn-lint is on PATH (CI has it; a laptop may not). */
export const CFN_LINT = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;

/** One cfn-lint finding. */
export interface LintFinding {
  file: string;
  rule: string;
  level: string;
  message: string;
  path: string;
}

/**
 * Lint many templates with one cfn-lint process (it needs ~2 s to start), including informational
 * rules. Keys are file names, values the template text.
 */
export function cfnLint(templates: Record<string, string>): LintFinding[] {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-lint-'));
  const files = Object.entries(templates).map(([name, text]) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  });
  const run = spawnSync('cfn-lint', ['--format', 'json', '-c', 'I', '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  if (run.status !== 0 && !run.stdout.trim().startsWith('[')) throw new Error(`cfn-lint failed: ${run.stderr}`);
  const findings = JSON.parse(run.stdout || '[]') as Array<{ Filename: string; Level: string; Message: string; Rule: { Id: string }; Location: { Path: unknown[] } }>;
  return findings.map((f) => ({ file: f.Filename.slice(dir.length + 1), rule: f.Rule.Id, level: f.Level, message: f.Message, path: f.Location.Path.join('/') }));
}

/** Findings a template must not have: every error and warning, and the informational rules docs/security-rules.md X-4 promotes. */
export function blocking(findings: LintFinding[]): LintFinding[] {
  return findings.filter((f) => f.level !== 'Informational' || ['I3011', 'I3013', 'I3510'].includes(f.rule));
}

/** The validation problems synth reports for a pipeline (fails the test when synth succeeds). */
export async function problemsOf(pipe: Pipeline, stage = 'dev'): Promise<Problem[]> {
  try {
    await synthFor(pipe, stage);
  } catch (error) {
    assert.ok(error instanceof PipelineValidationError, String(error));
    return error.problems;
  }
  assert.fail('synth succeeded');
}
