/**
 * A deployed Glue job as a `glueJob(...)` declaration: which of its settings carry over (script,
 * type, version, workers, arguments, extra files, timeout, retries), which arguments synth sets itself
 * and are dropped, which settings have no glueJob equivalent, and which S3 objects to download.
 * Pure: the caller reads the job (GetJob) and downloads the files.
 */
import type { Job } from '@aws-sdk/client-glue';
import { AwsImportError, IMPORT_CODES } from './errors.js';
import { parseS3Url, s3UrlsIn } from './s3-url.js';

/** The props of the printed `glueJob(...)`, as the issue 11 contract names them. */
export interface ImportedGlueJobProps {
  script: string;
  type: 'glueetl' | 'pythonshell';
  glueVersion?: string;
  workerType?: string;
  workers?: number;
  maxCapacity?: number;
  arguments?: Record<string, string>;
  extraFiles?: string[];
  timeout?: string;
  retry?: { attempts: number };
}

/** An argument of the job that the declaration leaves out, and why. */
export interface DroppedArgument {
  argument: string;
  value: string;
  reason: string;
}

/** A setting of the job that glueJob() has no prop for, and what to do about it. */
export interface NotCarried {
  field: string;
  value: string;
  reason: string;
}

/** An S3 object to download into the project. */
export interface Download {
  /** `s3://bucket/key`. */
  url: string;
  /** Where it goes, relative to the project folder, with `/` separators. */
  to: string;
  /** What it is to the job. */
  role: 'script' | '--extra-py-files' | '--extra-files';
}

/** A Glue job as sluice code. */
export interface ImportedGlueJob {
  /** The job's name on Glue. */
  jobName: string;
  /** Its node name in sluice. */
  node: string;
  props: ImportedGlueJobProps;
  dropped: DroppedArgument[];
  notCarried: NotCarried[];
  downloads: Download[];
}

/**
 * Glue's special parameters that synth sets itself, each with why the declaration leaves it out
 * (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html).
 */
export const SYNTH_OWNED_ARGUMENTS: Readonly<Record<string, string>> = {
  '--job-language': 'synth sets it: glueJob scripts are Python',
  '--TempDir': "synth gives each job a temporary folder of its own in the stage's assets bucket",
  '--scriptLocation': 'the script is declared as script and uploaded by synth',
  '--extra-py-files': 'its files are downloaded and declared as extraFiles; synth uploads them and sets the argument',
  '--extra-files': 'its files are downloaded and declared as extraFiles; synth uploads them and sets the argument',
  '--enable-continuous-cloudwatch-log': "synth sends the job's logs to the job's own log group",
  '--continuous-log-logGroup': "synth sends the job's logs to the job's own log group",
  '--continuous-log-logStreamPrefix': "synth sends the job's logs to the job's own log group",
  '--enable-continuous-log-filter': "synth sends the job's logs to the job's own log group",
};

/**
 * Glue's own parameters (not the script's): kept in `arguments`, but never read as the job's data
 * stages (`--spark-event-logs-path` names an S3 folder for logs, not data).
 */
export function isGlueParameter(argument: string): boolean {
  return argument in SYNTH_OWNED_ARGUMENTS || /^--(enable-|spark-event-logs-path|extra-|conf$|additional-python-modules|python-modules-installer-option|job-bookmark-option|datalake-formats|user-jars-first|class$)/.test(argument);
}

/** The file under `jobs/` a job's script goes to, relative to the project folder. */
export function scriptPathFor(node: string): string {
  return `jobs/${node}.py`;
}

/**
 * Why a job cannot be a glueJob(), or undefined when it can.
 * @example unsupportedReason({ Name: 'tail', Command: { Name: 'gluestreaming', ScriptLocation: 's3://b/t.py' } })
 */
function unsupportedReason(job: Job): string | undefined {
  const type = job.Command?.Name ?? 'glueetl';
  if (type !== 'glueetl' && type !== 'pythonshell') return `its type is '${type}'; glueJob() declares glueetl and pythonshell jobs`;
  if ((job.DefaultArguments?.['--job-language'] ?? 'python') !== 'python') return `its script is ${job.DefaultArguments?.['--job-language']}; glueJob() scripts are Python`;
  if (!parseS3Url(job.Command?.ScriptLocation ?? '')) return `its ScriptLocation is not an s3:// URL (given '${job.Command?.ScriptLocation ?? ''}')`;
  return undefined;
}

/** Glue's timeout in minutes as a sluice duration. */
function minutes(timeout: number): string {
  return timeout % 60 === 0 ? `${timeout / 60}h` : `${timeout}m`;
}

/**
 * Map a Glue job (GetJob's `Job`) to the glueJob() declaration and the files to download.
 * @throws AwsImportError SLUICE_E_IMPORT_UNSUPPORTED for a streaming, Ray or Scala job, or a script
 *   outside S3.
 * @example const imported = importedGlueJob(job, 'clean'); // imported.props.script === './jobs/clean.py'
 */
export function importedGlueJob(job: Job, node: string): ImportedGlueJob {
  const jobName = job.Name ?? node;
  const why = unsupportedReason(job);
  if (why) throw new AwsImportError(IMPORT_CODES.unsupported, `Glue job '${jobName}' cannot be imported as a glueJob(): ${why}; keep it outside sluice, or rewrite it as a glueetl or pythonshell Python job`, { node, given: job.Command?.Name, expected: 'glueetl | pythonshell' });
  const script = scriptPathFor(node);
  const downloads: Download[] = [{ url: job.Command!.ScriptLocation!, to: script, role: 'script' }];
  const dropped: DroppedArgument[] = [];
  const notCarried: NotCarried[] = [];
  const args: Record<string, string> = {};
  // NonOverridableArguments apply to every run like DefaultArguments; glueJob() has one set of arguments.
  const all = { ...job.DefaultArguments, ...job.NonOverridableArguments };
  for (const [argument, value] of Object.entries(all).sort(([a], [b]) => a.localeCompare(b))) {
    const reason = SYNTH_OWNED_ARGUMENTS[argument];
    if (reason) dropped.push({ argument, value, reason });
    else args[argument] = value;
    if (argument === '--extra-py-files' || argument === '--extra-files') {
      for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
        const [location] = s3UrlsIn(part);
        if (!location || location.key === '' || location.key.endsWith('/')) {
          notCarried.push({ field: argument, value: part, reason: 'not the s3:// URL of one object (Glue takes files, not folders), so it is not downloaded; copy it under jobs/ and add it to extraFiles' });
          continue;
        }
        downloads.push({ url: location.url, to: extraFilePath(node, location, downloads), role: argument });
      }
    }
  }
  if (job.NonOverridableArguments && Object.keys(job.NonOverridableArguments).length) {
    notCarried.push({ field: 'NonOverridableArguments', value: Object.keys(job.NonOverridableArguments).join(' '), reason: 'merged into arguments: glueJob() has one set of arguments, which a flow does not override' });
  }
  const type = (job.Command?.Name ?? 'glueetl') as ImportedGlueJobProps['type'];
  const props: ImportedGlueJobProps = { script: `./${script}`, type };
  if (job.GlueVersion) props.glueVersion = job.GlueVersion;
  else notCarried.push({ field: 'GlueVersion', value: '(unset)', reason: "the job has no GlueVersion (Glue then runs 0.9); glueJob() defaults to '4.0': test the script on it" });
  if (job.WorkerType) {
    props.workerType = job.WorkerType;
    if (job.NumberOfWorkers !== undefined) props.workers = job.NumberOfWorkers;
  } else if (job.MaxCapacity !== undefined) {
    props.maxCapacity = job.MaxCapacity;
  }
  if (Object.keys(args).length) props.arguments = args;
  const extraFiles = downloads.filter((d) => d.role !== 'script').map((d) => `./${d.to}`);
  if (extraFiles.length) props.extraFiles = extraFiles;
  if (job.Timeout !== undefined) props.timeout = minutes(job.Timeout);
  if (job.MaxRetries) props.retry = { attempts: job.MaxRetries };
  notCarried.push(...unmapped(job));
  return { jobName, node, props, dropped, notCarried, downloads };
}

/** `jobs/<node>/<file name>`, or the object's whole bucket/key path when two files share a name. */
function extraFilePath(node: string, location: { bucket: string; key: string }, taken: readonly Download[]): string {
  // Keys are any text: '.' and '..' segments must not walk out of jobs/<node>/.
  const segments = [location.bucket, ...location.key.split('/')].filter((s) => s !== '' && s !== '.' && s !== '..');
  const short = `jobs/${node}/${segments[segments.length - 1]}`;
  return taken.some((d) => d.to === short) ? `jobs/${node}/${segments.join('/')}` : short;
}

/** The job's settings glueJob() has no prop for: said, not silently lost. */
function unmapped(job: Job): NotCarried[] {
  const out: NotCarried[] = [];
  if (job.Role) out.push({ field: 'Role', value: job.Role, reason: "synth gives the job a role of its own: Glue's needs plus exactly the grants its edges imply; wire its buckets with bucket.to(job) and job.to(bucket)" });
  if (job.Connections?.Connections?.length) out.push({ field: 'Connections', value: job.Connections.Connections.join(', '), reason: 'glueJob() declares no Glue connections (VPC, JDBC); the job runs without them' });
  if (job.SecurityConfiguration) out.push({ field: 'SecurityConfiguration', value: job.SecurityConfiguration, reason: 'glueJob() declares no security configuration; synth encrypts with its own settings' });
  if (job.ExecutionClass && job.ExecutionClass !== 'STANDARD') out.push({ field: 'ExecutionClass', value: job.ExecutionClass, reason: 'glueJob() runs in the STANDARD execution class' });
  if ((job.ExecutionProperty?.MaxConcurrentRuns ?? 1) > 1) out.push({ field: 'ExecutionProperty.MaxConcurrentRuns', value: String(job.ExecutionProperty!.MaxConcurrentRuns), reason: "a flow runs each job once per execution; the flow's overlap option decides about concurrent executions" });
  if (job.NotificationProperty?.NotifyDelayAfter !== undefined) out.push({ field: 'NotificationProperty.NotifyDelayAfter', value: String(job.NotificationProperty.NotifyDelayAfter), reason: "glueJob() has no delay notification; flow.to(topic) publishes each execution's outcome" });
  return out;
}
