/**
 * `glueJob` -> an `AWS::Glue::Job` running its uploaded script (`s3://<assets bucket>/<stack>/<sha256>/<name>.py`),
 * with its extra files beside it (`--extra-py-files` for Python modules, `--extra-files` for the
 * rest), Glue's own retries off (the flow's state machine retries, as the user declared), one run at
 * a time, and its own role: trusted by Glue only, reading exactly its script and extra files, using
 * its temporary folder (Spark jobs), writing its runs' logs to the log groups Glue uses for its type,
 * and holding exactly the stages its edges name (docs/security-rules.md GLUE-3, GLUE-4).
 *
 * The script learns where its stages are from arguments sluice adds: `--sluice-pipeline`,
 * `--sluice-stage` and `--sluice-buckets` (JSON: stage node name -> physical bucket name); the
 * state machine adds `--sluice-execution` to each run.
 */
import type { Problem } from '../../../model/errors.js';
import type { GlueJob } from '../../../model/glue-job.js';
import { GLUE_ASSET_ACTIONS, GLUE_LOG_ACTIONS, GLUE_LOG_GROUPS } from '../actions.js';
import { glueFileProblems, PYTHON_MODULE, type FileAsset } from '../file-assets.js';
import { idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { jobGrants, stageStatements } from '../stage-grants.js';
import { escapeSub, getAtt, ref, sub, type PolicyDocument, type Statement, type Str } from '../template.js';
import { ASSET_PARAMETERS, SECRET_NAME, SECRET_VALUE } from './fn.js';
import type { Bucket } from '../../../model/bucket.js';

/** The trust policy of a Glue job's role: Glue, and nothing else (IAM-6). */
export const GLUE_TRUST: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** Why a Glue job's log statement ends in `log-stream:*`, kept in its role's metadata. */
export const GLUE_LOG_REASON = "Glue names each run's log streams after the job run id (jr_…), which is only known when the run starts, so the streams of Glue's log groups for this job type are granted by wildcard; the groups themselves are named exactly";

/** The folder a Spark job's temporary files go to, under the stack's assets prefix. */
export function glueTempPrefix(job: GlueJob): string {
  return `glue-temp/${job.name}/`;
}

export const glueJobSynth: KindSynth<GlueJob> = {

  names: (node, ctx) => [
    { what: 'Glue job name', name: ctx.physical(node, 'Job'), max: 255, node: node.name },
  ],

  problems(node) {
    const problems = glueFileProblems(node);
    // Job arguments are shown in the console and may be logged (GLUE-3): no secrets in them.
    for (const [name, value] of Object.entries(node.resolved.arguments)) {
      if (SECRET_NAME.test(name) || SECRET_VALUE.test(String(value))) {
        const problem: Problem = { code: 'SLUICE_E_SECRET_IN_TEMPLATE', node: node.name, field: `arguments.${name}`, message: `${node}: argument '${name}' looks like a secret, and Glue job arguments are stored in the template and shown with every run (sluice's security rule GLUE-3); store it in SSM Parameter Store and read it in the script with boto3` };
        problems.push(problem);
      }
    }
    return problems;
  },

  grantResources: () => [],

  synthesize(node, ctx) {
    const r = node.resolved;
    const files = ctx.glueAssets.get(node.name)!;
    const grants = jobGrants(ctx, node);
    const spark = r.type === 'glueetl';
    const statements: Statement[] = [
      { Sid: 'ReadScript', Effect: 'Allow', Action: [...GLUE_ASSET_ACTIONS.read], Resource: [files.script, ...files.extraFiles].map(assetObjectArn) },
    ];
    if (spark) {
      const temp = glueTempPrefix(node);
      statements.push(
        { Sid: 'UseTempDir', Effect: 'Allow', Action: [...GLUE_ASSET_ACTIONS.temp], Resource: sub(`arn:\${AWS::Partition}:s3:::\${${ASSET_PARAMETERS.bucket}}/\${${ASSET_PARAMETERS.prefix}}${escapeSub(temp)}*`) },
        { Sid: 'ListTempDir', Effect: 'Allow', Action: [...GLUE_ASSET_ACTIONS.listTemp], Resource: sub(`arn:\${AWS::Partition}:s3:::\${${ASSET_PARAMETERS.bucket}}`), Condition: { StringLike: { 's3:prefix': [sub(`\${${ASSET_PARAMETERS.prefix}}${escapeSub(temp)}*`)] } } },
      );
    }
    const groups = GLUE_LOG_GROUPS[r.type];
    const logGroupArn = (group: string) => sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${group}`);
    statements.push(
      { Sid: 'CreateGlueLogGroups', Effect: 'Allow', Action: [...GLUE_LOG_ACTIONS.group], Resource: groups.map(logGroupArn) },
      { Sid: 'WriteGlueLogs', Effect: 'Allow', Action: [...GLUE_LOG_ACTIONS.streams], Resource: groups.map((g) => sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${g}:log-stream:*`)) },
      ...stageStatements(ctx, grants),
    );
    const role = idOf(node, 'Role');
    ctx.add(node.name, role, paths.node(node, 'Role'), {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Role of ${node} in pipeline '${ctx.pipe.name}', stage '${ctx.stage}'`,
        AssumeRolePolicyDocument: GLUE_TRUST,
        Policies: [{ PolicyName: 'least-privilege', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
        Tags: ctx.tags(node),
      },
    }, {
      'sluice:grants': grants.map((g) => ({ node: g.node.name, use: g.use, reason: g.reason })),
      'sluice:wildcards': [{ sid: 'WriteGlueLogs', reason: GLUE_LOG_REASON }],
    });
    const modules = files.extraFiles.filter((f) => PYTHON_MODULE.test(f.key));
    const others = files.extraFiles.filter((f) => !PYTHON_MODULE.test(f.key));
    const buckets = Object.fromEntries(grants.map((g) => [g.node.name, ctx.physical(g.node as Bucket, 'Bucket')]).sort(([a], [b]) => a!.localeCompare(b!)));
    const args: Record<string, Str> = {
      ...r.arguments,
      '--job-language': 'python',
      // The flow reruns a job from the stages it reads; Glue's bookmarks would skip what a rerun must read again.
      '--job-bookmark-option': 'job-bookmark-disable',
      '--sluice-pipeline': ctx.pipe.name,
      '--sluice-stage': ctx.stage,
      '--sluice-buckets': JSON.stringify(buckets),
    };
    if (modules.length) args['--extra-py-files'] = assetUrls(modules);
    if (others.length) args['--extra-files'] = assetUrls(others);
    if (spark) args['--TempDir'] = sub(`s3://\${${ASSET_PARAMETERS.bucket}}/\${${ASSET_PARAMETERS.prefix}}${escapeSub(glueTempPrefix(node))}`);
    const id = idOf(node, 'Job');
    ctx.add(node.name, id, paths.node(node, 'Job'), {
      Type: 'AWS::Glue::Job',
      Properties: {
        Name: ctx.physical(node, 'Job'),
        Description: `${node} of pipeline '${ctx.pipe.name}', stage '${ctx.stage}'`,
        Role: getAtt(role, 'Arn'),
        // Python shell jobs on Glue 3.0 run Python 3.9; every other job here runs Python 3.
        Command: { Name: r.type, ScriptLocation: assetUrl(files.script), PythonVersion: !spark && r.glueVersion === '3.0' ? '3.9' : '3' },
        DefaultArguments: Object.fromEntries(Object.entries(args).sort(([a], [b]) => a.localeCompare(b))),
        GlueVersion: r.glueVersion,
        ...(spark ? { WorkerType: r.workerType, NumberOfWorkers: r.workers } : { MaxCapacity: r.maxCapacity }),
        Timeout: r.timeoutMinutes,
        // The state machine retries a failed run as the user declared; Glue's own retries would multiply them.
        MaxRetries: 0,
        // A flow runs one execution at a time, so one run of its job at a time.
        ExecutionProperty: { MaxConcurrentRuns: 1 },
        Tags: Object.fromEntries(ctx.tags(node).map((t) => [t.Key, t.Value])),
      },
    }, {
      'sluice:assets': [files.script, ...files.extraFiles].map((f) => ({ key: f.key, source: f.source })),
      'sluice:optOuts': [{ rule: 'GLUE-1', reason: "no SecurityConfiguration: the stages are S3 buckets encrypted with SSE-S3 (S3-3), which Glue's writes keep; SSE-KMS from a security configuration would need kms:Decrypt on every step that reads the stage, and job bookmarks are off" }],
    });
    ctx.output(node.name, id, { Description: `${node}: Glue job name`, Value: ref(id) });
  },
};

/** An uploaded file's S3 URL, as Glue takes a script location. */
function assetUrl(file: FileAsset): Str {
  return sub(`s3://\${${ASSET_PARAMETERS.bucket}}/\${${ASSET_PARAMETERS.prefix}}${escapeSub(file.key)}`);
}

/** Several files' S3 URLs, comma-separated, as Glue's `--extra-*` arguments take them. */
function assetUrls(files: FileAsset[]): Str {
  return sub(files.map((f) => `s3://\${${ASSET_PARAMETERS.bucket}}/\${${ASSET_PARAMETERS.prefix}}${escapeSub(f.key)}`).join(','));
}

/** The ARN of one uploaded file. */
function assetObjectArn(file: FileAsset): Str {
  return sub(`arn:\${AWS::Partition}:s3:::\${${ASSET_PARAMETERS.bucket}}/\${${ASSET_PARAMETERS.prefix}}${escapeSub(file.key)}`);
}
