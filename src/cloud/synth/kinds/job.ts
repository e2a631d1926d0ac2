/**
 * `job` -> a Lambda function the flow's state machine invokes synchronously, built as a function's
 * is (the content-hashed bundle, Node.js 22 on arm64, its own log group with retention, active
 * tracing, an environment encrypted with the pipeline key and carrying its bindings and config), with
 * its own role holding exactly the stages its edges name: `ListBucket` on a stage it reads and
 * `GetObject` on its objects, `PutObject` on the objects of a stage it writes. Nothing invokes it
 * asynchronously, so it has no event source, no on-failure destination and no invoke permission:
 * Step Functions calls it with the state machine's role.
 */
import { forBundling } from '../../../bundling/source-ext.js';
import { missingHandlerFile } from '../../../bundling/handler-file.js';
import type { Problem } from '../../../model/errors.js';
import type { Job } from '../../../model/job.js';
import { secretsIn } from '../../../model/secret.js';
import { LOG_ACTIONS, STORE_ACTIONS, TRACING_ACTIONS } from '../actions.js';
import { bindingsOf, bindingsValue, SLUICE_ENV } from '../bindings.js';
import { keyArn } from '../encryption.js';
import { LAMBDA_TRUST, TRACING_REASON } from '../iam.js';
import { idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { logStreamsArn } from '../policies.js';
import { jobGrants, stageStatements } from '../stage-grants.js';
import { parameterArn } from '../stores.js';
import { getAtt, ref, sub, type Statement } from '../template.js';
import { ASSET_PARAMETERS, LAMBDA_RUNTIME, SECRET_NAME, SECRET_VALUE, configProblems } from './fn.js';
import { addLogGroup } from '../log-group.js';

export const jobSynth: KindSynth<Job> = {

  names: (node, ctx) => [
    { what: 'Lambda function name', name: ctx.physical(node, 'Function'), max: 64, node: node.name },
  ],

  problems(node, ctx) {
    const problems: Problem[] = [];
    const missing = missingHandlerFile(node);
    if (missing) problems.push(missing);
    for (const [key, value] of Object.entries(node.resolved.environment)) {
      if (key.startsWith('SLUICE_') || !/^[a-zA-Z]\w+$/.test(key)) problems.push({ code: 'SLUICE_E_FN_ENVIRONMENT', node: node.name, field: `environment.${key}`, message: `${node}: environment variable '${key}' must start with a letter, hold only letters, digits and underscores, and not start with SLUICE_ (reserved); rename it` });
      if (SECRET_NAME.test(key) || SECRET_VALUE.test(String(value))) problems.push({ code: 'SLUICE_E_SECRET_IN_TEMPLATE', node: node.name, field: `environment.${key}`, message: `${node}: environment variable '${key}' looks like a secret, and environment values are stored in the template in plain text (sluice's security rule X-2); put it in its config as secret('/path') instead` });
    }
    problems.push(...configProblems(node, ctx.stage));
    return problems;
  },

  grantResources: () => [],

  synthesize(node, ctx) {
    const r = node.resolved;
    const grants = jobGrants(ctx, node);
    const logGroup = addLogGroup(ctx, node);
    const config = node.configFor(ctx.stage);
    const secrets = [...new Set(secretsIn(config).map((s) => s.path))].sort();
    const statements: Statement[] = [
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: [...LOG_ACTIONS], Resource: logStreamsArn(ctx.physical(node, 'LogGroup')) },
      ...stageStatements(ctx, grants),
    ];
    if (secrets.length) statements.push({ Sid: 'ReadSecrets', Effect: 'Allow', Action: [...STORE_ACTIONS.readSecrets], Resource: secrets.length === 1 ? parameterArn(secrets[0]!) : secrets.map(parameterArn) });
    statements.push({ Sid: 'Tracing', Effect: 'Allow', Action: [...TRACING_ACTIONS], Resource: '*' });
    const role = idOf(node, 'Role');
    ctx.add(node.name, role, paths.node(node, 'Role'), {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Execution role of ${node} in pipeline '${ctx.pipe.name}', stage '${ctx.stage}'`,
        AssumeRolePolicyDocument: LAMBDA_TRUST,
        Policies: [{ PolicyName: 'least-privilege', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
        Tags: ctx.tags(node),
      },
    }, {
      'sluice:grants': grants.map((g) => ({ node: g.node.name, use: g.use, reason: g.reason })),
      ...(secrets.length ? { 'sluice:stores': [{ sid: 'ReadSecrets', reason: `reads the secrets its config references: ${secrets.join(', ')}` }] } : {}),
      'sluice:unscoped': [{ sid: 'Tracing', actions: [...TRACING_ACTIONS], reason: TRACING_REASON }],
    });
    const asset = ctx.assets.get(node.name)!;
    const variables: Record<string, string> = {
      ...r.environment,
      [SLUICE_ENV.pipeline]: ctx.pipe.name,
      [SLUICE_ENV.stage]: ctx.stage,
      [SLUICE_ENV.node]: node.name,
      [SLUICE_ENV.version]: asset.hash,
      // secret('/path') values stay references, read from SSM when the job starts.
      ...(Object.keys(config).length ? { [SLUICE_ENV.config]: JSON.stringify(config) } : {}),
    };
    const id = idOf(node, 'Function');
    ctx.add(node.name, id, paths.node(node, 'Function'), {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: ctx.physical(node, 'Function'),
        Description: `${node} of pipeline '${ctx.pipe.name}', stage '${ctx.stage}'`,
        Runtime: LAMBDA_RUNTIME,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Code: { S3Bucket: ref(ASSET_PARAMETERS.bucket), S3Key: sub(`\${${ASSET_PARAMETERS.prefix}}${asset.hash}.zip`) },
        Role: getAtt(role, 'Arn'),
        MemorySize: r.memoryMb,
        Timeout: r.timeoutSeconds,
        Environment: { Variables: { ...variables, [SLUICE_ENV.bindings]: bindingsValue(bindingsOf(ctx, node, grants)) } },
        KmsKeyArn: keyArn(),
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: ref(logGroup) },
        Tags: ctx.tags(node),
      },
    }, {
      'sluice:asset': { hash: asset.hash, handler: forBundling(asset.handler) },
      'sluice:optOuts': [{ rule: 'L-4', reason: `${node} is invoked only by its flow's state machine, once per attempt of an execution, so it reserves no concurrency` }],
    });
    ctx.output(node.name, id, { Description: `${node}: function name`, Value: ref(id) });
  },
};
