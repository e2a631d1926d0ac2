/**
 * EventBridge schedule expressions — `rate(...)`, `cron(...)` and (Scheduler only) `at(...)` —
 * parsed and validated the way AWS does, with a calculator for the next fire times.
 *
 * The engine uses it to drive scheduled nodes locally; the synthesizer uses it to reject
 * expressions before deploy, because cfn-lint misses several that AWS rejects (SCH-11).
 *
 * The parser is hand-written on purpose: cron-parser libraries implement Unix cron, not
 * EventBridge's six-field syntax with `?`, `L`, `W`, `#`, 1 = Sunday and a year field (see
 * `cron-expression.ts`). Pure module: no clock, no I/O, all times UTC (SCH-01).
 */

import { nextCronMatch, parseCron, type CronExpression } from './cron-expression.js';

export type { CronDayOfMonth, CronDayOfWeek, CronExpression } from './cron-expression.js';

/** Where the expression is used: an EventBridge scheduled rule (default) or EventBridge Scheduler. */
export type ScheduleFlavor = 'rule' | 'scheduler';

/** A parsed, valid schedule expression; `text` is the original string. */
export type ScheduleExpression =
  | { type: 'rate'; value: number; unit: 'minute' | 'hour' | 'day'; text: string }
  | CronExpression
  | { type: 'at'; text: string; at: Date };

/** One reason an expression is invalid: a sentence-case message naming the part and the value given. */
export interface ScheduleProblem {
  message: string;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** What {@link parseScheduleExpression} returns: the expression, or every problem found. */
export type ScheduleParseResult = { ok: true; expression: ScheduleExpression } | { ok: false; problems: ScheduleProblem[] };
type Result = ScheduleParseResult;

function fail(message: string): Result {
  return { ok: false, problems: [{ message }] };
}

function parseRate(body: string, text: string): Result {
  // SCH-02: exactly `value unit` with one space; no padding, no tabs, no case folding.
  const parts = body.split(' ');
  if (parts.length !== 2 || parts.some((p) => p === '' || /\s/.test(p))) {
    return fail(`rate() needs a value and a unit separated by one space, e.g. rate(5 minutes) (given '${text}')`);
  }
  const [valueText, unitText] = parts as [string, string];
  const problems: ScheduleProblem[] = [];
  const value = /^\d+$/.test(valueText) ? Number(valueText) : NaN;
  if (!(value >= 1 && Number.isSafeInteger(value))) {
    problems.push({ message: `rate() value: '${valueText}' is not a positive integer` });
  }
  const singular = unitText.endsWith('s') ? unitText.slice(0, -1) : unitText;
  if (!Object.hasOwn(UNIT_MS, singular)) {
    problems.push({
      message: `rate() unit: '${unitText}' is not one of minute, minutes, hour, hours, day, days (lower case; no seconds, weeks or years)`,
    });
  } else if (problems.length === 0) {
    // SCH-02: singular unit iff the value is 1 (`rate(1 hours)` and `rate(5 hour)` are rejected).
    const plural = unitText !== singular;
    if (value === 1 && plural) problems.push({ message: `rate() unit: a value of 1 needs '${singular}' (given '${unitText}')` });
    if (value > 1 && !plural) problems.push({ message: `rate() unit: a value above 1 needs '${unitText}s' (given '${unitText}')` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, expression: { type: 'rate', value, unit: singular as keyof typeof UNIT_MS, text } };
}

function parseAt(body: string, text: string, flavor: ScheduleFlavor): Result {
  // SCH-09: one-time schedules exist only in EventBridge Scheduler.
  if (flavor !== 'scheduler') {
    return fail(`at() one-time schedules are only supported by EventBridge Scheduler, not scheduled rules (given '${text}')`);
  }
  // SCH-09: local date-time without `Z` or offset; the time zone is a separate parameter (UTC here).
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) return fail(`at() needs a date and time as yyyy-mm-ddThh:mm:ss, without time zone (given '${text}')`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const roundTrips =
    at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day &&
    at.getUTCHours() === hour && at.getUTCMinutes() === minute && at.getUTCSeconds() === second;
  if (!roundTrips) return fail(`at() date and time: '${body}' is not a real calendar date and time`);
  return { ok: true, expression: { type: 'at', text, at } };
}

/**
 * Parse and validate an EventBridge schedule expression. Invalid input yields every problem found,
 * each naming the field, the allowed range and the value given.
 * @param flavor `'rule'` (default) for `AWS::Events::Rule`, `'scheduler'` for `AWS::Scheduler::Schedule` (adds `at()`).
 * @example
 * parseScheduleExpression('cron(0 18 ? * MON-FRI *)') // { ok: true, expression: { type: 'cron', … } }
 * parseScheduleExpression('cron(71 8 1 * ? *)')
 * // { ok: false, problems: [{ message: 'cron() minutes field: 71 is outside 0-59' }] }
 */
export function parseScheduleExpression(text: string, flavor: ScheduleFlavor = 'rule'): Result {
  const match = /^(rate|cron|at)\((.*)\)$/s.exec(text);
  if (!match) {
    const kinds = flavor === 'scheduler' ? 'rate(...), cron(...) or at(...)' : 'rate(...) or cron(...)';
    return fail(`Schedule expression must be ${kinds}, lower case with no surrounding whitespace (given '${text}')`);
  }
  const [, kind, body = ''] = match;
  if (kind === 'rate') return parseRate(body, text);
  if (kind === 'at') return parseAt(body, text, flavor);
  return parseCron(body, text);
}

/**
 * Period in milliseconds of a `rate()` expression.
 * @example ratePeriodMs({ type: 'rate', value: 5, unit: 'minute', text: 'rate(5 minutes)' }) // 300000
 */
export function ratePeriodMs(expression: ScheduleExpression & { type: 'rate' }): number {
  return expression.value * UNIT_MS[expression.unit];
}

/**
 * Next fire times strictly after `after`, at most `count` of them, in order. Cron fires are whole
 * UTC minutes (AWS fires somewhere within that minute, SCH-01); a cron whose years are past or
 * exhausted yields fewer, or none (SCH-08); `at()` yields its instant if still ahead.
 *
 * For rate(), `start` is when the schedule was created or its StartDate (phase, SCH-03); it fires
 * at `start + k * period` for k = 0, 1, 2 …, so `start` itself counts when it lies after `after`
 * (Scheduler without a StartDate invokes immediately). `start` defaults to `after`.
 * @example
 * nextFireTimes(parsed, new Date('2026-01-01T00:00:00Z'), 3) // rate(5 minutes): 00:05, 00:10, 00:15
 */
export function nextFireTimes(expression: ScheduleExpression, after: Date, count: number, start?: Date): Date[] {
  const fires: Date[] = [];
  if (!(count >= 1)) return fires;
  switch (expression.type) {
    case 'at':
      if (expression.at.getTime() > after.getTime()) fires.push(new Date(expression.at.getTime()));
      return fires;
    case 'rate': {
      const period = ratePeriodMs(expression);
      const phase = (start ?? after).getTime();
      const since = after.getTime() - phase;
      let k = since < 0 ? 0 : Math.floor(since / period) + 1;
      while (fires.length < count) fires.push(new Date(phase + period * k++));
      return fires;
    }
    case 'cron': {
      // Strictly after: the earliest candidate is the first whole minute later than `after`.
      let from = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
      while (fires.length < count) {
        const next = nextCronMatch(expression, from);
        if (!next) break;
        fires.push(next);
        from = new Date(next.getTime() + 60_000);
      }
      return fires;
    }
  }
}

/**
 * The first fire strictly after `after`, or undefined if there is none ever (past-only year range).
 * @example nextFireTime(parsed, new Date('2026-01-01T00:00:00Z')) // cron(0 0 1 1 ? *): 2027-01-01T00:00:00Z
 */
export function nextFireTime(expression: ScheduleExpression, after: Date, start?: Date): Date | undefined {
  return nextFireTimes(expression, after, 1, start)[0];
}
