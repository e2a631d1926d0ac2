/**
 * A schedule's cost: its EventBridge rule fires (rate or cron, counted over a 730-hour month) are not
 * billed; each fire is one input to the function or one execution of the flow it targets.
 */
import type { Schedule } from '../../model/schedule.js';
import { nextFireTimes, parseScheduleExpression, ratePeriodMs } from '../../model/schedule-expression.js';
import { HOURS_PER_MONTH } from '../../model/expected.js';
import type { KindCost } from '../kind.js';
import { fmt } from '../lambda.js';

/** Bytes of a scheduled event. */
const EVENT_BYTES = 300;
const MONTH_MS = HOURS_PER_MONTH * 3_600_000;

/**
 * How many times a schedule expression fires in a 730-hour month: a rate's period divided into the
 * month; a cron's fires over the year 2026, divided by 12 (so a daily cron is 30.42, not 30 or 31).
 */
export function firesPerMonth(expression: string): number {
  const parsed = parseScheduleExpression(expression, 'rule');
  if (!parsed.ok) return 0;
  if (parsed.expression.type === 'rate') return MONTH_MS / ratePeriodMs(parsed.expression);
  const start = Date.UTC(2026, 0, 1);
  const end = Date.UTC(2027, 0, 1);
  let fires = 0;
  let after = new Date(start - 1);
  // In pages, so a per-minute cron (525,600 fires a year) does not need one huge array.
  for (;;) {
    const page = nextFireTimes(parsed.expression, after, 1000).filter((d) => d.getTime() < end);
    fires += page.length;
    if (page.length < 1000) return fires / 12;
    after = page[page.length - 1]!;
  }
}

export const scheduleCost: KindCost<Schedule> = {
  unit: 'fires',
  sourceLabel: 'schedule',
  source: (node) => ({ count: firesPerMonth(node.props.expression), bytes: EVENT_BYTES }),
  passes: (_node, inflow) => ({ ...inflow }),
  lines: (node, inflow, ctx) => [ctx.line('events.scheduled', inflow.count, `${fmt(inflow.count)} fires of '${node.props.expression}'`)],
};
