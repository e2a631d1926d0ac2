/**
 * `schedule`: an EventBridge scheduled rule (rate() or cron(), UTC). Locally the engine clock fires it;
 * on AWS an EventBridge rule invokes the function (docs/aws-semantics.md SCH-*).
 */
import { Node } from './node.js';
import type { KindDefinition } from './kind.js';
import type { Problem } from './errors.js';
import { parseScheduleExpression } from './schedule-expression.js';

/** Props of a schedule. */
export interface ScheduleProps {
  /** `rate(5 minutes)` or `cron(0 12 * * ? *)`, EventBridge syntax (six cron fields, UTC). */
  expression: string;
  /** JSON passed as the event's `detail`. @default {} */
  detail?: Record<string, unknown>;
}

/** A schedule node. */
export class Schedule extends Node<'schedule', ScheduleProps> {
  /** This node's own problems: its props against AWS's limits. */
  problems(): Problem[] {
    return problemsOf(this);
  }

  readonly kind = 'schedule' as const;
}

/**
 * Declare a schedule.
 * @example const every5 = schedule('every-5-minutes', 'rate(5 minutes)');
 */
export function schedule(name: string, expression: string | ScheduleProps): Schedule {
  return new Schedule(name, typeof expression === 'string' ? { expression } : expression);
}

export const scheduleKind = {
  kind: 'schedule',
  noun: { one: 'schedule', many: 'schedules' },
  outgoing: {
    // EventBridge dead-letters a target it cannot invoke into the function's on-failure queue.
    fn: { meaning: 'scheduled event, async invoke with retries', options: [], delivery: { service: 'events', into: 'Failures' }, invokes: 'async' },
    flow: { meaning: 'scheduled event starts an execution', options: [] },
  },
  instead: {
    queue: 'schedule a function that sends the message: s.to(fn(...)).to(queue)',
    topic: 'schedule a function that publishes: s.to(fn(...)).to(topic)',
    bucket: 'schedule a function that writes objects: s.to(fn(...)).to(bucket)',
  },
  permissions: {},
  name: { pattern: /^[A-Za-z0-9_.-]+$/, description: 'letters, digits, dots, hyphens and underscores', maxLength: 50 },
  parts: {
    Rule: { type: 'AWS::Events::Rule', name: '{name}', physicalId: 'name', arn: { service: 'events', regional: true, resource: 'rule/{name}' } },
  },
  deadLetters: null,
  data: { ops: ['fire', 'trigger'] },
  binding: null,
} as const satisfies KindDefinition<Schedule>;

/** The problems of one schedule node's own props, against AWS's limits (the pipeline adds its edges'). */
function problemsOf(node: Schedule): Problem[] {
  const problems: Problem[] = [];
  const expression = node.props?.expression;
  if (typeof expression !== 'string') {
    problems.push({ code: 'SLUICE_E_SCHEDULE_EXPRESSION', node: node.name, field: 'expression', message: `${node}: expression is required, e.g. schedule('${node.name}', 'rate(5 minutes)')` });
    return problems;
  }
  const parsed = parseScheduleExpression(expression, 'rule');
  if (!parsed.ok) {
    for (const p of parsed.problems) {
      problems.push({ code: 'SLUICE_E_SCHEDULE_EXPRESSION', node: node.name, field: 'expression', message: `${node}: expression '${expression}': ${p.message}; see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html` });
    }
  }
  return problems;
}
