/**
 * Before a deploy: every existing bucket that triggers the pipeline (`bucket.existing(name).to(fn)`)
 * must send its events to Amazon EventBridge, which S3 does only once the bucket's notification
 * configuration holds an `EventBridgeConfiguration`
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/enable-event-notifications-eventbridge.html). The
 * stack never changes an existing bucket, so deploy either says exactly what to run, or, with `--yes`,
 * shows the change and makes it, keeping the bucket's other notification settings as they are.
 */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, type NotificationConfiguration } from '@aws-sdk/client-s3';
import type { Bucket } from '../../model/bucket.js';
import type { Pipeline } from '../../model/pipeline.js';
import type { AwsSession } from './aws.js';
import { DEPLOY_CODES, DeployError } from './errors.js';

/** The existing buckets whose events the pipeline needs: those wired to a function. */
export function triggeringExistingBuckets(pipe: Pipeline): Bucket[] {
  return pipe.nodesOf('bucket').filter((b) => b.existingName !== undefined && pipe.outgoing(b).some((e) => e.to.kind === 'fn'));
}

/** An existing bucket whose events are off, and the configuration that turns them on. */
export interface EventsOff {
  bucket: string;
  /** The whole notification configuration to put: the bucket's current one plus `EventBridgeConfiguration`. */
  configuration: NotificationConfiguration;
  /** The AWS CLI command that puts it. */
  command: string;
}

/** The existing buckets of the pipeline that do not send events to EventBridge, with the change each needs. */
export async function existingBucketsWithEventsOff(pipe: Pipeline, aws: AwsSession): Promise<EventsOff[]> {
  const off: EventsOff[] = [];
  for (const b of triggeringExistingBuckets(pipe)) {
    const name = b.existingName!;
    const current = await aws.call(`reading the notification configuration of existing bucket '${name}'`, () => aws.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: name })));
    if (current.EventBridgeConfiguration) continue;
    // PutBucketNotificationConfiguration replaces the whole configuration: keep what is there.
    const configuration: NotificationConfiguration = {
      ...(current.TopicConfigurations?.length ? { TopicConfigurations: current.TopicConfigurations } : {}),
      ...(current.QueueConfigurations?.length ? { QueueConfigurations: current.QueueConfigurations } : {}),
      ...(current.LambdaFunctionConfigurations?.length ? { LambdaFunctionConfigurations: current.LambdaFunctionConfigurations } : {}),
      EventBridgeConfiguration: {},
    };
    off.push({ bucket: name, configuration, command: `aws s3api put-bucket-notification-configuration --bucket ${name} --notification-configuration '${JSON.stringify(configuration)}'` });
  }
  return off;
}

/**
 * Make sure every existing bucket that triggers the pipeline sends events to EventBridge: with `yes`,
 * turn it on (logging the change); otherwise fail with the command that does it.
 */
export async function ensureExistingBucketEvents(pipe: Pipeline, aws: AwsSession, options: { yes: boolean; stack: string; log: (line: string) => void }): Promise<string[]> {
  const off = await existingBucketsWithEventsOff(pipe, aws);
  if (off.length === 0) return [];
  if (!options.yes) {
    throw new DeployError(DEPLOY_CODES.existingEventsOff, `existing bucket${off.length === 1 ? '' : 's'} ${off.map((o) => `'${o.bucket}'`).join(', ')} ${off.length === 1 ? 'does' : 'do'} not send events to Amazon EventBridge, so the pipeline would never see its files; the stack never changes an existing bucket, so turn them on with:\n${off.map((o) => `  ${o.command}`).join('\n')}\nor deploy again with --yes to let sluice make this change (the bucket's other notification settings are kept)`, { stack: options.stack });
  }
  for (const o of off) {
    options.log(`turning on EventBridge notifications of existing bucket ${o.bucket} (its other notification settings kept): ${JSON.stringify(o.configuration)}`);
    await aws.call(`turning on EventBridge notifications of existing bucket '${o.bucket}'`, () => aws.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: o.bucket, NotificationConfiguration: o.configuration })));
  }
  return off.map((o) => o.bucket);
}
