/**
 * `sluice import glue-job` and `sluice import state-machine` against moto_server, with Glue jobs and
 * a state machine created through the SDK as a user's existing account holds them: the scripts land
 * under jobs/, the printed declarations type-check, and mistakes are coded errors naming the job.
 *
 * moto 5.2 gaps met here, by name:
 * - MOTO_JSON_DENIED_AS_XML: with IAM checks on (INITIAL_NO_AUTH_ACTION_COUNT), moto denies a Glue
 *   call with an XML body, which the SDK (Glue speaks JSON) cannot parse: the error is a
 *   deserialization error whose HTTP 403 is the only sign of the denial; the import reads that.
 * - MOTO_SFN_NO_VALIDATION: CreateStateMachine accepts any definition (AWS validates the ASL), which
 *   is what lets the unreadable-definition test create one.
 * - MOTO_NO_LAMBDA_NEEDED: none met: the import never calls Lambda (a function's code is not imported),
 *   so the Lambda functions the state machine names need not exist.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateJobCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { motoUnavailable, startMoto, type Moto } from '../helpers/moto.js';
import { tempDir as makeTempDir } from '../helpers/cli.js';
import { typeErrors } from '../helpers/declaration-check.js';
import { assertUserError, parseJson, sluiceAwait } from './support.js';

const skip = motoUnavailable();
let moto: Moto;
const dirs: string[] = [];
/** A fresh project folder, removed after the file's tests. */
function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  dirs.push(dir);
  return dir;
}
let arn: string;
let badArn: string;
const ROLE = 'arn:aws:iam::123456789012:role/glue-jobs';
const CLEAN_PY = 'import sys\nfrom awsglue.utils import getResolvedOptions\nprint("clean", getResolvedOptions(sys.argv, ["input"]))\n';

function clients(env: Record<string, string>) {
  const config = { region: env.AWS_REGION!, endpoint: env.AWS_ENDPOINT_URL!, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } };
  return { s3: new S3Client({ ...config, forcePathStyle: true }), glue: new GlueClient(config), sfn: new SFNClient(config), iam: new IAMClient(config) };
}

before(async () => {
  if (skip) return;
  moto = await startMoto();
  const { s3, glue, sfn } = clients(moto.env);
  // GIVEN an account with scripts in S3, three Glue jobs and a state machine running them
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-glue-scripts' }));
  await s3.send(new PutObjectCommand({ Bucket: 'acme-glue-scripts', Key: 'jobs/extract.py', Body: 'print("extract")\n' }));
  await s3.send(new PutObjectCommand({ Bucket: 'acme-glue-scripts', Key: 'jobs/clean.py', Body: CLEAN_PY }));
  await s3.send(new PutObjectCommand({ Bucket: 'acme-glue-scripts', Key: 'lib/helpers.zip', Body: 'PK-not-really-a-zip' }));
  await s3.send(new PutObjectCommand({ Bucket: 'acme-glue-scripts', Key: 'conf/settings.json', Body: '{"dedupe":true}' }));
  await glue.send(new CreateJobCommand({
    Name: 'extract', Role: ROLE, GlueVersion: '4.0', WorkerType: 'G.1X', NumberOfWorkers: 2, Timeout: 60,
    Command: { Name: 'glueetl', ScriptLocation: 's3://acme-glue-scripts/jobs/extract.py', PythonVersion: '3' },
    DefaultArguments: { '--job-language': 'python', '--TempDir': 's3://acme-glue-temp/extract/', '--source_path': 's3://acme-landing/orders/', '--output_path': 's3://acme-lake/bronze/orders/' },
  }));
  await glue.send(new CreateJobCommand({
    Name: 'clean', Role: ROLE, GlueVersion: '4.0', WorkerType: 'G.2X', NumberOfWorkers: 5, Timeout: 90, MaxRetries: 1,
    Command: { Name: 'glueetl', ScriptLocation: 's3://acme-glue-scripts/jobs/clean.py', PythonVersion: '3' },
    DefaultArguments: {
      '--job-language': 'python', '--TempDir': 's3://acme-glue-temp/clean/', '--enable-metrics': 'true',
      '--extra-py-files': 's3://acme-glue-scripts/lib/helpers.zip', '--extra-files': 's3://acme-glue-scripts/conf/settings.json',
      '--input': 's3://acme-lake/bronze/', '--output': 's3://acme-lake/silver/', '--dedupe_key': 'order_id',
    },
  }));
  await glue.send(new CreateJobCommand({
    Name: 'tail-events', Role: ROLE, GlueVersion: '4.0', WorkerType: 'G.025X', NumberOfWorkers: 2,
    Command: { Name: 'gluestreaming', ScriptLocation: 's3://acme-glue-scripts/jobs/extract.py' },
  }));
  const definition = {
    Comment: 'nightly: extract then clean, scoring in parallel; publish the outcome',
    StartAt: 'Run',
    TimeoutSeconds: 7200,
    States: {
      Run: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Extract', States: { Extract: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: 'extract' }, Next: 'Clean' }, Clean: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Parameters: { JobName: 'clean' }, End: true } } },
          { StartAt: 'Score', States: { Score: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:score-orders', 'Payload.$': '$' }, End: true } } },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Alert' }],
        Next: 'Publish',
      },
      Publish: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:nightly', Message: 'done' }, End: true },
      Alert: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:page-oncall', Next: 'Failed' },
      Failed: { Type: 'Fail', Error: 'NightlyFailed' },
    },
  };
  arn = (await sfn.send(new CreateStateMachineCommand({ name: 'nightly', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/sfn' }))).stateMachineArn!;
  // MOTO_SFN_NO_VALIDATION: AWS would refuse this definition; moto stores it.
  badArn = (await sfn.send(new CreateStateMachineCommand({ name: 'broken', definition: '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "Parameters": {"JobName": "clean"}, "Next": "Gone"}}}', roleArn: 'arn:aws:iam::123456789012:role/sfn' }))).stateMachineArn!;
});

after(async () => {
  await moto?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('sluice import --help lists both imports, each documenting --json, --profile, --dir and --force', async () => {
  const [top, glueJob, stateMachine] = await Promise.all([sluiceAwait(['--help']), sluiceAwait(['import', 'glue-job', '--help']), sluiceAwait(['import', 'state-machine', '--help'])]);
  assert.match(top.stdout, /^  import\b.*\S\s{2,}\S/m);
  for (const help of [glueJob, stateMachine]) {
    assert.equal(help.status, 0, help.stderr);
    for (const option of ['--json', '--profile <name>', '--dir <folder>', '--force', '--stage <name>', 'AWS_ENDPOINT_URL']) assert.ok(help.stdout.includes(option), `${option} in\n${help.stdout}`);
  }
  assert.ok(glueJob.stdout.includes('--region <region>'));
  assert.match(stateMachine.stdout, /The region is the ARN's/);
});

test('import glue-job downloads the script and extra files and prints a glueJob declaration that type-checks', { skip }, async () => {
  const dir = tempDir('sluice-import-');
  // WHEN the user imports the clean job
  const result = await sluiceAwait(['import', 'glue-job', 'clean', '--dir', dir], { env: moto.env });
  assert.equal(result.status, 0, result.stderr);
  // THEN its script is under jobs/ with the deployed bytes, its extra files under jobs/clean/
  assert.equal(readFileSync(join(dir, 'jobs/clean.py'), 'utf8'), CLEAN_PY);
  assert.equal(readFileSync(join(dir, 'jobs/clean/helpers.zip'), 'utf8'), 'PK-not-really-a-zip');
  assert.equal(readFileSync(join(dir, 'jobs/clean/settings.json'), 'utf8'), '{"dedupe":true}');
  // AND stderr says where each file went
  assert.match(result.stderr, /wrote jobs\/clean\.py \(\d+ bytes\) from s3:\/\/acme-glue-scripts\/jobs\/clean\.py/);
  // AND the declaration carries the job's settings, without the arguments synth sets (each named)
  const code = result.stdout;
  assert.match(code, /export const clean = glueJob\('clean', \{/);
  for (const prop of ["script: './jobs/clean.py'", "type: 'glueetl'", "glueVersion: '4.0'", "workerType: 'G.2X'", 'workers: 5', "timeout: '90m'", 'attempts: 1', "'--input': 's3://acme-lake/bronze/'", "'--dedupe_key': 'order_id'", "extraFiles: ['./jobs/clean/settings.json', './jobs/clean/helpers.zip']"]) {
    assert.ok(code.includes(prop), `declaration has ${prop}\n${code}`);
  }
  assert.doesNotMatch(code, /'--TempDir':|'--job-language':|'--extra-py-files':/);
  assert.match(code, /\/\/ left out --TempDir s3:\/\/acme-glue-temp\/clean\/: synth gives each job a temporary folder/);
  assert.match(code, /\/\/ not carried over: Role arn:aws:iam::123456789012:role\/glue-jobs/);
  // AND it type-checks as a pipeline module
  const checked = await typeErrors(code);
  assert.deepEqual(checked.errors, [], `type errors against the ${checked.against}:\n${code}`);
});

test('import glue-job --json gives the declaration as data; importing again leaves identical files alone', { skip }, async () => {
  const dir = tempDir('sluice-import-');
  const first = await sluiceAwait(['import', 'glue-job', 'extract', '--dir', dir, '--json', '--stage', 'dev'], { env: moto.env });
  const data = parseJson(first);
  // THEN the props, the dropped arguments with reasons, and the files are data
  assert.deepEqual(data.declaration, {
    kind: 'glueJob', name: 'extract',
    props: { script: './jobs/extract.py', type: 'glueetl', glueVersion: '4.0', workerType: 'G.1X', workers: 2, arguments: { '--output_path': 's3://acme-lake/bronze/orders/', '--source_path': 's3://acme-landing/orders/' }, timeout: '1h' },
  });
  assert.equal(data.stage, 'dev');
  assert.deepEqual(data.dropped.map((d: { argument: string }) => d.argument), ['--job-language', '--TempDir']);
  assert.deepEqual(data.files, [{ from: 's3://acme-glue-scripts/jobs/extract.py', to: 'jobs/extract.py', bytes: 17, status: 'written' }]);
  // WHEN it is imported again
  const again = parseJson(await sluiceAwait(['import', 'glue-job', 'extract', '--dir', dir, '--json'], { env: moto.env }));
  // THEN the file is unchanged, not refused
  assert.equal(again.files[0].status, 'unchanged');
});

test('import glue-job refuses to overwrite an edited script unless --force, and writes nothing', { skip }, async () => {
  // GIVEN a project whose jobs/clean.py was edited locally
  const dir = tempDir('sluice-import-');
  mkdirSync(join(dir, 'jobs'));
  writeFileSync(join(dir, 'jobs/clean.py'), 'print("my local edit")\n');
  // WHEN it is imported
  const refused = await sluiceAwait(['import', 'glue-job', 'clean', '--dir', dir], { env: moto.env });
  // THEN it is refused naming the file, and nothing else was written
  assertUserError(refused, 'SLUICE_E_IMPORT_FILE_EXISTS', ['jobs/clean.py', 's3://acme-glue-scripts/jobs/clean.py', '--force']);
  assert.equal(readFileSync(join(dir, 'jobs/clean.py'), 'utf8'), 'print("my local edit")\n');
  assert.equal(existsSync(join(dir, 'jobs/clean/helpers.zip')), false);
  // WHEN it is imported with --force THEN the deployed script replaces it
  const forced = await sluiceAwait(['import', 'glue-job', 'clean', '--dir', dir, '--force'], { env: moto.env });
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(forced.stderr, /overwrote jobs\/clean\.py/);
  assert.equal(readFileSync(join(dir, 'jobs/clean.py'), 'utf8'), CLEAN_PY);
});

test('a Glue job that does not exist, or is a streaming job, is a coded error naming it', { skip }, async () => {
  const dir = tempDir('sluice-import-');
  const [missing, streaming] = await Promise.all([
    sluiceAwait(['import', 'glue-job', 'no-such-job', '--dir', dir], { env: moto.env }),
    sluiceAwait(['import', 'glue-job', 'tail-events', '--dir', dir], { env: moto.env }),
  ]);
  assertUserError(missing, 'SLUICE_E_IMPORT_NOT_FOUND', ["Glue job 'no-such-job'", 'EntityNotFoundException', 'region us-east-1']);
  assertUserError(streaming, 'SLUICE_E_IMPORT_UNSUPPORTED', ["Glue job 'tail-events'", 'gluestreaming']);
});

test('import state-machine prints the Glue jobs, the Lambda job to write, the stages, the order and the flow', { skip }, async () => {
  const dir = tempDir('sluice-import-');
  // WHEN the user imports the nightly state machine
  const result = await sluiceAwait(['import', 'state-machine', arn, '--dir', dir], { env: moto.env });
  assert.equal(result.status, 0, result.stderr);
  const code = result.stdout;
  // THEN both Glue jobs' scripts are downloaded
  assert.equal(readFileSync(join(dir, 'jobs/clean.py'), 'utf8'), CLEAN_PY);
  assert.equal(readFileSync(join(dir, 'jobs/extract.py'), 'utf8'), 'print("extract")\n');
  // AND the Lambda function is a job whose handler is to write, its code not imported
  assert.match(code, /TODO: write \.\/jobs\/score-orders\.ts.*the code of Lambda function 'score-orders' is not imported/);
  assert.match(code, /export const scoreOrders = job\('score-orders', \{ handler: '\.\/jobs\/score-orders\.ts' \}\);/);
  // AND the stages between the jobs and the edges come from their s3:// arguments
  assert.match(code, /export const bronze = bucket\('bronze'\); \/\/ s3:\/\/acme-lake\/bronze\//);
  for (const edge of ['acmeLanding.to(extract)', 'extract.to(bronze)', 'bronze.to(clean)', 'clean.to(silver)']) assert.ok(code.includes(edge), `edge ${edge}\n${code}`);
  // AND the source's order, the skipped states with reasons, and the flow with its timeout
  assert.match(code, /2\. clean after extract \(state 'Run\/branch 1\/Clean'\)/);
  assert.match(code, /1\. score-orders first/);
  assert.match(code, /skipped state 'Publish' \(arn:aws:states:::sns:publish\): it publishes to SNS/);
  assert.match(code, /skipped state 'Alert' .*only when another state fails/);
  assert.match(code, /export const nightly = flow\('nightly', \[extract, scoreOrders, clean\], \{ timeout: '7200s' \}\);/);
  // AND the whole paste type-checks
  const checked = await typeErrors(code);
  assert.deepEqual(checked.errors, [], `type errors against the ${checked.against}:\n${code}`);
});

test('import state-machine --json gives the order, jobs, stages and skipped states as data', { skip }, async () => {
  const dir = tempDir('sluice-import-');
  const data = parseJson(await sluiceAwait(['import', 'state-machine', arn, '--dir', dir, '--json'], { env: moto.env }));
  assert.deepEqual(data.stateMachine, { arn, name: 'nightly' });
  assert.deepEqual(data.flow, { node: 'nightly', jobs: ['extract', 'score-orders', 'clean'], timeoutSeconds: 7200 });
  assert.deepEqual(data.order.map((e: { node: string; kind: string; level: number; after: string[] }) => [e.node, e.kind, e.level, e.after]), [['extract', 'glueJob', 0, []], ['score-orders', 'job', 0, []], ['clean', 'glueJob', 1, ['extract']]]);
  assert.deepEqual(data.skipped.map((s: { state: string }) => s.state), ['Publish', 'Alert']);
  assert.deepEqual(data.stages.edges.map((e: { from: string; to: string }) => `${e.from}->${e.to}`), ['acme-landing->extract', 'extract->bronze', 'bronze->clean', 'clean->silver']);
  assert.equal(data.files.length, 4);
});

test('a missing state machine, a malformed ARN and an unreadable definition are coded errors naming the ARN', { skip }, async () => {
  const dir = tempDir('sluice-import-');
  const missingArn = arn.replace(':nightly', ':weekly');
  const [missing, malformed, broken] = await Promise.all([
    sluiceAwait(['import', 'state-machine', missingArn, '--dir', dir], { env: moto.env }),
    sluiceAwait(['import', 'state-machine', 'nightly', '--dir', dir], { env: moto.env }),
    sluiceAwait(['import', 'state-machine', badArn, '--dir', dir], { env: moto.env }),
  ]);
  assertUserError(missing, 'SLUICE_E_IMPORT_NOT_FOUND', [missingArn, 'StateMachineDoesNotExist']);
  assertUserError(malformed, 'SLUICE_E_IMPORT_ARN', ["'nightly' is not a state machine ARN"]);
  assertUserError(broken, 'SLUICE_E_IMPORT_ASL', [badArn, "Next of 'A' names state 'Gone'"]);
});

test('credentials that may not read the job or its script are SLUICE_E_IMPORT_ACCESS naming it and the permission', { skip }, async () => {
  // GIVEN a moto that checks IAM after the setup's 8 calls, a user with no policy, and one allowed Glue only
  const guarded = await startMoto({ INITIAL_NO_AUTH_ACTION_COUNT: '8' });
  try {
    const { s3, glue, iam } = clients(guarded.env);
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-glue-scripts' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acme-glue-scripts', Key: 'jobs/clean.py', Body: CLEAN_PY }));
    await glue.send(new CreateJobCommand({ Name: 'clean', Role: ROLE, Command: { Name: 'glueetl', ScriptLocation: 's3://acme-glue-scripts/jobs/clean.py' } }));
    await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
    await iam.send(new CreateUserCommand({ UserName: 'glue-reader' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'glue-reader', PolicyName: 'glue', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'glue:GetJob', Resource: '*' }] }) }));
    const keys = await Promise.all(['nobody', 'glue-reader'].map(async (UserName) => (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey!));
    // WHEN each imports the job
    const [nobody, glueReader] = await Promise.all(keys.map((key) => sluiceAwait(['import', 'glue-job', 'clean', '--dir', tempDir('sluice-import-')], { env: { ...guarded.env, AWS_ACCESS_KEY_ID: key.AccessKeyId!, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey! } })));
    // THEN the first is denied the job, the second the script (MOTO_JSON_DENIED_AS_XML: moto's
    // denial of GetJob is an XML body the SDK cannot parse; the HTTP 403 still says it)
    assertUserError(nobody!, 'SLUICE_E_IMPORT_ACCESS', ["Glue job 'clean'", 'glue:GetJob']);
    assertUserError(glueReader!, 'SLUICE_E_IMPORT_ACCESS', ["S3 object 's3://acme-glue-scripts/jobs/clean.py'", "Glue job 'clean'", 's3:GetObject']);
  } finally {
    await guarded.stop();
  }
});
