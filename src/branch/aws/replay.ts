/**
 * `branch trigger` on AWS: main's upstream objects replayed into the branch as the events AWS would
 * have sent (the events `invokeEvent` builds, with main's bucket, queue and topic names in them),
 * one per object, to the branch's own functions; job branches start the branch flow's state machine.
 *
 * Main is only read: its objects are listed and their events built from the listing, never sent
 * through main's queues or topics (receiving from main's queue would hide its messages from main and
 * count towards its DLQ). A branched queue fed by main's bucket gets the S3 event as S3 would send it.
 *
 * How an event reaches a branched function: `lambda` invokes the deployed function, asynchronously as
 * S3 does (`Event`), or synchronously with `wait` so failures are counted; `in-process` runs the
 * working tree's handler behind the Lambda entry with the deployed function's environment (as
 * `sluice worker` does), for emulators that run no Lambda code.
 */
import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CopyObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Bucket } from '../../model/bucket.js';
import type { Fn } from '../../model/fn.js';
import type { AnyNode, Edge } from '../../model/node.js';
import { s3EventPaths } from '../../model/permissions.js';
import type { Queue } from '../../model/queue.js';
import { objectCreatedEvent, sequencerFor } from '../../model/s3-event.js';
import type { Topic } from '../../model/topic.js';
import { arnOf, arnShape } from '../../model/resources.js';
import { partitionOf } from '../../cloud/deploy/preflight.js';
import { invokeEvent } from '../../stage/invoke-event.js';
import type { AwsStage } from '../../stage/aws/stage.js';
import { deployedHandler } from '../../stage/aws/worker.js';
import type { LambdaFunction } from '../../runtime/aws/lambda.js';
import { BranchError } from '../errors.js';
import type { BranchPlan } from '../plan.js';
import type { BranchTriggerOptions, BranchTriggerReport } from '../backend.js';
import { rootKeysIn, selectObjects, type ListedObject } from './select.js';

/** How replayed events reach the branch's functions (see the module comment). */
export type BranchRunner = 'lambda' | 'in-process';

/** Both stages a replay touches: main's (read) and the branch's (fed). */
export interface ReplayStages {
  main: AwsStage;
  branch: AwsStage;
  runner: BranchRunner;
  /** Where handler bundles are cached (in-process runs). */
  cacheDir: string;
  /** Events in flight at once. */
  concurrency: number;
}

/** One object to deliver to one branched node. */
interface Delivery {
  target: AnyNode;
  bucket: Bucket;
  object: ListedObject;
}

/**
 * Replay main's upstream data into a deployed branch; returns what was replayed, skipped and failed.
 * @throws BranchError SLUICE_E_BRANCH_AWS_MESSAGE_INPUT for an input main holds only as messages.
 */
export async function replay(plan: BranchPlan, stages: ReplayStages, options: BranchTriggerOptions): Promise<BranchTriggerReport> {
  const pipe = stages.branch.pipeline;
  const deliveries: Delivery[] = [];
  let skipped = 0;
  // One listing per bucket and filter set, whichever inputs it feeds.
  for (const { target, bucket, filters } of replaySources(plan, pipe)) {
    const physical = stages.main.physical(bucket, 'Bucket');
    const { picked, skipped: left } = await selectObjects(stages.main.aws, physical, filters, options, rootKeysIn(stages.main, bucket, physical), stages.concurrency);
    skipped += left;
    for (const object of picked) deliveries.push({ target, bucket, object });
  }
  await copyCoWritten(plan, stages);
  const report: BranchTriggerReport = { replayed: 0, skipped, failed: 0 };
  const deliver = await deliverer(stages, options.wait === true);
  let next = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++]!;
      const ok = await deliver(d);
      report.replayed++;
      if (!ok) report.failed++;
      options.onProgress?.(report.replayed, deliveries.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(stages.concurrency, deliveries.length)) }, worker));
  const executions = await startFlows(plan, stages, options.wait === true, report);
  return { ...report, ...(executions.length ? { executions } : {}) };
}

/**
 * What each input of the plan replays: the main bucket whose objects feed it and the key filters S3
 * applies on the way. A queue or topic of main feeds the branch only the S3 events of main's buckets
 * behind it; anything else it carries cannot be read without changing main.
 */
export function replaySources(plan: BranchPlan, pipe: BranchStagePipeline): Array<{ target: AnyNode; bucket: Bucket; filters: Array<{ prefix?: string; suffix?: string }> }> {
  const sources: Array<{ target: AnyNode; bucket: Bucket; filters: Array<{ prefix?: string; suffix?: string }> }> = [];
  const add = (target: AnyNode, bucket: Bucket, edge: Edge) => {
    const filter = { ...(edge.options.prefix ? { prefix: edge.options.prefix } : {}), ...(edge.options.suffix ? { suffix: edge.options.suffix } : {}) };
    const found = sources.find((s) => s.target === target && s.bucket === bucket);
    if (found) found.filters.push(filter);
    else sources.push({ target, bucket, filters: [filter] });
  };
  for (const input of plan.inputs) {
    const from = pipe.node(input.from)!;
    const to = pipe.node(input.to)!;
    if (to.kind === 'job' || to.kind === 'glueJob' || from.kind === 'table') continue; // a job reads main's stage itself; a table is read through its grant
    if (to.kind === 'bucket') continue; // a step outside the branch writing a branched bucket: its objects are copied (coWriters)
    if (from.kind === 'bucket' && (to.kind === 'fn' || to.kind === 'queue')) {
      add(to, from as Bucket, pipe.incoming(to).find((e) => e.from === from)!);
      continue;
    }
    const paths = to.kind === 'fn' ? s3EventPaths(pipe, to as Fn).filter((p) => p.some((e) => e.from === from)) : [];
    if (paths.length === 0) {
      throw new BranchError('SLUICE_E_BRANCH_AWS_MESSAGE_INPUT', `branch '${plan.name}': ${to} is fed by main's ${from}, whose messages cannot be replayed on AWS without changing main (receiving from main's queue hides its messages from main's consumer and counts towards its DLQ; a topic keeps nothing to read); branch from the step that sends to ${from.name} instead (sluice branch create <that step> ${plan.name} --stage ${plan.stage})`, { node: input.to, field: 'from', given: input.from });
    }
    for (const path of paths) add(to, path[0]!.from as Bucket, path[0]!);
  }
  return sources;
}

/** The pipeline a branch stage runs: `branchStack(...).pipe`. */
type BranchStagePipeline = AwsStage['pipeline'];

/** Copy what main's steps outside the branch wrote into branched buckets (`plan.coWriters`), so the branch sees what main's downstream sees. */
async function copyCoWritten(plan: BranchPlan, stages: ReplayStages): Promise<void> {
  const pipe = stages.branch.pipeline;
  for (const { node } of plan.coWriters) {
    const bucket = pipe.node(node) as Bucket;
    const from = stages.main.physical(bucket, 'Bucket');
    const to = stages.branch.physical(bucket, 'Bucket');
    await stages.main.aws.call(`copying main's objects of '${node}' into the branch's`, async () => {
      for await (const page of paginateListObjectsV2({ client: stages.main.aws.s3 }, { Bucket: from })) {
        for (const o of page.Contents ?? []) {
          // CopySource is URL-encoded: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
          await stages.main.aws.s3.send(new CopyObjectCommand({ Bucket: to, Key: o.Key!, CopySource: `${from}/${encodeURIComponent(o.Key!).replace(/%2F/g, '/')}`, MetadataDirective: 'COPY' }));
        }
      }
    });
  }
}

/** A function that delivers one object's event to its branched node and says whether it was processed. */
async function deliverer(stages: ReplayStages, wait: boolean): Promise<(d: Delivery) => Promise<boolean>> {
  const { main, branch } = stages;
  const scope = { partition: partitionOf(main.aws.region), region: main.aws.region, account: main.account };
  const handlers = new Map<string, Promise<{ handler: LambdaFunction; timeoutMs: number }>>();
  const eventFor = (d: Delivery) => invokeEvent(branch.pipeline, d.target as Fn, { object: { bucket: d.bucket.name, key: d.object.key } }, {
    region: main.aws.region,
    now: () => Date.now(),
    // Every node on the way from main's bucket is main's: the event names main's resources, as AWS would.
    bucketName: (b) => main.physical(b, 'Bucket'),
    queueArn: (q: Queue) => arnOf(arnShape('queue', 'Queue')!, main.physical(q, 'Queue').split('/').pop()!, scope),
    topicArn: (t: Topic) => main.physical(t, 'Topic'),
    head: async () => ({ size: d.object.size, eTag: d.object.eTag.replaceAll('"', '') }),
  });
  return async (d) => {
    if (d.target.kind === 'queue') {
      const now = Date.now();
      const s3 = objectCreatedEvent({
        bucket: main.physical(d.bucket, 'Bucket'), key: d.object.key, size: d.object.size, eTag: d.object.eTag.replaceAll('"', ''),
        sequencer: sequencerFor(now), eventTime: new Date(now), configurationId: `${d.bucket.name}-to-${d.target.name}`, region: main.aws.region,
      });
      await branch.aws.call(`sending the event of '${d.object.key}' to the branch's queue '${d.target.name}'`, () => branch.aws.sqs.send(new SendMessageCommand({ QueueUrl: branch.physical(d.target as Queue, 'Queue'), MessageBody: JSON.stringify(s3) })));
      return true;
    }
    const fn = d.target as Fn;
    const event = await eventFor(d);
    if (stages.runner === 'in-process') {
      let h = handlers.get(fn.name);
      if (!h) handlers.set(fn.name, (h = deployedHandler(branch, fn, stages.cacheDir, 'run_once')));
      const { handler, timeoutMs } = await h;
      const started = Date.now();
      try {
        const response = (await handler(event, { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => Math.max(0, started + timeoutMs - Date.now()) })) as { batchItemFailures?: unknown[] } | undefined;
        return !(response?.batchItemFailures?.length);
      } catch {
        return false;
      }
    }
    const name = branch.physical(fn, 'Function');
    const out = await branch.aws.call(`invoking the branch's function '${fn.name}' (${name})`, () => branch.aws.lambda.send(new InvokeCommand({
      FunctionName: name, InvocationType: wait ? 'RequestResponse' : 'Event', Payload: Buffer.from(JSON.stringify(event)),
    })));
    return !out.FunctionError;
  };
}

/** Start each branch flow's state machine (job branches); with `wait`, until each ends. */
async function startFlows(plan: BranchPlan, stages: ReplayStages, wait: boolean, report: BranchTriggerReport): Promise<string[]> {
  const executions: string[] = [];
  for (const { flow } of plan.flows) {
    const started = await stages.branch.trigger(flow, { branch: plan.name, from: plan.from });
    executions.push(started.id);
    if (!wait) continue;
    for (;;) {
      const detail = await stages.branch.execution(flow, started.id);
      if (detail.status !== 'RUNNING') {
        if (detail.status !== 'SUCCEEDED') report.failed++;
        break;
      }
      await stages.branch.pause(stages.branch.pollMs);
    }
  }
  return executions;
}
