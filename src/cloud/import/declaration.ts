/**
 * The TypeScript `sluice import` prints for the user to paste into pipeline.ts: `glueJob(...)` and
 * `job(...)` declarations, the stages and edges inferred between them, and the `flow(...)`, with
 * comments for everything left out. Pure text from the import's data; the CLI prints it.
 */
import type { ImportedGlueJob } from './glue-job.js';
import type { InferredStages } from './stage-edges.js';
import { identifierFor } from './names.js';

/** A Lambda function imported as a `job(...)` (its code is not). */
export interface ImportedLambdaJob {
  node: string;
  functionName: string;
  qualifier?: string;
  handler: string;
}

/** One job of an imported flow, in order. */
export interface FlowEntry {
  node: string;
  kind: 'glueJob' | 'job';
  state: string;
  level: number;
  after: string[];
  notes: string[];
}

/** A value as TypeScript source (single-quoted strings, keys quoted only where needed). */
export function tsLiteral(value: unknown, indent = ''): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length ? `[${value.map((v) => tsLiteral(v, indent)).join(', ')}]` : '[]';
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : tsLiteral(k)}: ${tsLiteral(v, inner)},`).join('\n')}\n${indent}}`;
  }
  return 'undefined';
}

/** A comment line (or lines), safe whatever the text holds. */
function comment(text: string, indent = ''): string {
  return text.split('\n').map((line) => `${indent}// ${line.replace(/\*\//g, '* /')}`).join('\n');
}

/** The `glueJob(...)` declaration of one job, with comments on what was left out. */
export function glueJobDeclaration(job: ImportedGlueJob): string {
  const lines: string[] = [];
  if (job.jobName !== job.node) lines.push(comment(`Glue job '${job.jobName}' (renamed: sluice node names are letters, digits, hyphens and underscores)`));
  for (const d of job.dropped) lines.push(comment(`left out ${d.argument} ${d.value}: ${d.reason}`));
  for (const n of job.notCarried) lines.push(comment(`not carried over: ${n.field} ${n.value}: ${n.reason}`));
  lines.push(`export const ${identifierFor(job.node)} = glueJob(${tsLiteral(job.node)}, ${tsLiteral(job.props)});`);
  return lines.join('\n');
}

/** The `job(...)` declaration of a Lambda function, with the TODO its handler needs. */
export function lambdaJobDeclaration(job: ImportedLambdaJob): string {
  return [
    comment(`TODO: write ${job.handler}, a job handler (job(async (ctx) => ...) from 'sluice/runtime'): the code of Lambda function '${job.functionName}'${job.qualifier ? ` (qualifier ${job.qualifier})` : ''} is not imported`),
    `export const ${identifierFor(job.node)} = job(${tsLiteral(job.node)}, { handler: ${tsLiteral(job.handler)} });`,
  ].join('\n');
}

/**
 * The whole paste for `sluice import glue-job`: the import line and the declaration.
 * @example console.log(glueJobSnippet(imported, 'account 123456789012, us-east-1'))
 */
export function glueJobSnippet(job: ImportedGlueJob, source: string): string {
  return [
    comment(`Glue job '${job.jobName}' imported from ${source}; its script is ${job.props.script}`),
    `import { glueJob } from 'sluice';`,
    '',
    glueJobDeclaration(job),
    '',
  ].join('\n');
}

/** What the state-machine paste is made of. */
export interface FlowSnippet {
  flowNode: string;
  stateMachine: string;
  source: string;
  glueJobs: ImportedGlueJob[];
  lambdaJobs: ImportedLambdaJob[];
  order: FlowEntry[];
  stages: InferredStages;
  skipped: Array<{ state: string; resource?: string; reason: string }>;
  notes: string[];
  timeoutSeconds?: number;
}

/**
 * The whole paste for `sluice import state-machine`: jobs, stages, edges, the source's order as
 * comments, what was skipped, and the `flow(...)`.
 * @example console.log(flowSnippet(snippet))
 */
export function flowSnippet(s: FlowSnippet): string {
  const names = ['flow', ...(s.glueJobs.length ? ['glueJob'] : []), ...(s.lambdaJobs.length ? ['job'] : []), ...(s.stages.stages.length ? ['bucket'] : [])].sort();
  const out: string[] = [
    comment(`State machine '${s.stateMachine}' imported from ${s.source}`),
    `import { ${names.join(', ')} } from 'sluice';`,
    '',
  ];
  const byNode = new Map(s.order.map((e) => [e.node, e]));
  for (const entry of s.order) {
    const notes = [...new Set(entry.notes)].map((n) => comment(`${entry.node}: ${n}`));
    const glue = s.glueJobs.find((j) => j.node === entry.node);
    const lambda = s.lambdaJobs.find((j) => j.node === entry.node);
    out.push(...notes, glue ? glueJobDeclaration(glue) : lambdaJobDeclaration(lambda!), '');
  }
  if (s.stages.stages.length) {
    out.push(comment("Stages the Glue jobs' s3:// arguments name; each comment is where the stage is in the source account:"));
    for (const st of s.stages.stages) out.push(`export const ${identifierFor(st.node)} = bucket(${tsLiteral(st.node)}); // ${st.location}`);
    out.push('');
  }
  const flowId = identifierFor(s.flowNode);
  if (s.stages.edges.length) {
    out.push(comment(`Edges between the stages and the jobs: add these paths to your pipeline(...); the flow orders its jobs by them`));
    out.push(`export const ${flowId}Paths = [`);
    for (const e of s.stages.edges) out.push(`  ${identifierFor(e.from)}.to(${identifierFor(e.to)}), // ${e.argument} ${e.value} (by ${e.by})`);
    out.push('];', '');
  }
  for (const u of s.stages.unclear) out.push(comment(`unclear: '${u.job}' names stage '${u.stage}' in ${u.argument} ${u.value}: wire ${identifierFor(u.stage)}.to(${identifierFor(u.job)}) if it reads it, or ${identifierFor(u.job)}.to(${identifierFor(u.stage)}) if it writes it`));
  out.push(comment('The order the state machine runs the jobs in (a flow orders jobs by the stages between them: wire them so this order holds):'));
  for (const e of s.order) {
    const after = e.after.map((a) => byNode.get(a)?.node ?? a);
    out.push(comment(`  ${e.level + 1}. ${e.node}${after.length ? ` after ${after.join(', ')}` : ' first'} (state '${e.state}')`));
  }
  for (const k of s.skipped) out.push(comment(`skipped state '${k.state}'${k.resource ? ` (${k.resource})` : ''}: ${k.reason}`));
  for (const n of s.notes) out.push(comment(n));
  const options = s.timeoutSeconds !== undefined ? `, { timeout: ${tsLiteral(`${s.timeoutSeconds}s`)} }` : '';
  out.push(`export const ${flowId} = flow(${tsLiteral(s.flowNode)}, [${s.order.map((e) => identifierFor(e.node)).join(', ')}]${options});`, '');
  return out.join('\n');
}
