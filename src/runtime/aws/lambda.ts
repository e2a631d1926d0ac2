/**
 * The Lambda entry of a sluice handler: `lambdaHandler(userModule)` turns a module exporting a
 * `component`/`source`/`sink` into the function Lambda calls. S3, SQS, SNS and EventBridge events
 * become the same inputs the local engine gives; outputs are written with the AWS SDK; an SQS batch
 * reports its failing records in `batchItemFailures` (the event source mapping enables
 * ReportBatchItemFailures). A module that exports a plain Lambda handler is returned as is.
 * Synth bundles this file with each handler (src/cloud/synth/assets.ts).
 */
import { InputError } from '../../model/errors.js';
import { invokeHandler, resolveHandler } from '../invoke.js';
import { bindingsFromEnv } from './bindings-env.js';
import { awsStepIo, createClients, writeOutputs, type AwsClients } from './io.js';

/** The part of Lambda's context object a step uses. */
export interface LambdaContext {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** A Lambda handler function. */
export type LambdaFunction = (event: unknown, context: LambdaContext) => Promise<unknown>;

/**
 * Wrap a handler module for Lambda.
 * @example export const handler = lambdaHandler(await import('./handlers/copy.js'));
 */
export function lambdaHandler(userModule: Record<string, unknown>, options: { env?: NodeJS.ProcessEnv; clients?: AwsClients } = {}): LambdaFunction {
  const resolved = resolveHandler(userModule);
  if (!resolved) {
    throw new InputError('SLUICE_E_HANDLER_EXPORT', "the handler module exports neither a default component()/source()/sink() nor a 'handler' function");
  }
  if (resolved.kind === 'lambda') return async (event, context) => resolved.handler(event, context);
  const env = options.env ?? process.env;
  const deployed = bindingsFromEnv(env);
  let clients = options.clients;
  return async (event, context) => {
    clients ??= createClients(env);
    const outcome = await invokeHandler(resolved, {
      event,
      requestId: context.awsRequestId,
      deadline: Date.now() + context.getRemainingTimeInMillis(),
      bindings: deployed.step,
      io: awsStepIo(clients, deployed.resources),
      nodeNameOf: deployed.nodeNameOf,
    });
    // ctx.log lines as JSON, one per line: CloudWatch Logs Insights reads their fields.
    for (const line of outcome.logs) console.log(JSON.stringify(line));
    for (const f of outcome.failedRecords) {
      const e = f.error as Error;
      console.error(JSON.stringify({ level: 'error', node: deployed.step.node, requestId: context.awsRequestId, record: f.recordId, errorType: e?.name, errorMessage: e?.message, stack: e?.stack }));
    }
    // Written before returning: if a write fails, the invocation fails and its input is retried.
    await writeOutputs(clients, deployed.resources, outcome.outputs);
    return outcome.response ?? undefined;
  };
}
