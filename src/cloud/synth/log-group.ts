/**
 * A node's own log group (a function's, a job's, a state machine's): named by its kind's `LogGroup`
 * part, with the stage's retention, deleted with the stack. One definition for every kind that logs.
 */
import type { Fn } from '../../model/fn.js';
import type { Job } from '../../model/job.js';
import type { Flow } from '../../model/flow.js';
import { idOf, paths } from './ids.js';
import { SCRATCH, type SynthContext } from './context.js';

/** Add `node`'s log group to the template; returns its logical id. */
export function addLogGroup(ctx: SynthContext, node: Fn | Job | Flow): string {
  const id = idOf(node, 'LogGroup');
  ctx.add(node.name, id, paths.node(node, 'LogGroup'), {
    Type: 'AWS::Logs::LogGroup',
    ...SCRATCH,
    Properties: { LogGroupName: ctx.physical(node, 'LogGroup'), RetentionInDays: ctx.settings.logRetentionDays, Tags: ctx.tags(node) },
  }, { 'sluice:optOuts': [{ rule: 'LOG-2', reason: 'CloudWatch Logs encrypts log data at rest by default; a customer managed key adds cost and a key policy for logs.<region>.amazonaws.com' }] });
  return id;
}
