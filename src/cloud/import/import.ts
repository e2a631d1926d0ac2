/**
 * `sluice import`'s work: read a Glue job (GetJob) or a state machine (DescribeStateMachine) and the
 * Glue jobs it runs, download their scripts and extra files into the project, and return the
 * declarations to paste with everything the import decided, as data for `--json`.
 */
import { GetJobCommand, GlueClient, type Job } from '@aws-sdk/client-glue';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { AwsSession } from '../deploy/aws.js';
import { aslJobs, type SkippedState } from './asl-graph.js';
import { flowSnippet, glueJobSnippet, type FlowEntry, type ImportedLambdaJob } from './declaration.js';
import { AwsImportError, IMPORT_CODES, explainImportError } from './errors.js';
import { downloadObject, writeImportedFiles, type FetchedFile, type WrittenFile } from './files.js';
import { importedGlueJob, type ImportedGlueJob } from './glue-job.js';
import { jobNodeName, uniqueName } from './names.js';
import { inferStages, type InferredStages } from './stage-edges.js';

/** Options of both imports. */
export interface ImportOptions {
  /** The project folder: `jobs/` goes under it. */
  dir: string;
  /** Overwrite files that exist with other content. */
  force: boolean;
}

/** The result of importing one Glue job. */
export interface GlueJobImport {
  job: ImportedGlueJob;
  files: WrittenFile[];
  /** The TypeScript to paste. */
  code: string;
}

/** The result of importing a state machine. */
export interface StateMachineImport {
  stateMachine: { arn: string; name: string };
  flow: { node: string; jobs: string[]; timeoutSeconds?: number };
  order: FlowEntry[];
  glueJobs: ImportedGlueJob[];
  lambdaJobs: ImportedLambdaJob[];
  stages: InferredStages;
  skipped: SkippedState[];
  notes: string[];
  files: WrittenFile[];
  code: string;
}

const STATE_MACHINE_ARN = /^arn:[\w-]+:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})(?::[A-Za-z0-9_-]+)?$/;

/**
 * The region and name in a state machine ARN.
 * @throws AwsImportError SLUICE_E_IMPORT_ARN when the text is not one.
 * @example stateMachineArnParts('arn:aws:states:eu-west-1:123456789012:stateMachine:nightly') // { region: 'eu-west-1', name: 'nightly' }
 */
export function stateMachineArnParts(arn: string): { region: string; name: string } {
  const m = STATE_MACHINE_ARN.exec(arn);
  if (!m) throw new AwsImportError(IMPORT_CODES.arn, `'${arn}' is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME); copy it from the Step Functions console or 'aws stepfunctions list-state-machines'`, { given: arn, expected: 'arn:aws:states:REGION:ACCOUNT:stateMachine:NAME' });
  return { region: m[1]!, name: m[3]! };
}

function sourceOf(aws: AwsSession): string {
  return `region ${aws.region}${aws.endpoint ? ` (endpoint ${aws.endpoint})` : ''}`;
}

async function getJob(aws: AwsSession, glue: GlueClient, name: string): Promise<Job> {
  try {
    const out = await glue.send(new GetJobCommand({ JobName: name }));
    return out.Job!;
  } catch (error) {
    throw explainImportError(error, { what: `Glue job '${name}'`, action: 'glue:GetJob', given: name }, aws);
  }
}

async function fetchAll(aws: AwsSession, jobs: readonly ImportedGlueJob[]): Promise<FetchedFile[]> {
  const files: FetchedFile[] = [];
  for (const job of jobs) for (const d of job.downloads) files.push(await downloadObject(aws, d, job.jobName));
  return files;
}

/**
 * Import one Glue job: its declaration, with its script under `jobs/<name>.py` and its extra files
 * under `jobs/<name>/`.
 * @example const { code, files } = await importGlueJob(aws, 'clean', { dir: process.cwd(), force: false });
 */
export async function importGlueJob(aws: AwsSession, name: string, options: ImportOptions): Promise<GlueJobImport> {
  const glue = new GlueClient(aws.clientConfig());
  const job = importedGlueJob(await getJob(aws, glue, name), jobNodeName(name));
  const files = writeImportedFiles(options.dir, await fetchAll(aws, [job]), { force: options.force });
  return { job, files, code: glueJobSnippet(job, sourceOf(aws)) };
}

/**
 * Import a state machine as a flow: each Glue job it runs as a glueJob (imported as above), each
 * Lambda function as a job with a TODO handler, the stages their arguments name, and the order.
 * The session must be in the ARN's region.
 * @example const { code } = await importStateMachine(aws, arn, { dir: process.cwd(), force: false });
 */
export async function importStateMachine(aws: AwsSession, arn: string, options: ImportOptions): Promise<StateMachineImport> {
  const { name } = stateMachineArnParts(arn);
  const sfn = new SFNClient(aws.clientConfig());
  let definition: string;
  let machineName = name;
  try {
    const out = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    definition = out.definition ?? '';
    machineName = out.name ?? name;
  } catch (error) {
    throw explainImportError(error, { what: `state machine '${arn}'`, action: 'states:DescribeStateMachine', given: arn }, aws);
  }
  const asl = aslJobs(definition, arn);
  const glue = new GlueClient(aws.clientConfig());
  const taken = new Set<string>();
  const nodeOf = new Map<string, string>(); // 'glue:<job>' / 'lambda:<fn>' -> node
  const nodeOfState = new Map<string, string>();
  const glueJobs: ImportedGlueJob[] = [];
  const lambdaJobs: ImportedLambdaJob[] = [];
  const skipped: SkippedState[] = [...asl.skipped];
  const notes = [...asl.notes];
  for (const task of asl.tasks) {
    const t = task.target;
    const key = t.kind === 'glueJob' ? `glue:${t.jobName}` : `lambda:${t.functionName}`;
    let node = nodeOf.get(key);
    if (node) notes.push(`state '${task.state}' runs ${t.kind === 'glueJob' ? `Glue job '${t.jobName}'` : `Lambda function '${t.functionName}'`} again: a flow runs each job once, so it is one node`);
    else if (t.kind === 'glueJob') {
      let imported: ImportedGlueJob;
      try {
        imported = importedGlueJob(await getJob(aws, glue, t.jobName), uniqueName(jobNodeName(t.jobName), taken));
      } catch (error) {
        // A job that is gone or cannot be a glueJob is left out with the reason; access and setup errors stop the import.
        if (error instanceof AwsImportError && (error.code === IMPORT_CODES.notFound || error.code === IMPORT_CODES.unsupported)) {
          skipped.push({ state: task.state, resource: task.resource, reason: error.message });
          continue;
        }
        throw error;
      }
      node = imported.node;
      if (!t.waits) task.notes.push('the source starts the Glue job without waiting for it (glue:startJobRun); a flow waits for it to finish (glue:startJobRun.sync)');
      const overrides = Object.entries(t.arguments);
      if (overrides.length) {
        imported.props.arguments = { ...imported.props.arguments, ...t.arguments };
        task.notes.push(`the state passes ${overrides.map(([k]) => k).join(', ')}, merged into its arguments`);
      }
      glueJobs.push(imported);
    } else {
      node = uniqueName(jobNodeName(t.functionName), taken);
      lambdaJobs.push({ node, functionName: t.functionName, ...(t.qualifier ? { qualifier: t.qualifier } : {}), handler: `./jobs/${node}.ts` });
    }
    nodeOf.set(key, node);
    nodeOfState.set(task.state, node);
  }
  const order: FlowEntry[] = [];
  for (const task of asl.tasks) {
    const node = nodeOfState.get(task.state);
    if (!node) continue;
    const after = task.after.map((s) => nodeOfState.get(s)).filter((n): n is string => n !== undefined && n !== node);
    const kind = glueJobs.some((j) => j.node === node) ? 'glueJob' : 'job';
    const existing = order.find((e) => e.node === node);
    if (existing) {
      existing.level = Math.max(existing.level, task.level);
      existing.after = [...new Set([...existing.after, ...after])];
      existing.notes.push(...task.notes);
    } else order.push({ node, kind, state: task.state, level: task.level, after, notes: [...task.notes] });
  }
  // Merging a job that several states run can raise its level: keep the order by level.
  order.sort((a, b) => a.level - b.level);
  const stages = inferStages(glueJobs.map((j) => ({ node: j.node, level: order.find((e) => e.node === j.node)!.level, arguments: j.props.arguments ?? {} })), taken);
  const files = writeImportedFiles(options.dir, await fetchAll(aws, glueJobs), { force: options.force });
  const flowNode = jobNodeName(machineName);
  const snippet = { flowNode, stateMachine: arn, source: sourceOf(aws), glueJobs, lambdaJobs, order, stages, skipped, notes, ...(asl.timeoutSeconds !== undefined ? { timeoutSeconds: asl.timeoutSeconds } : {}) };
  return {
    stateMachine: { arn, name: machineName },
    flow: { node: flowNode, jobs: order.map((e) => e.node), ...(asl.timeoutSeconds !== undefined ? { timeoutSeconds: asl.timeoutSeconds } : {}) },
    order, glueJobs, lambdaJobs, stages, skipped, notes, files,
    code: flowSnippet(snippet),
  };
}
