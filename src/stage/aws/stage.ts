/**
 * An AWS stage: the Stage interface over a deployed stack, through the AWS SDK. Nodes are found by
 * their path in the deployed templates, so a command reaches exactly the resource the stack holds;
 * what each kind does lives in `kinds/` (through the registry), dead letters are read the same way for
 * every kind that has them (its dead-letter part, from the model), and a stage that is not deployed,
 * or a node it does not have, is reported with the fix.
 */
import type { Bucket } from '../../model/bucket.js';
import type { Topic } from '../../model/topic.js';
import { DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { AWS_OUTBOX_NOTE, notifyNodes, type OutboxReport, type OutboxSubscription } from '../outbox.js';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { InputError } from '../../model/errors.js';
import type { ExecutionDetail, ExecutionSummary, FiredSchedule, FireOptions, StartedExecution, TriggerOptions } from '../stage.js';
import { fireSchedule } from './fire.js';
import { kindOf, type PartOf } from '../../model/kinds.js';
import { arnOf, arnShape, partName, physicalBase, primaryPart } from '../../model/resources.js';
import { partitionOf } from '../../cloud/deploy/preflight.js';
import { invokeEvent } from '../invoke-event.js';
import { nodeFor } from '../../model/lookup.js';
import type { AnyNode, Kind } from '../../model/node.js';
import type { Pipeline } from '../../model/pipeline.js';
import type { IngestionStep } from '../../envelope/ingestion-step.js';
import { INGESTION_ID_METADATA, noLineageMessage, walkLineageAsync, type Lineage } from '../../envelope/lineage.js';
import { openSession, type AwsSession } from '../../cloud/deploy/aws.js';
import { deployedNodes, type DeployedNode, type NodeResource } from '../../cloud/deploy/deployed.js';
import { DEPLOY_CODES, DeployError, explainAwsError, isNotFound } from '../../cloud/deploy/errors.js';
import { describeStack, outputsOf } from '../../cloud/deploy/stack.js';
import { lineageTableName, stackName as stackNameOf } from '../../cloud/synth/names.js';
import { deadLetterOf } from '../dead-letters.js';
import type { NodeActivity, DeadLetter, InvocationReport, InvokeInput, InvokeOptions, ObjectInfo, ObjectToPut, QueueMessage, Stage, StageStatus, StoredObject, TableItems } from '../stage.js';
import type { AwsStageContext, KindAws } from './kind.js';
import { KIND_AWS } from './registry.js';
import { attributesText, depth, peek, receiveBatch, sentAt } from './sqs.js';

type StackDescription = Awaited<ReturnType<typeof describeStack>>;

/** A deployed stage. */
export class AwsStage implements Stage, AwsStageContext {
  readonly lineageTable: string;

  private constructor(
    readonly pipeline: Pipeline,
    readonly name: string,
    readonly aws: AwsSession,
    readonly account: string,
    readonly stackName: string,
    private readonly stack: StackDescription,
    private readonly nodes: Map<string, DeployedNode>,
    private readonly other: NodeResource[],
    /** How long a queued trigger waits between two looks at the running execution. */
    readonly pollMs: number,
  ) {
    this.lineageTable = lineageTableName(pipeline.name, name);
  }

  /** The stage's name (what `AwsStageContext` calls it). */
  get stage(): string {
    return this.name;
  }

  /**
   * Open a stage. A stage that is not deployed opens (its status says so); reaching one of its
   * resources fails with SLUICE_E_DEPLOY_NOT_DEPLOYED and the deploy command to run.
   * @example const stage = await AwsStage.open(pipe, 'dev'); await stage.list('raw')
   */
  static async open(pipe: Pipeline, stage: string, options: { aws?: AwsSession; pollMs?: number } = {}): Promise<AwsStage> {
    const aws = options.aws ?? (await openSession());
    const { account } = await aws.identity();
    const name = stackNameOf(pipe.name, stage);
    const stack = await describeStack(aws, name);
    const usable = stack && stack.StackStatus !== 'REVIEW_IN_PROGRESS' && stack.StackStatus !== 'ROLLBACK_COMPLETE';
    const { nodes, other } = usable ? await deployedNodes(aws, pipe, name) : { nodes: new Map<string, DeployedNode>(), other: [] };
    return new AwsStage(pipe, stage, aws, account, name, usable ? stack : undefined, nodes, other, options.pollMs ?? 5_000);
  }

  /** Hints for people: commands to run against this stage take `--stage NAME`. */
  get commandSuffix(): string {
    return ` --stage ${this.name}`;
  }

  get label(): string {
    return ` on stage '${this.name}'`;
  }

  get afterWrite(): string {
    return `the deployed pipeline processes them as they arrive; see its progress with: sluice status --stage ${this.name}`;
  }

  physical<K extends Kind>(node: AnyNode & { kind: K }, part: PartOf<K>): string {
    // Existing resources are not in the stack: their own name (a bucket) or ARN (a topic, addressed by ARN).
    if (node.kind === 'bucket' && (node as unknown as Bucket).existingName !== undefined) return (node as unknown as Bucket).existingName!;
    if (node.kind === 'topic' && (node as unknown as Topic).existingArn !== undefined) return (node as unknown as Topic).existingArn!;
    if (!this.stack) {
      throw new DeployError(DEPLOY_CODES.notDeployed, `stage '${this.name}' of pipeline '${this.pipeline.name}' is not deployed (no stack '${this.stackName}' in account ${this.account}, region ${this.aws.region}); deploy it with: sluice deploy --stage ${this.name}`, { stack: this.stackName });
    }
    const id = this.nodes.get(node.name)?.resources.find((r) => r.part === part)?.physicalId;
    if (!id) throw new DeployError(DEPLOY_CODES.notDeployed, `${node} is not deployed in stage '${this.name}' (the stack has no ${node.name}/${part}); deploy the current pipeline with: sluice deploy --stage ${this.name}`, { stack: this.stackName });
    return id;
  }

  async put(bucket: string, objects: Iterable<ObjectToPut>): Promise<string[]> {
    return KIND_AWS.bucket.objects!.put(this, this.node(bucket, 'objects'), objects);
  }

  async list(bucket: string, prefix = ''): Promise<ObjectInfo[]> {
    return KIND_AWS.bucket.objects!.list(this, this.node(bucket, 'objects'), prefix);
  }

  async get(bucket: string, key: string): Promise<StoredObject> {
    return KIND_AWS.bucket.objects!.get(this, this.node(bucket, 'objects'), key);
  }

  async send(target: string, body: string, attributes: Record<string, string | number> = {}): Promise<{ messageId: string }> {
    const node = this.node(target, 'send');
    return { messageId: await this.kind(node).send!(this, node, body, attributes) };
  }

  async messages(queue: string): Promise<QueueMessage[]> {
    const node = this.node(queue, 'messages');
    return this.kind(node).messages!(this, node);
  }

  async deadLetters(node: string): Promise<DeadLetter[]> {
    const n = this.node(node, 'deadLetters');
    const { part, record } = kindOf(n).deadLetters!;
    const messages = await peek(this.aws, this.physical(n, part as never), 'reading dead letters');
    return messages.map((m) => deadLetterOf(record, {
      id: m.MessageId!, body: m.Body ?? '', sentAt: sentAt(m), attributes: attributesText(m),
      ...(m.Attributes?.ApproximateReceiveCount ? { receiveCount: Number(m.Attributes.ApproximateReceiveCount) } : {}),
    }));
  }

  async redrive(node: string): Promise<number> {
    const n = this.node(node, 'deadLetters');
    const url = this.physical(n, kindOf(n).deadLetters!.part as never);
    let moved = 0;
    for (;;) {
      // Hidden while they move: a crash half-way leaves them in the DLQ, to be redriven again.
      const batch = await receiveBatch(this.aws, url, 60, 'reading dead letters');
      if (batch.length === 0) return moved;
      await this.kind(n).redrive!(this, n, batch);
      await this.aws.call(`removing redriven messages of '${node}'`, () => this.aws.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) })));
      moved += batch.length;
    }
  }

  /**
   * The lineage of an object: its `ingestion-id` from its S3 user metadata, each ingestion step from
   * the stage's lineage table (one item per execution, keyed by `ingestionId`).
   */
  async lineage(bucket: string, key: string): Promise<Lineage> {
    const metadata = await KIND_AWS.bucket.objects!.metadata(this, this.node(bucket, 'objects'), key);
    const id = metadata?.[INGESTION_ID_METADATA];
    if (!id) throw new InputError('SLUICE_E_NO_LINEAGE', noLineageMessage(bucket, key), { node: bucket, field: 'key', given: key });
    return walkLineageAsync(bucket, key, id, (ingestionId) => this.ingestionStep(ingestionId));
  }

  /** One execution's ingestion step, from the stage's lineage table. */
  async ingestionStep(ingestionId: string): Promise<IngestionStep | undefined> {
    const documents = DynamoDBDocumentClient.from(this.aws.dynamodb);
    try {
      const out = await documents.send(new GetCommand({ TableName: this.lineageTable, Key: { ingestionId } }));
      return out.Item as IngestionStep | undefined;
    } catch (error) {
      if (isNotFound(error)) throw new DeployError(DEPLOY_CODES.notDeployed, `stage '${this.name}' has no lineage table '${this.lineageTable}': no deployed step records lineage, or the stage was deployed by an older sluice; redeploy with: sluice deploy --stage ${this.name}`, { stack: this.stackName, field: 'lineageTable', given: this.lineageTable });
      throw explainAwsError(error, `reading ingestion step ${ingestionId} from the lineage table '${this.lineageTable}'`, this.aws);
    }
  }

  async deleteObjects(bucket: string, keys: readonly string[]): Promise<number> {
    const node = this.node(bucket, 'objects');
    if (keys.length) await KIND_AWS.bucket.objects!.delete(this, node, keys);
    return keys.length;
  }

  table(name: string): TableItems {
    const node = this.node(name, 'items');
    return this.kind(node).items!(this, node);
  }

  /**
   * Invoke the deployed function (Lambda's Invoke, synchronously) on the event the input builds, with
   * the stage's physical names in it. Only with `deliver`: a deployed function writes its outputs
   * itself, so nothing can keep them back (SLUICE_E_INVOKE_DELIVERS).
   */
  async invoke(fn: string, input: InvokeInput, options: InvokeOptions = {}): Promise<InvocationReport> {
    const node = this.node(fn, 'invoke');
    if (!options.deliver) {
      throw new InputError('SLUICE_E_INVOKE_DELIVERS', `${node} on stage '${this.name}' writes its outputs itself when invoked (the deployed function puts its objects and sends its messages), so they cannot be shown without being delivered as they are locally; invoke it with --deliver to run it for real, or without --stage to see its outputs on the local engine`, { node: node.name, field: 'deliver', given: false, expected: 'true on an AWS stage' });
    }
    const scope = { partition: partitionOf(this.aws.region), region: this.aws.region, account: this.account };
    const event = await invokeEvent(this.pipeline, node, input, {
      region: this.aws.region,
      now: () => Date.now(),
      bucketName: (b) => this.physical(b, 'Bucket'),
      // A queue's physical id is its URL, whose last segment is its name.
      queueArn: (q) => arnOf(arnShape('queue', 'Queue')!, this.physical(q, 'Queue').split('/').pop()!, scope),
      topicArn: (t) => this.physical(t, 'Topic'),
      head: (b, key) => KIND_AWS.bucket.objects!.head(this, b, key),
    });
    const report = await this.kind(node).invoke!(this, node, event);
    return { fn: node.name, event, ...report, delivered: true };
  }

  async status(): Promise<StageStatus> {
    const stack = this.stack;
    const nodes = await Promise.all([...this.nodes.values()].sort((a, b) => a.node.localeCompare(b.node)).map(async (d) => {
      const node = this.pipeline.node(d.node);
      const status: StageStatus['nodes'][number] = { node: d.node, kind: d.kind ?? '', resources: d.resources };
      if (!node) return status;
      // The parts in the kind's own order (the stack lists them by logical id: a queue's Dlq first).
      const parts = Object.keys(kindOf(node).parts);
      const rank = (part: string) => (parts.includes(part) ? parts.indexOf(part) : parts.length);
      status.resources = [...d.resources].sort((a, b) => rank(a.part) - rank(b.part));
      const queue = await this.kind(node).depth?.(this, node);
      if (queue) {
        status.queue = queue;
        status.holding = { messages: primaryPart(node.kind) };
      }
      const letters = kindOf(node).deadLetters;
      const url = letters && d.resources.find((r) => r.part === letters.part)?.physicalId;
      if (url) {
        status.deadLetters = (await depth(this.aws, url))?.visible;
        status.holding = { ...status.holding, deadLetters: letters.part };
      }
      const subscriptions = await this.kind(node).subscriptions?.(this, node);
      if (subscriptions) status.subscriptions = subscriptions;
      return status;
    }));
    return {
      pipeline: this.pipeline.name,
      stage: this.name,
      deployed: stack !== undefined,
      where: `stack ${this.stackName} (account ${this.account}, ${this.aws.region})`,
      nodes,
      stack: {
        name: this.stackName, account: this.account, region: this.aws.region,
        ...(stack ? {
          status: stack.StackStatus!,
          ...(stack.StackStatusReason ? { reason: stack.StackStatusReason } : {}),
          updatedAt: (stack.LastUpdatedTime ?? stack.CreationTime ?? new Date()).toISOString(),
          outputs: outputsOf(stack),
        } : { outputs: {} }),
      },
      other: this.other,
    };
  }

  /** Start an execution of the flow's state machine, after its overlap check (`kinds/flow.ts`). */
  async trigger(flow: string, input?: unknown, options: TriggerOptions = {}): Promise<StartedExecution> {
    const node = this.node(flow, 'executions');
    return this.kind(node).executions!.start(this, node, input, options);
  }

  async fire(schedule: string, options: FireOptions = {}): Promise<FiredSchedule> {
    const node = this.node(schedule, 'fire');
    return fireSchedule(this, node, { partition: partitionOf(this.aws.region), region: this.aws.region, account: this.account }, options);
  }

  async outbox(name?: string): Promise<OutboxReport> {
    const subscriptions: OutboxSubscription[] = [];
    for (const n of notifyNodes(this.pipeline, name)) {
      for (const s of await KIND_AWS.notify.subscriptions!(this, n)) subscriptions.push({ notify: n.name, ...s });
    }
    return { emails: [], subscriptions, note: AWS_OUTBOX_NOTE };
  }

  async executions(flow: string, options: { limit?: number } = {}): Promise<ExecutionSummary[]> {
    const node = this.node(flow, 'executions');
    return this.kind(node).executions!.list(this, node, options.limit ?? 20);
  }

  async execution(flow: string, id: string): Promise<ExecutionDetail> {
    const node = this.node(flow, 'executions');
    return this.kind(node).executions!.describe(this, node, id);
  }

  async activity(node: string, options: { limit?: number } = {}): Promise<NodeActivity> {
    const fn = nodeFor(this.pipeline, node, 'logs', { commandSuffix: this.commandSuffix });
    const logGroup = partName('fn', 'LogGroup', physicalBase(this.pipeline.name, this.name, fn.name))!;
    const { logActivity } = await import('./activity.js');
    try {
      return await logActivity(this.aws, fn.name, logGroup, { limit: options.limit ?? 50 });
    } catch (error) {
      // A function never invoked has no log group yet: no invocations, not an error.
      if (isNotFound(error)) return { node: fn.name, invocations: [], timings: { count: 0 } };
      throw error;
    }
  }

  async close(): Promise<void> {}

  /** The node named for `op`, with the command to use on a node of another kind. */
  private node<O extends Parameters<typeof nodeFor>[2]>(name: string, op: O) {
    return nodeFor(this.pipeline, name, op, { commandSuffix: this.commandSuffix });
  }

  private kind<N extends AnyNode>(node: N): KindAws<N> {
    return KIND_AWS[node.kind] as unknown as KindAws<N>;
  }

  async pause(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}
