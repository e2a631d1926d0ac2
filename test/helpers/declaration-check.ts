/**
 * Type-checking code sluice prints for users to paste (`sluice import`): against sluice's own model
 * once it exports `glueJob`, `job` and `flow`; until then against the issue 11 contract's signatures
 * (CONTRACT below), so a declaration whose props the model would reject fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './cli.js';

/**
 * The signatures of issue 11's new kinds as its contract (/work/notes/issue-11-contract.md) fixes
 * them. A string, not a .d.ts in test/: an ambient 'sluice' module there would shadow the real one
 * in the repository's own type check. Delete it once the model exports glueJob, job and flow.
 */
const CONTRACT = `declare module 'sluice' {
  export type Duration = number | \`\${number}\${'ms' | 's' | 'm' | 'h' | 'd'}\` | string;
  export interface Retry { attempts: number; interval?: Duration; backoff?: number }
  export interface Path { to(target: Bucket | Job | GlueJob): Path }
  export interface Bucket { readonly kind: 'bucket'; readonly name: string; to(target: Job | GlueJob): Path }
  export interface Job { readonly kind: 'job'; readonly name: string; to(target: Bucket): Path }
  export interface GlueJob { readonly kind: 'glueJob'; readonly name: string; to(target: Bucket): Path }
  export interface Flow { readonly kind: 'flow'; readonly name: string }
  export function bucket(name: string, props?: { versioned?: boolean }): Bucket;
  export function job(name: string, props: {
    handler: string | URL; timeout?: Duration; memory?: number; config?: Record<string, unknown>;
    stageConfig?: Record<string, Record<string, unknown>>; environment?: Record<string, string>; retry?: Retry;
  }): Job;
  export function glueJob(name: string, props: {
    script: string; type?: 'glueetl' | 'pythonshell'; glueVersion?: string;
    workerType?: 'G.1X' | 'G.2X' | 'G.4X' | 'G.8X' | 'G.025X' | 'Z.2X'; workers?: number; maxCapacity?: number;
    arguments?: Record<string, string>; extraFiles?: string[]; timeout?: Duration; local?: string | URL; retry?: Retry;
  }): GlueJob;
  export function flow(name: string, jobs: Array<Job | GlueJob>, options?: { overlap?: 'refuse' | 'queue'; timeout?: Duration }): Flow;
}
`;

/** Whether sluice's model exports the job kinds yet. */
export async function modelHasJobs(): Promise<boolean> {
  const sluice = (await import('sluice')) as Record<string, unknown>;
  return ['glueJob', 'job', 'flow'].every((name) => typeof sluice[name] === 'function');
}

/** The compiler's errors for `code` as a module of a pipeline project, as `line: message` strings. */
export async function typeErrors(code: string): Promise<{ against: 'model' | 'contract'; errors: string[] }> {
  const real = await modelHasJobs();
  // The real model: a folder inside the repository, so 'sluice' resolves as in a user's project.
  const dir = real ? mkdtempSync(join(ROOT, 'test', '.tmp-')) : mkdtempSync(join(tmpdir(), 'sluice-declaration-'));
  try {
    const file = join(dir, 'pipeline.ts');
    writeFileSync(file, code);
    const roots = [file];
    if (!real) {
      writeFileSync(join(dir, 'contract.d.ts'), CONTRACT);
      roots.push(join(dir, 'contract.d.ts'));
    }
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true, noEmit: true, skipLibCheck: true, types: [], customConditions: ['sluice-source'],
    };
    const program = ts.createProgram(roots, options);
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file || !d.file).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
      return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    return { against: real ? 'model' : 'contract', errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
