/**
 * `schedule` -> an EventBridge rule invoking its functions (EventBridge syntax, already validated by
 * the model, docs/security-rules.md EB-4). Each target has an explicit retry policy and dead-letter queue (the
 * function's on-failure queue, EB-1); the rule owns the permission EventBridge needs to invoke
 * (EB-2). A schedule's `detail` reaches the function inside the usual Scheduled Event envelope.
 */
import type { Schedule } from '../../../model/schedule.js';
import { Fn } from '../../../model/fn.js';
import { INVOKE_ACTION } from '../actions.js';
import { edgeIds, idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { logicalStem } from '../names.js';
import { getAtt, type Value } from '../template.js';

/** EventBridge's own default, stated explicitly: retries of a failed delivery to Lambda. */
const DELIVERY_RETRIES = 185;

export const scheduleSynth: KindSynth<Schedule> = {

  names: (node, ctx) => [
    { what: 'EventBridge rule name', name: ctx.physical(node, 'Rule'), max: 64, node: node.name, pattern: /^[.\-_A-Za-z0-9]+$/, patternText: 'letters, digits, dots, hyphens and underscores' },
  ],

  problems: () => [],

  grantResources: () => [],

  synthesize(node, ctx) {
    const id = idOf(node, 'Rule');
    const detail = node.props.detail;
    const targets: Value[] = [];
    for (const edge of ctx.outgoing(node)) {
      if (!(edge.to instanceof Fn)) continue;
      const target: Record<string, Value> = {
        Id: logicalStem(edge.to.name).slice(0, 64),
        Arn: getAtt(idOf(edge.to, 'Function'), 'Arn'),
        RetryPolicy: { MaximumRetryAttempts: DELIVERY_RETRIES, MaximumEventAgeInSeconds: edge.to.resolved.maxEventAgeSeconds },
        DeadLetterConfig: { Arn: getAtt(idOf(edge.to, 'Failures'), 'Arn') },
      };
      if (detail && Object.keys(detail).length > 0) target.InputTransformer = scheduledEventWith(detail);
      targets.push(target);
      ctx.add(node.name, edgeIds.permission(edge), paths.edge(edge, 'Permission'), {
        Type: 'AWS::Lambda::Permission',
        Properties: { Action: INVOKE_ACTION, FunctionName: getAtt(idOf(edge.to, 'Function'), 'Arn'), Principal: 'events.amazonaws.com', SourceArn: getAtt(id, 'Arn') },
      });
    }
    ctx.add(node.name, id, paths.node(node, 'Rule'), {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: ctx.physical(node, 'Rule'),
        Description: `${node} of pipeline '${ctx.pipe.name}', stage '${ctx.stage}'`,
        ScheduleExpression: node.props.expression,
        State: 'ENABLED',
        Targets: targets,
        Tags: ctx.tags(node),
      },
    });
  },
};

/** The Scheduled Event EventBridge sends, with `detail` replaced by the schedule's own. */
function scheduledEventWith(detail: Record<string, unknown>): Value {
  const fields = ['id', 'account', 'time', 'region', 'resources'];
  return {
    InputPathsMap: Object.fromEntries(fields.map((f) => [f, `$.${f}`])),
    InputTemplate: `{"version":"0","id":<id>,"detail-type":"Scheduled Event","source":"aws.events","account":<account>,"time":<time>,"region":<region>,"resources":<resources>,"detail":${JSON.stringify(detail)}}`,
  };
}
