/**
 * `sluice import glue-job <name>` and `sluice import state-machine <arn>`: bring what an AWS account
 * already runs into a sluice project. The scripts are downloaded under jobs/; the declarations to
 * paste into pipeline.ts go to stdout (with --json, the same as data), what was written to stderr.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { resolve } from 'node:path';
import { action, withJson } from '../common.js';
import { emit, progress, type GlobalOptions } from '../output.js';
import type { AwsSession } from '../../cloud/deploy/aws.js';
import type { WrittenFile } from '../../cloud/import/files.js';

interface ImportOptions extends GlobalOptions {
  stage?: string;
  region?: string;
  profile?: string;
  dir: string;
  force?: boolean;
}

const AWS_HELP = `
Where it reads from: the usual AWS credentials chain (AWS_PROFILE, AWS_ACCESS_KEY_ID..., SSO,
instance roles) and region (AWS_REGION, AWS_DEFAULT_REGION, the profile), AWS_ENDPOINT_URL for an
emulator, as every AWS command of sluice. A sluice stage names a stack, not an account: --stage
records which stage the job is meant for and selects nothing; --profile and --region do.`;

/** Open the session the options ask for: --profile wins over AWS_ACCESS_KEY_ID, as in the AWS CLI. */
async function session(options: ImportOptions, region?: string): Promise<AwsSession> {
  if (options.profile) {
    process.env.AWS_PROFILE = options.profile;
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete process.env[key];
  }
  const { openSession } = await import('../../cloud/deploy/aws.js');
  const chosen = region ?? options.region;
  return openSession({ env: chosen ? { ...process.env, AWS_REGION: chosen } : process.env });
}

/** The files written, for people (stderr). */
function reportFiles(options: GlobalOptions, files: readonly WrittenFile[]): void {
  for (const f of files) progress(options, `${f.status === 'unchanged' ? 'unchanged' : f.status === 'overwritten' ? 'overwrote' : 'wrote'} ${f.to} (${f.bytes} bytes) from ${f.from}`);
}

function withImportOptions(cmd: Command): Command {
  return withJson(cmd)
    .option('--stage <name>', 'the AWS stage the import is for (recorded only: see below)')
    .option('--profile <name>', 'the AWS profile to read with (wins over AWS_ACCESS_KEY_ID, as in the AWS CLI)')
    .option('--dir <folder>', 'the project folder (where pipeline.ts is): scripts go under its jobs/', '.')
    .option('--force', 'overwrite files under jobs/ that exist with other content');
}

/**
 * Register `sluice import` and its two subcommands.
 * @example sluice import glue-job clean --region eu-west-1 > clean.snippet.ts
 * @example sluice import state-machine arn:aws:states:eu-west-1:123456789012:stateMachine:nightly --json
 */
export function registerImport(program: Command): void {
  const imports = program.command('import')
    .description("import a Glue job or a state machine an AWS account already runs: scripts under jobs/, declarations to paste");

  withImportOptions(imports.command('glue-job <name>'))
    .description('import a Glue job (GetJob): its script to jobs/<name>.py, extra files to jobs/<name>/, and the glueJob(...) declaration')
    .option('--region <region>', 'the AWS region of the job (default: AWS_REGION or the profile\'s)')
    .addHelpText('after', `
Prints the glueJob(...) to paste into pipeline.ts, with comments naming the arguments left out
(--job-language, --TempDir, --extra-py-files, --extra-files and the logging ones, which synth sets)
and the settings glueJob() has no prop for (Role, Connections...). A file under jobs/ that exists
with other content is never overwritten without --force.
${AWS_HELP}`)
    .action(action(async (name: string, options: ImportOptions) => {
      const aws = await session(options);
      const { importGlueJob } = await import('../../cloud/import/import.js');
      const result = await importGlueJob(aws, name, { dir: resolve(options.dir), force: options.force === true });
      reportFiles(options, result.files);
      const { job } = result;
      emit(options, {
        job: { name: job.jobName, node: job.node },
        ...(options.stage ? { stage: options.stage } : {}),
        declaration: { kind: 'glueJob', name: job.node, props: job.props },
        dropped: job.dropped,
        notCarried: job.notCarried,
        files: result.files,
        code: result.code,
      }, () => result.code);
      if (!options.json) process.stderr.write(`${pc.green('✓')} imported Glue job '${job.jobName}': paste the declaration above into pipeline.ts\n`);
    }));

  withImportOptions(imports.command('state-machine <arn>'))
    .description("import a state machine (DescribeStateMachine) as a flow: its Glue jobs as glueJob(...), its Lambda functions as job(...) to write, the stages between them, and the flow(...)")
    .addHelpText('after', `
Reads the state machine's definition and walks it (Next, Choice, Parallel branches, Map iterators,
Catch) for the Task states that run Glue jobs (glue:startJobRun, .sync) or Lambda functions
(lambda:invoke, or a function ARN). Each Glue job is imported as by 'sluice import glue-job'; each
Lambda function becomes a job(...) whose handler you write (its code is not imported). The stages
come from the s3:// paths the Glue jobs' arguments name; the source's order is printed as comments.
Every other state is listed with why it was skipped. The region is the ARN's.
${AWS_HELP}`)
    .action(action(async (arn: string, options: ImportOptions) => {
      const { importStateMachine, stateMachineArnParts } = await import('../../cloud/import/import.js');
      const aws = await session(options, stateMachineArnParts(arn).region);
      const result = await importStateMachine(aws, arn, { dir: resolve(options.dir), force: options.force === true });
      reportFiles(options, result.files);
      const { code, ...data } = result;
      emit(options, { ...data, ...(options.stage ? { stage: options.stage } : {}), code }, () => code);
      if (!options.json) {
        const lambdas = result.lambdaJobs.length ? `; write the handlers of ${result.lambdaJobs.map((j) => `'${j.node}' (${j.handler})`).join(', ')}` : '';
        process.stderr.write(`${pc.green('✓')} imported state machine '${result.stateMachine.name}': ${result.glueJobs.length} Glue job(s), ${result.lambdaJobs.length} Lambda function(s), ${result.skipped.length} state(s) skipped${lambdas}\n`);
      }
    }));
}
