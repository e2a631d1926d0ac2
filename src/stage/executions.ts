/**
 * The errors of a flow's executions, the same on every stage: a trigger refused because an execution
 * is running (`overlap: 'refuse'`), and an execution id the flow does not have. Both adapters raise
 * them through these functions, so the codes and the words are one.
 */
import { InputError } from '../model/errors.js';

/**
 * A flow triggered while `running` (its id or name) runs, and its overlap refuses.
 * @example throw flowRunningError('nightly', 'manual-2024-05-01', ' --stage dev')
 */
export function flowRunningError(flow: string, running: string, commandSuffix: string): InputError {
  return new InputError('SLUICE_E_FLOW_RUNNING', `flow '${flow}' is running (execution '${running}') and its overlap is 'refuse', so a second execution was not started; wait for it (sluice executions ${flow}${commandSuffix}), or declare flow('${flow}', [...], { overlap: 'queue' }) to start the next one after it`, { node: flow, field: 'overlap', given: running, expected: 'no running execution' });
}

/**
 * An execution id (or ARN) the flow has no execution for.
 * @example throw unknownExecutionError('nightly', 'arn:...:nope', ' --stage dev')
 */
export function unknownExecutionError(flow: string, id: string, commandSuffix: string): InputError {
  return new InputError('SLUICE_E_EXECUTION_UNKNOWN', `flow '${flow}' has no execution '${id}'; list its executions with: sluice executions ${flow}${commandSuffix}`, { node: flow, field: 'execution', given: id });
}
