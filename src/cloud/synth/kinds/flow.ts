/**
 * `flow` -> an `AWS::StepFunctions::StateMachine` (standard) running the flow's plan as the one ASL
 * definition the local engine runs too (src/flow/asl.ts), its placeholders filled with the ARNs of
 * this stack's job functions, Glue jobs, outcome topics and notify nodes' topics; logging to its own
 * log group (`/aws/vendedlogs/states/…`, level ERROR, no execution data) and traced
 * (docs/security-rules.md SFN-1, SFN-2). Its role, trusted by Step Functions for this state machine
 * only, invokes exactly its job functions, runs exactly its Glue jobs (`startJobRun.sync`), publishes
 * to exactly the topics it sends its outcome to (with the pipeline key's use where one is encrypted
 * with it: every notify node's is), and holds the log delivery and X-Ray actions that only take `*`,
 * each with its reason (SFN-3).
 *
 * The definition is a `DefinitionString` in an `Fn::Sub` whose variables are the substitutions,
 * rather than `Definition` with `DefinitionSubstitutions`: the same `${Key}` semantics, and moto
 * 5.2's CloudFormation reads only `DefinitionString` (MOTO_CFN_SFN_DEFINITION).
 */
import type { Flow } from '../../../model/flow.js';
import type { Topic } from '../../../model/topic.js';
import type { Notify } from '../../../model/notify.js';
import type { GlueJob } from '../../../model/glue-job.js';
import { flowDefinition, substitutionsFor } from '../../../flow/asl.js';
import { flowPlanOf } from '../../../flow/plan-of.js';
import type { FlowPlan } from '../../../flow/plan.js';
import { KINDS } from '../../../model/kinds.js';
import { KEY_USE_ACTIONS, PUBLISH_ACTION, STATES_LOG_DELIVERY_ACTIONS, STATES_LOG_DELIVERY_REASON, TRACING_ACTIONS } from '../actions.js';
import { keyArn, usesKey } from '../encryption.js';
import { TRACING_REASON } from '../iam.js';
import { idOf, partIdOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { arnByName } from '../policies.js';
import { getAtt, ref, sub, type PolicyDocument, type Statement, type Str, type Value } from '../template.js';
import { addLogGroup } from '../log-group.js';
import { topicRef } from '../existing.js';

/** What a flow's role may do with its jobs, from the job kinds' permission tables. */
const INVOKE = { job: KINDS.job.permissions.invoke, glueJob: KINDS.glueJob.permissions.invoke } as const;

export const flowSynth: KindSynth<Flow> = {

  names: (node, ctx) => [
    { what: 'state machine name', name: ctx.physical(node, 'StateMachine'), max: 80, node: node.name },
    { what: 'log group name', name: ctx.physical(node, 'LogGroup'), max: 512, node: node.name },
  ],

  problems: () => [],

  grantResources: () => [],

  synthesize(node, ctx) {
    const plan = flowPlanOf(ctx.pipe, node, ctx.stage);
    const jobs = plan.levels.flat();
    const targets = plan.publishes.map((p) => ctx.pipe.node(p.name) as Topic | Notify);
    const name = ctx.physical(node, 'StateMachine');
    const stateMachineArn = arnByName('flow', 'StateMachine', name);
    const logGroup = addLogGroup(ctx, node);

    const step = (job: string) => ctx.pipe.node(job)!;
    const functionArn = (job: string) => getAtt(partIdOf(step(job), 'Function'), 'Arn');
    const statements: Statement[] = [];
    const lambdaJobs = jobs.filter((j) => j.kind === 'job');
    const glueJobs = jobs.filter((j) => j.kind === 'glueJob');
    if (lambdaJobs.length) statements.push({ Sid: 'InvokeJobs', Effect: 'Allow', Action: [...INVOKE.job], Resource: lambdaJobs.map((j) => functionArn(j.name)) });
    if (glueJobs.length) statements.push({ Sid: 'RunGlueJobs', Effect: 'Allow', Action: [...INVOKE.glueJob], Resource: glueJobs.map((j) => arnByName('glueJob', 'Job', ctx.physical(step(j.name) as GlueJob, 'Job'))) });
    if (targets.length) {
      statements.push({ Sid: 'PublishOutcome', Effect: 'Allow', Action: [PUBLISH_ACTION], Resource: targets.map(topicArnOf) });
      if (targets.some((t) => usesKey(ctx, t, 'Topic'))) statements.push({ Sid: 'UsePipelineKey', Effect: 'Allow', Action: [...KEY_USE_ACTIONS.publish!], Resource: keyArn() });
    }
    statements.push(
      { Sid: 'DeliverLogs', Effect: 'Allow', Action: [...STATES_LOG_DELIVERY_ACTIONS], Resource: '*' },
      { Sid: 'Tracing', Effect: 'Allow', Action: [...TRACING_ACTIONS], Resource: '*' },
    );
    const role = idOf(node, 'Role');
    ctx.add(node.name, role, paths.node(node, 'Role'), {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Role of ${node} (its state machine) in pipeline '${ctx.pipe.name}', stage '${ctx.stage}'`,
        AssumeRolePolicyDocument: statesTrust(stateMachineArn),
        Policies: [{ PolicyName: 'least-privilege', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
        Tags: ctx.tags(node),
      },
    }, {
      'sluice:grants': [
        ...jobs.map((j) => ({ node: j.name, use: 'invoke', reason: `${node} runs ${j.kind === 'job' ? 'job' : 'Glue job'} '${j.name}'` })),
        ...targets.map((t) => ({ node: t.name, use: 'publish', reason: `edge ${node.name} -> ${t.name}` })),
      ],
      'sluice:unscoped': [
        { sid: 'DeliverLogs', actions: [...STATES_LOG_DELIVERY_ACTIONS], reason: STATES_LOG_DELIVERY_REASON },
        { sid: 'Tracing', actions: [...TRACING_ACTIONS], reason: TRACING_REASON },
      ],
    });

    const substitutions = substitutionsFor(plan, (resource): Value => {
      if (resource.kind === 'topic' || resource.kind === 'notify') return topicArnOf(step(resource.name) as Topic | Notify);
      if (resource.kind === 'job') return functionArn(resource.name);
      // startJobRun takes the job's name, which is the Glue job's Ref.
      return ref(partIdOf(step(resource.name), 'Job'));
    });
    const id = idOf(node, 'StateMachine');
    ctx.add(node.name, id, paths.node(node, 'StateMachine'), {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: name,
        StateMachineType: 'STANDARD',
        RoleArn: getAtt(role, 'Arn'),
        DefinitionString: sub(definitionText(plan), substitutions),
        LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: getAtt(logGroup, 'Arn') } }] },
        TracingConfiguration: { Enabled: true },
        Tags: ctx.tags(node),
      },
    }, {
      'sluice:optOuts': [{ rule: 'SFN-5', reason: 'the definition and execution history are encrypted with an AWS owned key by default; a customer managed key adds a key policy for states.amazonaws.com' }],
    });
    ctx.output(node.name, id, { Description: `${node}: state machine ARN`, Value: ref(id) });
  },
};

/** The ARN a flow publishes its outcome to: a topic's (its own, or the existing one it names), a notify node's topic. */
function topicArnOf(target: Topic | Notify): Str {
  return target.kind === 'topic' ? topicRef(target) : ref(idOf(target, 'Topic'));
}

/**
 * The definition as `Fn::Sub` text: the ASL of `flowDefinition`, with the partition of the
 * integrations' ARNs (`arn:aws:states:::lambda:invoke`) the stack's own, so the same template deploys
 * to aws-cn and aws-us-gov (docs/security-rules.md X-3; cfn-lint I3042). In the `aws` partition it
 * resolves to exactly the definition the local engine runs.
 */
export function definitionText(plan: FlowPlan): string {
  return JSON.stringify(flowDefinition(plan)).replaceAll('"arn:aws:states:::', '"arn:${AWS::Partition}:states:::');
}

/** The trust policy of a state machine's role: Step Functions, for this state machine of this account only (IAM-6). */
export function statesTrust(stateMachineArn: Str): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Service: 'states.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') }, ArnLike: { 'aws:SourceArn': stateMachineArn } },
    }],
  };
}
