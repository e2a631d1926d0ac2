/**
 * `sluice worker <node> --stage NAME`: a function's step run as a long-running poller of its input
 * queue on a deployed stage (Pylon's run-forever container mode), with the same handler file, the same
 * Lambda entry (`lambdaHandler`) and the same bindings as the deployed function: its environment is
 * read from the function's configuration, so outputs, payload offload, lineage, idempotency, config
 * and secrets go where the Lambda's would.
 *
 * Each receive of up to 10 messages becomes one SQS event, shaped as Lambda's event source mapping
 * delivers it; the messages the step reports in `batchItemFailures` (or all of them when the whole
 * invocation fails) are left in the queue, so they come back after the visibility timeout and end in
 * the queue's DLQ after its maxReceiveCount, exactly as under Lambda. The rest are deleted.
 *
 * A worker and the function's own event source mapping share the queue when both run: each message
 * goes to one of them.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { InputError } from '../../model/errors.js';
import type { Fn } from '../../model/fn.js';
import type { Queue } from '../../model/queue.js';
import { lambdaHandler, type LambdaFunction } from '../../runtime/aws/lambda.js';
import { sqsEventRecord } from '../../runtime/aws/sqs-event.js';
import type { AwsStage } from './stage.js';
import { nodeFor } from '../../model/lookup.js';
import { importUserModule } from '../../bundling/user-code.js';
import { missingHandlerFile } from '../../bundling/handler-file.js';
import { isRoute } from '../../model/route.js';

// A worker that stops when its queue is empty would otherwise sit out a whole 20 s long poll to learn
// it. One second still long-polls: SQS then asks every server holding the queue, where a short poll
// (0 s) samples some of them and may answer "empty" while messages wait (SQS developer guide,
// "Amazon SQS short and long polling").
const UNTIL_EMPTY_WAIT_SECONDS = 1;

/** Options of `runWorker`. */
export interface WorkerOptions {
  /** Stop when a receive finds the queue empty (batch jobs, tests); otherwise poll until stopped. */
  untilEmpty?: boolean;
  /** Stop after this many messages were received. */
  maxMessages?: number;
  /** Long-poll wait of each receive, seconds (0-20). @default 20, or 1 with `untilEmpty` */
  waitSeconds?: number;
  /** Stops the worker between batches (and cuts a long poll short). */
  signal?: AbortSignal;
  /** Called after each batch. */
  onBatch?: (batch: WorkerBatch) => void;
  /** Where the handler's compiled bundle is cached. @default '.sluice/cache' in the working directory */
  cacheDir?: string;
}

/** One batch the worker ran. */
export interface WorkerBatch {
  queue: string;
  received: number;
  deleted: number;
  /** Messages left in the queue to be retried: reported in batchItemFailures, or all of an invocation that failed. */
  failed: string[];
  /** Why the whole invocation failed, when it did. */
  error?: string;
  ms: number;
}

/** What a worker did before it stopped. */
export interface WorkerSummary {
  node: string;
  stage: string;
  queues: string[];
  batches: number;
  received: number;
  deleted: number;
  failed: number;
  stoppedBecause: 'empty' | 'max-messages' | 'signal';
}

/** The queue a worker polls, with what Lambda's SQS event says of it. */
interface PolledQueue {
  node: string;
  url: string;
  arn: string;
  batchSize: number;
}

/**
 * Run a function's step against its input queue(s) until the queue is empty (`untilEmpty`), enough
 * messages were received, or `signal` aborts.
 * @example await runWorker(await AwsStage.open(pipe, 'dev'), 'transform', { untilEmpty: true });
 */
export async function runWorker(stage: AwsStage, node: string, options: WorkerOptions = {}): Promise<WorkerSummary> {
  const fn = functionOf(stage, node);
  const queues = await polledQueues(stage, fn);
  const { handler, timeoutMs } = await deployedHandler(stage, fn, options.cacheDir ?? join(process.cwd(), '.sluice', 'cache'));
  const summary: WorkerSummary = { node, stage: stage.name, queues: queues.map((q) => q.node), batches: 0, received: 0, deleted: 0, failed: 0, stoppedBecause: 'signal' };
  const wait = Math.max(0, Math.min(20, options.waitSeconds ?? (options.untilEmpty ? UNTIL_EMPTY_WAIT_SECONDS : 20)));
  for (;;) {
    let anything = false;
    for (const queue of queues) {
      if (options.signal?.aborted) return summary;
      const room = options.maxMessages === undefined ? 10 : options.maxMessages - summary.received;
      const messages = await receive(stage, queue, Math.min(10, queue.batchSize, room), wait, options.signal);
      if (messages.length === 0) continue;
      anything = true;
      const batch = await runBatch(stage, queue, messages, handler, timeoutMs);
      summary.batches++;
      summary.received += batch.received;
      summary.deleted += batch.deleted;
      summary.failed += batch.failed.length;
      options.onBatch?.(batch);
      if (options.maxMessages !== undefined && summary.received >= options.maxMessages) return { ...summary, stoppedBecause: 'max-messages' };
    }
    if (options.signal?.aborted) return summary;
    if (!anything && options.untilEmpty) return { ...summary, stoppedBecause: 'empty' };
  }
}

function functionOf(stage: AwsStage, node: string): Fn {
  return nodeFor(stage.pipeline, node, 'invoke');
}

async function polledQueues(stage: AwsStage, fn: Fn): Promise<PolledQueue[]> {
  const edges = stage.pipeline.incoming(fn).filter((e) => e.from.kind === 'queue');
  if (edges.length === 0) {
    const feeds = stage.pipeline.incoming(fn).map((e) => `${e.from.kind} '${e.from.name}'`);
    throw new InputError('SLUICE_E_WORKER_NO_QUEUE', `function '${fn.name}' is fed by ${feeds.join(', ') || 'nothing'}, not a queue, and a worker polls a queue; put a queue in front of it (for example bucket.to(queue).to(${fn.name})) and redeploy`);
  }
  return Promise.all(edges.map(async (e) => {
    const url = stage.physical(e.from as Queue, 'Queue');
    const attributes = await stage.aws.call(`reading queue '${e.from.name}'`, () => stage.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })));
    return { node: e.from.name, url, arn: attributes.Attributes?.QueueArn ?? '', batchSize: e.options.batchSize ?? 10 };
  }));
}

/**
 * The step as the deployed function runs it: the local handler file behind the Lambda entry, with
 * the function's environment (bindings, config, tables), so it writes where the function writes.
 * Also how `branch trigger` runs a branch's steps in process (src/branch/aws/replay.ts).
 * @example const { handler } = await deployedHandler(stage, copy, '.sluice/cache'); await handler(event, context);
 */
export async function deployedHandler(stage: AwsStage, fn: Fn, cacheDir: string, mode: 'run_once' | 'run_forever' = 'run_forever'): Promise<{ handler: LambdaFunction; timeoutMs: number }> {
  const name = stage.physical(fn, 'Function');
  const config = await stage.aws.call(`reading the configuration of function '${fn.name}' (${name})`, () => stage.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })));
  const env: NodeJS.ProcessEnv = {
    ...config.Environment?.Variables,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_REGION: stage.aws.region,
  };
  // The worker's own endpoint (an emulator) and Pylon's config overlay carry over from its shell.
  for (const key of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'SLUICE_CONFIG']) if (process.env[key] !== undefined) env[key] = process.env[key];
  let userModule: Record<string, unknown>;
  // A route's entry is generated from its pipelines (src/bundling/route-entry.ts) before it can load.
  const unprepared = isRoute(fn) ? missingHandlerFile(fn) : undefined;
  if (unprepared) throw new InputError(unprepared.code, unprepared.message, { node: fn.name, field: unprepared.field });
  try {
    // Compiled as the CLI compiles the pipeline file: TypeScript, with 'sluice' the CLI's own copy.
    userModule = await importUserModule(fn.handlerPath, cacheDir);
  } catch (error) {
    throw new InputError('SLUICE_E_HANDLER_LOAD', `function '${fn.name}': its handler '${fn.handlerPath}' failed to load: ${(error as Error).message}`, { node: fn.name, field: 'handler' });
  }
  const handler = lambdaHandler(userModule, { env, mode });
  return { handler, timeoutMs: (config.Timeout ?? fn.resolved.timeoutSeconds) * 1000 };
}

async function receive(stage: AwsStage, queue: PolledQueue, max: number, wait: number, signal?: AbortSignal): Promise<Message[]> {
  try {
    const out = await stage.aws.sqs.send(new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: Math.max(1, max),
      WaitTimeSeconds: wait,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }), signal ? { abortSignal: signal } : {});
    return out.Messages ?? [];
  } catch (error) {
    if (signal?.aborted) return [];
    return stage.aws.call(`receiving from queue '${queue.node}'`, () => Promise.reject(error));
  }
}

/** One SQS event through the step; the messages it did not fail are deleted. */
async function runBatch(stage: AwsStage, queue: PolledQueue, messages: Message[], handler: LambdaFunction, timeoutMs: number): Promise<WorkerBatch> {
  const started = Date.now();
  const event = { Records: messages.map((m) => sqsEventRecord(m, queue.arn, stage.aws.region)) };
  const context = { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => Math.max(0, started + timeoutMs - Date.now()) };
  let failed: string[];
  let error: string | undefined;
  try {
    const response = (await handler(event, context)) as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined;
    failed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
  } catch (e) {
    // The whole invocation failed: like Lambda, every message of the batch is retried.
    failed = messages.map((m) => m.MessageId!);
    error = (e as Error)?.message ?? String(e);
  }
  const done = messages.filter((m) => !failed.includes(m.MessageId!));
  for (let i = 0; i < done.length; i += 10) {
    const chunk = done.slice(i, i + 10);
    await stage.aws.call(`deleting processed messages from queue '${queue.node}'`, () => stage.aws.sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
    })));
  }
  return { queue: queue.node, received: messages.length, deleted: done.length, failed, ...(error !== undefined ? { error } : {}), ms: Date.now() - started };
}
