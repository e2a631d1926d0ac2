/**
 * `sluice trigger <schedule>` on an AWS stage: the scheduled event the rule's EventBridge target
 * would get, sent as EventBridge sends it: a function invoked asynchronously (InvocationType Event,
 * so Lambda's retries and on-failure queue apply as for a real tick), a flow started with the event as
 * its input (what an EventBridge rule targeting a state machine passes).
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { Schedule } from '../../model/schedule.js';
import type { Flow } from '../../model/flow.js';
import type { Fn } from '../../model/fn.js';
import { arnOf, arnShape, type ArnScope } from '../../model/resources.js';
import { scheduledEventOf } from '../../engine/aws-events.js';
import type { FiredSchedule, FireOptions } from '../stage.js';
import type { AwsStageContext } from './kind.js';
import { KIND_AWS } from './registry.js';

/**
 * Fire a deployed schedule's targets now.
 * @example await fireSchedule(stage, timer, scope, {})
 */
export async function fireSchedule(ctx: AwsStageContext, node: Schedule, scope: ArnScope, options: FireOptions): Promise<FiredSchedule> {
  const ruleArn = arnOf(arnShape('schedule', 'Rule')!, ctx.physical(node, 'Rule'), scope);
  const event = scheduledEventOf({ ruleArn, account: scope.account, region: scope.region }, Date.now(), options.detail ?? node.props.detail ?? {});
  const targets = ctx.pipeline.outgoing(node).map((e) => e.to).filter((t) => options.target === undefined || t.name === options.target);
  for (const target of targets) {
    if (target.kind === 'fn') {
      const FunctionName = ctx.physical(target as Fn, 'Function');
      await ctx.aws.call(`invoking function '${target.name}' with the scheduled event of '${node.name}'`, () => ctx.aws.lambda.send(new InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) })));
    } else if (target.kind === 'flow') {
      await KIND_AWS.flow.executions!.start(ctx, target as Flow, event, {});
    }
  }
  return { schedule: node.name, event, targets: targets.map((t) => t.name) };
}
