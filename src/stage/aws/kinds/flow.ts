/**
 * `flow` on an AWS stage: its state machine's executions through Step Functions. A trigger checks
 * the flow's overlap first (ListExecutions of the RUNNING ones): `refuse` fails naming the running
 * execution, `queue` waits until none runs, then starts. An execution's jobs' progress comes from
 * its history: each job's Task state is entered, scheduled (once per attempt), and succeeds or fails.
 */
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  paginateGetExecutionHistory,
  type DescribeExecutionCommandOutput,
  type ExecutionStatus as SfnStatus,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { Flow } from '../../../model/flow.js';
import { flowPlanOf } from '../../../flow/plan-of.js';
import { isNotFound } from '../../../cloud/deploy/errors.js';
import { flowRunningError, unknownExecutionError } from '../../executions.js';
import type { ExecutionDetail, ExecutionStatus, ExecutionSummary, JobProgress } from '../../stage.js';
import type { AwsStageContext, KindAws } from '../kind.js';

/** The error a failed execution ends with names its job: `JobFailed.<job>` (src/flow/asl.ts). */
const JOB_FAILED = /^JobFailed\.(.+)$/;

export const flowAws: KindAws<Flow> = {
  objects: null,
  send: null,
  messages: null,
  redrive: null,
  items: null,
  depth: null,
  invoke: null,
  subscriptions: null,

  executions: {
    async start(ctx, node, input, options) {
      const arn = ctx.physical(node, 'StateMachine');
      for (;;) {
        const running = await runningExecution(ctx, node, arn);
        if (!running) break;
        if (node.overlap === 'refuse') throw flowRunningError(node.name, running, ctx.commandSuffix);
        // 'queue': this trigger's turn comes when the running execution ends.
        await new Promise((resolve) => setTimeout(resolve, ctx.pollMs));
      }
      const out = await ctx.aws.call(`starting an execution of flow '${node.name}'`, () => ctx.aws.sfn.send(new StartExecutionCommand({
        stateMachineArn: arn, input: JSON.stringify(input === undefined ? {} : input), ...(options.name ? { name: options.name } : {}),
      })));
      return { id: out.executionArn!, name: out.executionArn!.split(':').pop()!, startedAt: (out.startDate ?? new Date()).toISOString() };
    },

    async list(ctx, node, limit) {
      const arn = ctx.physical(node, 'StateMachine');
      const out = await ctx.aws.call(`listing the executions of flow '${node.name}'`, () => ctx.aws.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: limit })));
      const executions = (out.executions ?? []).sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0));
      return Promise.all(executions.map(async (e) => {
        const summary: ExecutionSummary = summaryOf(e.executionArn!, e.name!, e.status, e.startDate, e.stopDate);
        // Only a failed execution's error and cause need a second call.
        if (summary.status !== 'RUNNING' && summary.status !== 'SUCCEEDED') Object.assign(summary, failureOf(await describe(ctx, node, e.executionArn!)));
        return summary;
      }));
    },

    async describe(ctx, node, id) {
      const execution = await describe(ctx, node, id);
      if (execution.stateMachineArn !== ctx.physical(node, 'StateMachine')) throw unknownExecutionError(node.name, id, ctx.commandSuffix);
      const history: HistoryEvent[] = [];
      await ctx.aws.call(`reading the history of execution '${id}'`, async () => {
        for await (const page of paginateGetExecutionHistory({ client: ctx.aws.sfn }, { executionArn: id, maxResults: 1000 })) history.push(...(page.events ?? []));
      });
      const summary = summaryOf(execution.executionArn!, execution.name!, execution.status, execution.startDate, execution.stopDate);
      const detail: ExecutionDetail = {
        ...summary,
        ...failureOf(execution),
        flow: node.name,
        ...(execution.input !== undefined ? { input: parse(execution.input) } : {}),
        ...(execution.output !== undefined ? { output: parse(execution.output) } : {}),
        jobs: jobProgress(flowPlanOf(ctx.pipeline, node).levels.flat(), history, summary.status),
      };
      return detail;
    },
  },
};

/** The name of a running execution of the flow, if one runs. */
async function runningExecution(ctx: AwsStageContext, node: Flow, arn: string): Promise<string | undefined> {
  const out = await ctx.aws.call(`looking for a running execution of flow '${node.name}'`, () => ctx.aws.sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING', maxResults: 1 })));
  return out.executions?.[0]?.name;
}

async function describe(ctx: AwsStageContext, node: Flow, id: string): Promise<DescribeExecutionCommandOutput> {
  try {
    return await ctx.aws.sfn.send(new DescribeExecutionCommand({ executionArn: id }));
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    if (isNotFound(error) || name === 'ExecutionDoesNotExist' || name === 'InvalidArn') throw unknownExecutionError(node.name, id, ctx.commandSuffix);
    throw error;
  }
}

function summaryOf(id: string, name: string, status: SfnStatus | string | undefined, startedAt: Date | undefined, stoppedAt: Date | undefined): ExecutionSummary {
  const summary: ExecutionSummary = { id, name, status: statusOf(status), startedAt: (startedAt ?? new Date(0)).toISOString() };
  if (stoppedAt) {
    summary.stoppedAt = stoppedAt.toISOString();
    if (startedAt) summary.durationMs = stoppedAt.getTime() - startedAt.getTime();
  }
  return summary;
}

/** Step Functions' statuses, with PENDING_REDRIVE (a redrive about to start) counted as running. */
function statusOf(status: string | undefined): ExecutionStatus {
  return status === 'SUCCEEDED' || status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED' ? status : 'RUNNING';
}

/** A failed execution's error and cause, and the job its error names. */
function failureOf(execution: DescribeExecutionCommandOutput): Pick<ExecutionSummary, 'error' | 'cause' | 'failedJob'> {
  const out: Pick<ExecutionSummary, 'error' | 'cause' | 'failedJob'> = {};
  if (execution.error) out.error = execution.error;
  if (execution.cause) out.cause = execution.cause;
  const job = execution.error ? JOB_FAILED.exec(execution.error)?.[1] : undefined;
  if (job) out.failedJob = job;
  return out;
}

/**
 * Each job's progress from the execution's history. Task events do not name their state; each one
 * follows (through `previousEventId`) the state's TaskStateEntered, or an earlier event of the same
 * state (a retry follows the attempt that failed), so the chain leads to the state's name.
 */
export function jobProgress(jobs: ReadonlyArray<{ name: string; kind: 'job' | 'glueJob' }>, history: readonly HistoryEvent[], status: ExecutionStatus): JobProgress[] {
  const byId = new Map(history.map((e) => [e.id!, e]));
  const stateOf = new Map<number, string | undefined>();
  const state = (event: HistoryEvent | undefined): string | undefined => {
    if (!event) return undefined;
    if (stateOf.has(event.id!)) return stateOf.get(event.id!);
    const name = event.type === 'TaskStateEntered' || event.type === 'TaskStateExited'
      ? (event.stateEnteredEventDetails ?? event.stateExitedEventDetails)?.name
      : event.previousEventId ? state(byId.get(event.previousEventId)) : undefined;
    stateOf.set(event.id!, name);
    return name;
  };
  const progress = new Map<string, JobProgress>(jobs.map((j) => [j.name, { job: j.name, kind: j.kind, status: 'pending' }]));
  for (const event of history) {
    const p = progress.get(state(event) ?? '');
    if (!p) continue;
    const at = event.timestamp?.toISOString();
    switch (event.type) {
      case 'TaskStateEntered':
        Object.assign(p, { status: 'running', ...(at ? { startedAt: at } : {}) });
        break;
      case 'TaskScheduled':
        p.attempts = (p.attempts ?? 0) + 1;
        break;
      case 'TaskSucceeded':
        p.status = 'succeeded';
        break;
      case 'TaskFailed':
      case 'TaskTimedOut':
      case 'TaskStartFailed':
      case 'TaskSubmitFailed': {
        const details = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails ?? event.taskStartFailedEventDetails ?? event.taskSubmitFailedEventDetails;
        if (details?.error) p.error = details.error;
        if (details?.cause) p.cause = details.cause;
        break;
      }
      case 'TaskStateExited':
        if (p.status !== 'succeeded') p.status = 'failed';
        if (at) p.stoppedAt = at;
        if (at && p.startedAt) p.durationMs = Date.parse(at) - Date.parse(p.startedAt);
        break;
    }
  }
  // An execution that ended (aborted, timed out) while a job ran ended that job too.
  if (status !== 'RUNNING') for (const p of progress.values()) if (p.status === 'running') p.status = 'failed';
  return [...progress.values()];
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
