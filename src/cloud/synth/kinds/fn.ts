/**
 * `fn` -> a Lambda function (Node.js 22, arm64, the content-hashed bundle from the assets bucket)
 * with its own role (`iam.ts`), its own log group with retention, active tracing, an environment
 * encrypted with the pipeline key and carrying its bindings, stores and config (`bindings.ts`),
 * reserved concurrency when declared, and event source mappings for the queues it consumes. A function invoked
 * asynchronously (by a bucket, topic or schedule) gets an on-failure queue
 * `${pipeline}-${stage}-${fn}-failures` and an explicit retry configuration (docs/security-rules.md L-1..L-9).
 */
import { missingHandlerFile } from '../../../bundling/handler-file.js';
import { forBundling } from '../../../bundling/source-ext.js';
import { durationSeconds } from '../../../model/duration.js';
import type { ErrorCode, Problem } from '../../../model/errors.js';
import type { Fn } from '../../../model/fn.js';
import type { Job } from '../../../model/job.js';
import { isSecretRef } from '../../../model/secret.js';
import type { Edge } from '../../../model/node.js';
import { edgeDefinition, invokedAsync } from '../../../model/edges.js';
import type { Queue } from '../../../model/queue.js';
import type { Schedule } from '../../../model/schedule.js';
import type { Topic } from '../../../model/topic.js';
import { SEND_ACTION } from '../actions.js';
import { bindingsOf, bindingsValue, estimateEnvironmentBytes, functionVariables, SLUICE_ENV } from '../bindings.js';
import { SCRATCH, type SynthContext } from '../context.js';
import { topicArn as topicArnOf } from '../existing.js';
import { keyArn, keyFor } from '../encryption.js';
import { grantsFor, LAMBDA_TRUST, roleDocument } from '../iam.js';
import { edgeIds, idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { logicalStem } from '../names.js';
import { allowServiceDelivery, arnByName, denyInsecureTransport } from '../policies.js';
import { getAtt, ref, sub, type Statement, type Value } from '../template.js';
import { DLQ_RETENTION_SECONDS } from './queue.js';
import { addLogGroup } from '../log-group.js';

/** The Lambda runtime: Node.js 22 (nodejs20.x was deprecated on 2026-04-30; DESIGN.md). */
export const LAMBDA_RUNTIME = 'nodejs22.x';
/** Parameters of the template that locate function bundles. */
export const ASSET_PARAMETERS = { bucket: 'AssetsBucket', prefix: 'AssetsPrefix' } as const;

// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
const RESERVED_ENV = new Set(['_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR']);
const ENV_NAME = /^[a-zA-Z]\w+$/;
/** Names that say "secret": such values belong in `ctx.secret`, never in the template (docs/security-rules.md X-2). */
export const SECRET_NAME = /(secret|passw(or)?d|token|api[_-]?key|private[_-]?key|credential)/i;
/** Values that look like credentials whatever their name. */
export const SECRET_VALUE = /(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const ENV_LIMIT_BYTES = 4096;
/** Stands in for a bundle's sha256 (hex) before bundling, for the environment's size. */
const VERSION_PLACEHOLDER = '0'.repeat(64);

export const fnSynth: KindSynth<Fn> = {

  names: (node, ctx) => [
    { what: 'Lambda function name', name: ctx.physical(node, 'Function'), max: 64, node: node.name },
    ...(invokedAsync(ctx.pipe, node) ? [{ what: 'on-failure queue name', name: ctx.physical(node, 'Failures'), max: 80, node: node.name }] : []),
  ],

  problems(node, ctx) {
    const problems: Problem[] = [];
    const push = (field: string, message: string, code: ErrorCode = 'SLUICE_E_FN_ENVIRONMENT') => problems.push({ code, node: node.name, field, message: `${node}: ${message}` });
    // The same problem, in the same words, as on the local engine and in `sluice nodes`.
    const missing = node.handlerPath ? missingHandlerFile(node) : undefined;
    if (missing) problems.push(missing);
    const environment = node.resolved.environment;
    for (const [key, value] of Object.entries(environment)) {
      if (!ENV_NAME.test(key)) push(`environment.${key}`, `environment variable name '${key}' must start with a letter and hold only letters, digits and underscores`);
      else if (RESERVED_ENV.has(key) || key.startsWith(`SLUICE_`)) push(`environment.${key}`, `environment variable '${key}' is reserved (by Lambda, or by sluice for SLUICE_*); rename it`);
      if (SECRET_NAME.test(key) || SECRET_VALUE.test(String(value))) {
        push(`environment.${key}`, `environment variable '${key}' looks like a secret, and environment values are stored in the template in plain text (sluice's security rule X-2); read it with ctx.secret('${key.toLowerCase()}') instead`, 'SLUICE_E_SECRET_IN_TEMPLATE');
      }
    }
    problems.push(...configProblems(node, ctx.stage));
    const variables = functionVariables(ctx, node, ctx.assets.get(node.name)?.hash ?? VERSION_PLACEHOLDER);
    const bytes = estimateEnvironmentBytes(variables, bindingsOf(ctx, node, grantsFor(ctx, node)));
    if (bytes > ENV_LIMIT_BYTES) push('environment', `its environment needs about ${bytes} bytes (its variables, its config as SLUICE_STEP_CONFIG, the names of the stores it uses and SLUICE_BINDINGS for every node it uses), over Lambda's ${ENV_LIMIT_BYTES}; split the function, move large config values elsewhere or shorten names`);
    return problems;
  },

  grantResources: () => [],

  synthesize(node, ctx) {
    const name = ctx.physical(node, 'Function');
    const r = node.resolved;
    const async = invokedAsync(ctx.pipe, node);
    const grants = grantsFor(ctx, node);
    const logGroup = addLogGroup(ctx, node);
    if (async) addFailureQueue(ctx, node);
    const { document, unscoped, stores } = roleDocument(ctx, { fn: node, grants, hasFailureQueue: async });
    const role = idOf(node, 'Role');
    ctx.add(node.name, role, paths.node(node, 'Role'), {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Execution role of ${node} in pipeline '${ctx.pipe.name}', stage '${ctx.stage}'`,
        AssumeRolePolicyDocument: LAMBDA_TRUST,
        Policies: [{ PolicyName: 'least-privilege', PolicyDocument: document }],
        Tags: ctx.tags(node),
      },
    }, { 'sluice:grants': grants.map((g) => ({ node: g.node.name, use: g.use, reason: g.reason })), ...(stores.length ? { 'sluice:stores': stores } : {}), 'sluice:unscoped': unscoped });
    const bindings = bindingsOf(ctx, node, grants);
    const id = idOf(node, 'Function');
    const asset = ctx.assets.get(node.name)!;
    const optOuts: Value[] = [];
    if (r.concurrency === undefined) optOuts.push({ rule: 'L-4', reason: `${node} declares no concurrency, so it scales with the account's unreserved concurrency; declare fn({ concurrency }) to reserve some` });
    ctx.add(node.name, id, paths.node(node, 'Function'), {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: name,
        Description: `${node} of pipeline '${ctx.pipe.name}', stage '${ctx.stage}'`,
        Runtime: LAMBDA_RUNTIME,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Code: { S3Bucket: ref(ASSET_PARAMETERS.bucket), S3Key: sub(`\${${ASSET_PARAMETERS.prefix}}${asset.hash}.zip`) },
        Role: getAtt(role, 'Arn'),
        MemorySize: r.memoryMb,
        Timeout: r.timeoutSeconds,
        ...(r.concurrency !== undefined ? { ReservedConcurrentExecutions: r.concurrency } : {}),
        Environment: {
          Variables: { ...functionVariables(ctx, node, asset.hash), [SLUICE_ENV.bindings]: bindingsValue(bindings) },
        },
        KmsKeyArn: keyArn(),
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: ref(logGroup) },
        Tags: ctx.tags(node),
      },
    },
    // A built-in handler is named by the file bundled (dist/ when fresh), the same in every process.
    { 'sluice:asset': { hash: asset.hash, handler: forBundling(asset.handler) }, ...(optOuts.length ? { 'sluice:optOuts': optOuts } : {}) });
    if (async) {
      ctx.add(node.name, idOf(node, 'InvokeConfig'), paths.node(node, 'InvokeConfig'), {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: ref(id),
          Qualifier: '$LATEST',
          MaximumRetryAttempts: r.retryAttempts,
          MaximumEventAgeInSeconds: r.maxEventAgeSeconds,
          DestinationConfig: { OnFailure: { Destination: getAtt(idOf(node, 'Failures'), 'Arn') } },
        },
      });
    }
    for (const edge of ctx.incoming(node)) if (edgeDefinition(edge)?.invokes === 'poll') addMapping(ctx, node, edge);
    ctx.output(node.name, id, { Description: `${node}: function name`, Value: ref(id) });
  },
};

/**
 * Problems with a function's config in a stage: it travels in the template (`SLUICE_STEP_CONFIG`), so
 * a value that looks like a secret (by its key or its text) must be a `secret('/path')` (docs/security-rules.md X-2).
 * @example configProblems(fetch, 'prod') // [] when apiKey is secret('/incidents/api-key')
 */
export function configProblems(fn: Fn | Job, stage: string): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, key: string, name: string): void => {
    if (isSecretRef(value)) return;
    if (typeof value === 'string') {
      if (!SECRET_VALUE.test(value) && !(SECRET_NAME.test(name) && value !== '')) return;
      problems.push({ code: 'SLUICE_E_SECRET_IN_TEMPLATE', node: fn.name, field: `config.${key}`, message: `${fn}: config key '${key}' looks like a secret in stage '${stage}', and config is stored in the template in plain text (SLUICE_STEP_CONFIG, sluice's security rule X-2); put the value in SSM Parameter Store and reference it: ${key.split('.').pop()}: secret('/path')` });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${key}.${i}`, name));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, key ? `${key}.${k}` : k, k);
    }
  };
  visit(fn.configFor(stage), '', '');
  return problems;
}


/** The function's on-failure queue: Lambda's destination, and the DLQ of SNS subscriptions and EventBridge targets. */
function addFailureQueue(ctx: SynthContext, fn: Fn): void {
  const id = idOf(fn, 'Failures');
  ctx.add(fn.name, id, paths.node(fn, 'Failures'), {
    Type: 'AWS::SQS::Queue',
    ...SCRATCH,
    Properties: {
      QueueName: ctx.physical(fn, 'Failures'),
      MessageRetentionPeriod: DLQ_RETENTION_SECONDS,
      KmsMasterKeyId: keyFor(ctx, fn, 'Failures', 'alias/aws/sqs'),
      Tags: ctx.tags(fn),
    },
  });
  const arn = getAtt(id, 'Arn');
  const statements: Statement[] = [denyInsecureTransport('sqs', [arn])];
  for (const edge of ctx.incoming(fn)) {
    const stem = logicalStem(edge.from.name);
    if (edge.from.kind === 'topic') statements.push(allowServiceDelivery(`AllowSnsFrom${stem}`, 'sns', SEND_ACTION, arn, topicArnOf(ctx, edge.from as Topic), false));
    if (edge.from.kind === 'schedule') statements.push(allowServiceDelivery(`AllowEventsFrom${stem}`, 'events', SEND_ACTION, arn, arnByName('schedule', 'Rule', ctx.physical(edge.from as Schedule, 'Rule')), false));
  }
  ctx.add(fn.name, idOf(fn, 'FailuresPolicy'), paths.node(fn, 'FailuresPolicy'), {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: { Queues: [ref(id)], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
  });
}

/** The event source mapping of a queue feeding the function: batches, partial batch failures (L-9). */
function addMapping(ctx: SynthContext, fn: Fn, edge: Edge): void {
  const concurrency = fn.resolved.concurrency;
  ctx.add(fn.name, edgeIds.mapping(edge), paths.edge(edge, 'Mapping'), {
    Type: 'AWS::Lambda::EventSourceMapping',
    Properties: {
      EventSourceArn: getAtt(idOf(edge.from as Queue, 'Queue'), 'Arn'),
      FunctionName: ref(idOf(fn, 'Function')),
      Enabled: true,
      BatchSize: edge.options.batchSize ?? 10,
      MaximumBatchingWindowInSeconds: edge.options.maxBatchingWindow === undefined ? 0 : durationSeconds(edge.options.maxBatchingWindow) ?? 0,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // Keep pollers within the reserved concurrency, or Lambda throttles batches back to the queue.
      ...(concurrency !== undefined && concurrency >= 2 ? { ScalingConfig: { MaximumConcurrency: concurrency } } : {}),
      Tags: ctx.tags(fn),
    },
  });
}
