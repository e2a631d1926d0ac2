/**
 * The data commands on an AWS stage: the same `put`, `ls`, `cat`, `send` and `dlq list|redrive` as
 * on the local engine, against the stage's deployed stack. Nodes are found by their path in the
 * deployed templates, so a command reaches exactly the resource the stack holds, and a stage that
 * is not deployed, or a node it does not have, is reported with the fix.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, type MessageAttributeValue as SnsAttribute } from '@aws-sdk/client-sns';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type Message, type MessageAttributeValue as SqsAttribute } from '@aws-sdk/client-sqs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { InputError } from '../../model/errors.js';
import type { Pipeline } from '../../model/pipeline.js';
import { openSession, type AwsSession } from '../deploy/aws.js';
import { DEPLOY_CODES, DeployError, explainAwsError, isNotFound } from '../deploy/errors.js';
import { describeStack } from '../deploy/stack.js';
import { deployedNodes, type NodeStatus } from '../deploy/status.js';
import { stackName as stackNameOf } from '../synth/names.js';

/** An object listed in a bucket. */
export interface RemoteObject {
  key: string;
  size: number;
  eTag: string;
  lastModified: string;
}

/** A dead letter of a queue (its DLQ) or a function (its on-failure queue). */
export interface RemoteDeadLetter {
  id: string;
  body: string;
  sentAt: string;
  receiveCount?: number;
  attributes?: Record<string, string>;
}

/** Attribute values as the CLI takes them. */
export type Attributes = Record<string, string | number>;

/** A deployed stage, opened for data commands. */
export class RemoteStage {
  private constructor(
    readonly pipeline: Pipeline,
    readonly stage: string,
    readonly aws: AwsSession,
    private readonly nodes: Map<string, NodeStatus>,
  ) {}

  /**
   * Open a stage: its stack must exist.
   * @throws DeployError SLUICE_E_DEPLOY_NOT_DEPLOYED with the deploy command to run.
   * @example const stage = await RemoteStage.open(pipe, 'dev'); await stage.list('raw')
   */
  static async open(pipe: Pipeline, stage: string, options: { aws?: AwsSession } = {}): Promise<RemoteStage> {
    const aws = options.aws ?? (await openSession());
    const { account } = await aws.identity();
    const name = stackNameOf(pipe.name, stage);
    const stack = await describeStack(aws, name);
    if (!stack || stack.StackStatus === 'REVIEW_IN_PROGRESS' || stack.StackStatus === 'ROLLBACK_COMPLETE') {
      throw new DeployError(DEPLOY_CODES.notDeployed, `stage '${stage}' of pipeline '${pipe.name}' is not deployed (no stack '${name}' in account ${account}, region ${aws.region}); deploy it with: sluice deploy --stage ${stage}`, { stack: name });
    }
    const { nodes } = await deployedNodes(aws, pipe, name);
    return new RemoteStage(pipe, stage, aws, nodes);
  }

  /**
   * The physical id of a node's resource: `Bucket` (name), `Queue`/`Dlq` (URL), `Topic` (ARN),
   * `Function` (name), `Failures` (URL). Fails naming the node when the pipeline or stack lacks it.
   */
  physical(node: string, kind: string, part: string): string {
    const declared = this.pipeline.node(node);
    if (!declared || declared.kind !== kind) {
      const names = this.pipeline.nodesOf(kind as never).map((n: { name: string }) => n.name);
      throw new InputError('SLUICE_E_UNKNOWN_NODE', `${kind} '${node}' is not in pipeline '${this.pipeline.name}' (its ${kind}s: ${names.join(', ') || 'none'})`);
    }
    const id = this.nodes.get(node)?.resources.find((r) => r.part === part)?.physicalId;
    if (!id) throw new DeployError(DEPLOY_CODES.notDeployed, `${kind} '${node}' is not deployed in stage '${this.stage}' (the stack has no ${node}/${part}); deploy the current pipeline with: sluice deploy --stage ${this.stage}`);
    return id;
  }

  /** Put objects into a bucket. */
  async put(bucket: string, objects: Iterable<{ key: string; body: Uint8Array }>): Promise<string[]> {
    const name = this.physical(bucket, 'bucket', 'Bucket');
    const keys: string[] = [];
    for (const o of objects) {
      await this.aws.call(`putting '${o.key}' into bucket '${bucket}' (${name})`, () => this.aws.s3.send(new PutObjectCommand({ Bucket: name, Key: o.key, Body: o.body })));
      keys.push(o.key);
    }
    return keys;
  }

  /** List a bucket's objects under a prefix. */
  async list(bucket: string, prefix = ''): Promise<RemoteObject[]> {
    const name = this.physical(bucket, 'bucket', 'Bucket');
    const objects: RemoteObject[] = [];
    let token: string | undefined;
    do {
      const out = await this.aws.call(`listing bucket '${bucket}' (${name})`, () => this.aws.s3.send(new ListObjectsV2Command({ Bucket: name, Prefix: prefix || undefined, ContinuationToken: token })));
      for (const o of out.Contents ?? []) objects.push({ key: o.Key!, size: o.Size ?? 0, eTag: (o.ETag ?? '').replace(/"/g, ''), lastModified: (o.LastModified ?? new Date(0)).toISOString() });
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  /** Read an object. */
  async get(bucket: string, key: string): Promise<{ body: Buffer; size: number; eTag: string; lastModified: string; contentType?: string }> {
    const name = this.physical(bucket, 'bucket', 'Bucket');
    try {
      const out = await this.aws.s3.send(new GetObjectCommand({ Bucket: name, Key: key }));
      const body = Buffer.from(await out.Body!.transformToByteArray());
      return { body, size: body.byteLength, eTag: (out.ETag ?? '').replace(/"/g, ''), lastModified: (out.LastModified ?? new Date(0)).toISOString(), ...(out.ContentType ? { contentType: out.ContentType } : {}) };
    } catch (error) {
      if (isNotFound(error)) throw new InputError('SLUICE_E_NO_SUCH_KEY', `object '${key}' does not exist in bucket '${bucket}' (${name}); list the bucket with: sluice ls ${bucket} --stage ${this.stage}`);
      throw explainAwsError(error, `reading '${key}' from bucket '${bucket}'`, this.aws);
    }
  }

  /** Send a message to a queue, or publish it to a topic. */
  async send(target: string, body: string, attributes: Attributes = {}): Promise<{ messageId: string }> {
    const kind = this.pipeline.node(target)?.kind;
    if (kind === 'bucket') throw new InputError('SLUICE_E_UNKNOWN_NODE', `'${target}' is a bucket, not a queue or topic of pipeline '${this.pipeline.name}'; put a file into it with: sluice put ${target} FILE --stage ${this.stage}`);
    if (kind === 'topic') {
      const arn = this.physical(target, 'topic', 'Topic');
      const out = await this.aws.call(`publishing to topic '${target}'`, () => this.aws.sns.send(new PublishCommand({ TopicArn: arn, Message: body, MessageAttributes: snsAttributes(attributes) })));
      return { messageId: out.MessageId ?? '' };
    }
    if (kind !== 'queue') {
      const queues = this.pipeline.nodesOf('queue').map((n) => n.name);
      const topics = this.pipeline.nodesOf('topic').map((n) => n.name);
      throw new InputError('SLUICE_E_UNKNOWN_NODE', `'${target}' is not a queue or topic of pipeline '${this.pipeline.name}' (queues: ${queues.join(', ') || 'none'}; topics: ${topics.join(', ') || 'none'})`);
    }
    const url = this.physical(target, 'queue', 'Queue');
    const out = await this.aws.call(`sending to queue '${target}'`, () => this.aws.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageAttributes: sqsAttributes(attributes) })));
    return { messageId: out.MessageId ?? '' };
  }

  /** The dead-letter queue of a queue, or the on-failure queue of a function. */
  private deadLetterQueue(node: string): { url: string; kind: 'queue' | 'fn' } {
    const kind = this.pipeline.node(node)?.kind;
    if (kind === 'queue') return { url: this.physical(node, 'queue', 'Dlq'), kind };
    if (kind === 'fn') return { url: this.physical(node, 'fn', 'Failures'), kind };
    const queues = this.pipeline.nodesOf('queue').map((n) => n.name);
    const fns = this.pipeline.nodesOf('fn').map((n) => n.name);
    throw new InputError('SLUICE_E_NO_DLQ', `'${node}' has no dead-letter queue: only queues and functions do (queues: ${queues.join(', ') || 'none'}; functions: ${fns.join(', ') || 'none'})`);
  }

  /**
   * The dead letters of a queue or function, read without consuming them (received with a zero
   * visibility timeout, so they stay available; each read adds one to their receive count).
   */
  async deadLetters(node: string, max = 1000): Promise<RemoteDeadLetter[]> {
    const { url } = this.deadLetterQueue(node);
    const seen = new Map<string, RemoteDeadLetter>();
    for (let empty = 0; seen.size < max && empty < 2;) {
      const batch = await this.receive(url, 0);
      const fresh = batch.filter((m) => !seen.has(m.MessageId!));
      if (fresh.length === 0) empty++;
      for (const m of fresh) seen.set(m.MessageId!, letter(m));
    }
    return [...seen.values()];
  }

  /**
   * Send the dead letters back: a queue's to the queue, a function's failed events to the function
   * (an asynchronous invoke of the original event). Returns how many.
   */
  async redrive(node: string): Promise<number> {
    const { url, kind } = this.deadLetterQueue(node);
    const target = kind === 'queue' ? this.physical(node, 'queue', 'Queue') : this.physical(node, 'fn', 'Function');
    let moved = 0;
    for (;;) {
      // Hidden while they move: a crash half-way leaves them in the DLQ, to be redriven again.
      const batch = await this.receive(url, 60);
      if (batch.length === 0) return moved;
      if (kind === 'queue') {
        await this.aws.call(`redriving to queue '${node}'`, () => this.aws.sqs.send(new SendMessageBatchCommand({
          QueueUrl: target,
          Entries: batch.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '', ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length ? { MessageAttributes: m.MessageAttributes } : {}) })),
        })));
      } else {
        for (const m of batch) {
          const record = JSON.parse(m.Body ?? '{}') as { requestPayload?: unknown };
          await this.aws.call(`invoking function '${node}' again`, () => this.aws.lambda.send(new InvokeCommand({ FunctionName: target, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(record.requestPayload ?? {})) })));
        }
      }
      await this.aws.call(`removing redriven messages of '${node}'`, () => this.aws.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) })));
      moved += batch.length;
    }
  }

  private async receive(url: string, visibility: number): Promise<Message[]> {
    const out = await this.aws.call('reading dead letters', () => this.aws.sqs.send(new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: visibility,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    })));
    return out.Messages ?? [];
  }
}

function letter(m: Message): RemoteDeadLetter {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) attributes[k] = v.StringValue ?? '';
  return {
    id: m.MessageId!,
    body: m.Body ?? '',
    sentAt: new Date(Number(m.Attributes?.SentTimestamp ?? 0)).toISOString(),
    ...(m.Attributes?.ApproximateReceiveCount ? { receiveCount: Number(m.Attributes.ApproximateReceiveCount) } : {}),
    ...(Object.keys(attributes).length ? { attributes } : {}),
  };
}

function sqsAttributes(a: Attributes): Record<string, SqsAttribute> | undefined {
  const entries = Object.entries(a);
  if (!entries.length) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'number' ? { DataType: 'Number', StringValue: String(v) } : { DataType: 'String', StringValue: v }]));
}

function snsAttributes(a: Attributes): Record<string, SnsAttribute> | undefined {
  const entries = Object.entries(a);
  if (!entries.length) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, typeof v === 'number' ? { DataType: 'Number', StringValue: String(v) } : { DataType: 'String', StringValue: v }]));
}
