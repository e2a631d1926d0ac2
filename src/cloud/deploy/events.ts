/**
 * Following a stack operation to its end: new stack events as they arrive (one line per resource
 * status for people), then the final status, and the resources that failed with AWS's reasons.
 * The first failure in time is the cause; the ones after it are usually "Resource creation cancelled".
 */
import { DescribeStackEventsCommand, DescribeStacksCommand, paginateDescribeStackEvents, type StackEvent as SdkEvent } from '@aws-sdk/client-cloudformation';
import type { Template } from '../synth/template.js';
import type { AwsSession } from './aws.js';
import { sleep } from './changeset.js';
import { explainAwsError, isNotFound, type ResourceFailure } from './errors.js';
import { pathOf } from './stack.js';

/** One stack event, as shown. */
export interface StackEvent {
  time: string;
  logicalId: string;
  path?: string;
  type: string;
  status: string;
  reason?: string;
}

/** How an operation ended. */
export interface OperationResult {
  status: string;
  reason?: string;
  failures: ResourceFailure[];
  events: StackEvent[];
}

/** The id of the newest event of a stack, to show only what happens after it. */
export async function latestEventId(aws: AwsSession, stack: string): Promise<string | undefined> {
  try {
    const out = await aws.cloudformation.send(new DescribeStackEventsCommand({ StackName: stack }));
    return out.StackEvents?.[0]?.EventId;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw explainAwsError(error, `reading the events of stack '${stack}'`, aws);
  }
}

const POLL_MS = [50, 100, 250, 500, 1000, 2000];

/**
 * Poll a stack until its operation ends, calling `onEvent` for each new event in order.
 * `stackId` (not the name) keeps working after a delete completes.
 */
export async function followStack(aws: AwsSession, stackId: string, options: { after?: string; templates?: Array<Template | undefined>; onEvent?: (e: StackEvent) => void }): Promise<OperationResult> {
  const seen = new Set<string>();
  const events: StackEvent[] = [];
  const path = (id: string) => options.templates?.map((t) => pathOf(t, id)).find(Boolean);
  const poll = async () => {
    const fresh: SdkEvent[] = [];
    // Events come newest first: read pages until the first one already seen (or the deploy's start).
    try {
      outer: for await (const page of paginateDescribeStackEvents({ client: aws.cloudformation }, { StackName: stackId })) {
        for (const e of page.StackEvents ?? []) {
          if (!e.EventId || e.EventId === options.after || seen.has(e.EventId)) break outer;
          fresh.push(e);
        }
      }
    } catch (error) {
      if (isNotFound(error)) return;
      throw explainAwsError(error, `reading the events of stack '${stackId}'`, aws);
    }
    for (const e of fresh.reverse()) {
      seen.add(e.EventId!);
      const p = path(e.LogicalResourceId ?? '');
      const event: StackEvent = {
        time: (e.Timestamp ?? new Date()).toISOString(),
        logicalId: e.LogicalResourceId ?? '',
        ...(p ? { path: p } : {}),
        type: e.ResourceType ?? '',
        status: e.ResourceStatus ?? '',
        ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
      };
      events.push(event);
      options.onEvent?.(event);
    }
  };
  let attempt = 0;
  for (;;) {
    let status: string;
    let reason: string | undefined;
    try {
      const out = await aws.cloudformation.send(new DescribeStacksCommand({ StackName: stackId }));
      status = out.Stacks?.[0]?.StackStatus ?? 'DELETE_COMPLETE';
      reason = out.Stacks?.[0]?.StackStatusReason ?? undefined;
    } catch (error) {
      if (!isNotFound(error)) throw explainAwsError(error, `reading stack '${stackId}'`, aws);
      status = 'DELETE_COMPLETE';
    }
    await poll();
    if (!status.endsWith('_IN_PROGRESS')) {
      const failures = events
        .filter((e) => e.status.endsWith('_FAILED') && e.reason && !/cancelled/i.test(e.reason) && e.type !== 'AWS::CloudFormation::Stack')
        .map((e): ResourceFailure => ({ logicalId: e.logicalId, ...(e.path ? { path: e.path } : {}), type: e.type, status: e.status, reason: e.reason! }));
      return { status, ...(reason ? { reason } : {}), failures, events };
    }
    await sleep(POLL_MS[Math.min(attempt++, POLL_MS.length - 1)]!);
  }
}
