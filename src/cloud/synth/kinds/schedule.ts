/**
 * `schedule` -> an EventBridge rule invoking its functions (EventBridge syntax, already validated by
 * the model, docs/security-rules.md EB-4). Each target has an explicit retry policy and dead-letter queue (the
 * function's on-failure queue, EB-1); the rule owns the permission EventBridge needs to invoke
 * (EB-2). A schedule's `detail` reaches the function inside the usual Scheduled Event envelope.
 * A flow target is started through a role of the edge's own, trusted by EventBridge for this rule
 * only and allowed `states:StartExecution` on exactly that state machine; the scheduled event is
 * the execution's input.
 */
import type { Schedule } from '../../../model/schedule.js';
import { Fn } from '../../../model/fn.js';
import { Flow } from '../../../model/flow.js';
import type { Edge } from '../../../model/node.js';
import { KINDS } from '../../../model/kinds.js';
import { INVOKE_ACTION } from '../actions.js';
import type { SynthContext } from '../context.js';
import { edgeIds, idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { logicalStem } from '../names.js';
import { arnByName } from '../policies.js';
import { getAtt, ref, type Value } from '../template.js';

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
    const optOuts: Value[] = [];
    for (const edge of ctx.outgoing(node)) {
      if (edge.to instanceof Flow) {
        targets.push(flowTarget(ctx, node, edge, edge.to, detail));
        optOuts.push({ rule: 'EB-1', reason: `the target ${edge.to} has no dead-letter queue: a start EventBridge cannot deliver is retried ${DELIVERY_RETRIES} times over a day, and a flow's failures are its executions', listed by sluice executions` });
        continue;
      }
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
    }, optOuts.length ? { 'sluice:optOuts': optOuts } : {});
  },
};

/** What EventBridge needs to start a flow's execution (from the flow kind's table). */
const START_ACTIONS = KINDS.flow.permissions.invoke;

/** A state machine target, and the role EventBridge assumes to start it (EB-1, IAM-6). */
function flowTarget(ctx: SynthContext, schedule: Schedule, edge: Edge, flow: Flow, detail: Record<string, unknown> | undefined): Value {
  const role = edgeIds.role(edge);
  ctx.add(schedule.name, role, paths.edge(edge, 'Role'), {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `Lets ${schedule} of pipeline '${ctx.pipe.name}', stage '${ctx.stage}' start ${flow}`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') }, ArnEquals: { 'aws:SourceArn': arnByName('schedule', 'Rule', ctx.physical(schedule, 'Rule')) } },
        }],
      },
      Policies: [{ PolicyName: 'least-privilege', PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'StartFlow', Effect: 'Allow', Action: [...START_ACTIONS!], Resource: ref(idOf(flow, 'StateMachine')) }] } }],
      Tags: ctx.tags(schedule),
    },
  }, { 'sluice:grants': [{ node: flow.name, use: 'invoke', reason: `edge ${schedule.name} -> ${flow.name}` }] });
  const target: Record<string, Value> = {
    Id: logicalStem(flow.name).slice(0, 64),
    Arn: ref(idOf(flow, 'StateMachine')),
    RoleArn: getAtt(role, 'Arn'),
    RetryPolicy: { MaximumRetryAttempts: DELIVERY_RETRIES, MaximumEventAgeInSeconds: 86_400 },
  };
  if (detail && Object.keys(detail).length > 0) target.InputTransformer = scheduledEventWith(detail);
  return target;
}

/** The Scheduled Event EventBridge sends, with `detail` replaced by the schedule's own. */
function scheduledEventWith(detail: Record<string, unknown>): Value {
  const fields = ['id', 'account', 'time', 'region', 'resources'];
  return {
    InputPathsMap: Object.fromEntries(fields.map((f) => [f, `$.${f}`])),
    InputTemplate: `{"version":"0","id":<id>,"detail-type":"Scheduled Event","source":"aws.events","account":<account>,"time":<time>,"region":<region>,"resources":<resources>,"detail":${JSON.stringify(detail)}}`,
  };
}
