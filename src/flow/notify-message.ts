/**
 * The email a flow sends to a notify node (flow.to(alerts)) when an execution ends: a subject fixed
 * when the definition is made, and a text built by the state machine itself with `States.Format`
 * (which flow, which execution, its status; on failure the job that failed and its cause; the
 * `sluice executions` command that shows it). Synth deploys it and the local engine runs it, so the
 * email in the local outbox is the one SNS would send.
 */
import type { FlowPlan } from './plan.js';

/**
 * SNS's limit on Publish's Subject: "UTF-8 text with no line breaks or control characters, and less
 * than 100 characters long" (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 */
export const SUBJECT_MAX_LENGTH = 99;

/**
 * The subject of the email an execution's end sends: `<flow> of <pipeline> SUCCEEDED` (or FAILED),
 * cut to SNS's 99 characters.
 *
 * @example flowEmailSubject({ flow: 'nightly', pipeline: 'shop' }, 'FAILED') // 'nightly of shop FAILED'
 */
export function flowEmailSubject(plan: Pick<FlowPlan, 'flow' | 'pipeline'>, status: 'SUCCEEDED' | 'FAILED'): string {
  // Names hold only letters, digits, '-' and '_' (model rules): nothing else to strip.
  return `${plan.flow} of ${plan.pipeline} ${status}`.slice(0, SUBJECT_MAX_LENGTH);
}

/**
 * The text of a `States.Format` template: `'`, `{`, `}` and `\` are reserved and escaped with `\`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html, "Reserved characters").
 */
function formatLiteral(text: string): string {
  return text.replace(/[\\'{}]/g, (c) => `\\${c}`);
}

/**
 * A `States.Format` call: a template whose `{}` take the JSONPath arguments in turn. Its lines are
 * joined with real newlines, which Step Functions accepts in an intrinsic's string literal (a state
 * machine using one deploys and runs: github.com/aws/aws-toolkit-vscode/issues/3068, and AWS's own
 * ASL validator allows it since github.com/aws/amazon-states-language-service/pull/96).
 */
function format(lines: string[], args: string[]): string {
  // Each {} is a placeholder: escape the text around them only.
  const template = lines.join('\n').split('{}').map(formatLiteral).join('{}');
  return `States.Format('${template}', ${args.join(', ')})`;
}

/**
 * The `Subject` and `Message.$` of the SNS publish that emails an execution's end. The state data is
 * `{ output, outcome }` after a success and the outcome itself (`failedJob`, `cause`) after a failure.
 * On AWS (`plan.stage` set) `sluice executions --id` takes the execution's ARN; locally its name.
 *
 * @example notifyPublishParameters(plan, 'FAILED') // { Subject: 'nightly of shop FAILED', 'Message.$': "States.Format('Flow ...', ...)" }
 */
export function notifyPublishParameters(plan: FlowPlan, status: 'SUCCEEDED' | 'FAILED'): { Subject: string; 'Message.$': string } {
  const where = `Flow '${plan.flow}' of pipeline '${plan.pipeline}'${plan.stage !== undefined ? ` (stage '${plan.stage}')` : ''}`;
  const see = `See it with: sluice executions ${plan.flow} --id {}${plan.stage !== undefined ? ` --stage ${plan.stage}` : ''}`;
  const id = plan.stage !== undefined ? '$$.Execution.Id' : '$$.Execution.Name';
  const message = status === 'SUCCEEDED'
    ? format([`${where} SUCCEEDED.`, '', 'Execution: {}', 'Started: {}', '', see], ['$$.Execution.Name', '$$.Execution.StartTime', id])
    : format([`${where} FAILED: job '{}' failed.`, '', 'Execution: {}', 'Started: {}', 'Cause: {}', '', see], ['$.failedJob', '$$.Execution.Name', '$$.Execution.StartTime', '$.cause', id]);
  return { Subject: flowEmailSubject(plan, status), 'Message.$': message };
}
