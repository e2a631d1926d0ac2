/**
 * Schedule expressions against every vector in the conformance file
 * (`test/conformance/schedule-cases.json`, docs/aws-semantics.md §7 SCH-01..SCH-11), plus edge cases of
 * our own for `L`, `W`, `#`, 1 = Sunday, wrapping ranges, rate phase, `at()` and error messages.
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  nextFireTime,
  nextFireTimes,
  parseScheduleExpression,
  ratePeriodMs,
  type ScheduleExpression,
  type ScheduleFlavor,
} from '../../src/model/schedule-expression.js';

interface ScheduleCase {
  id: string;
  expression: string;
  appliesTo: 'both' | 'events-rule' | 'scheduler';
  valid: boolean;
  nextFires?: string[];
  note?: string;
}

const vectors = JSON.parse(
  readFileSync(new URL('../conformance/schedule-cases.json', import.meta.url), 'utf8'),
) as { _meta: { referenceInstant: string }; cases: ScheduleCase[] };

// `_meta.referenceInstant` reads "2026-01-01T00:00:00Z (a Thursday)": the instant is the first word.
const reference = new Date(vectors._meta.referenceInstant.split(' ')[0]!);

/** Cases we cannot honour, by id, with the reason. Empty: every vector passes. */
const SKIP: Record<string, string> = {};

const FLAVORS: Record<ScheduleCase['appliesTo'], ScheduleFlavor[]> = {
  both: ['rule', 'scheduler'],
  'events-rule': ['rule'],
  scheduler: ['scheduler'],
};

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());
const isoOf = (texts: string[]): string[] => texts.map((t) => new Date(t).toISOString());

function parse(text: string, flavor: ScheduleFlavor = 'rule'): ScheduleExpression {
  const result = parseScheduleExpression(text, flavor);
  assert.ok(result.ok, `${text} should be valid: ${result.ok ? '' : result.problems.map((p) => p.message).join('; ')}`);
  return result.expression;
}

function problemsOf(text: string, flavor: ScheduleFlavor = 'rule'): string[] {
  const result = parseScheduleExpression(text, flavor);
  assert.ok(!result.ok, `${text} should be invalid`);
  return result.problems.map((p) => p.message);
}

function fires(text: string, count = 3, after = reference, flavor: ScheduleFlavor = 'rule'): string[] {
  return iso(nextFireTimes(parse(text, flavor), after, count));
}

describe('conformance vectors: schedule-cases.json', () => {
  test('the reference instant is readable', () => {
    assert.equal(reference.toISOString(), '2026-01-01T00:00:00.000Z');
  });

  for (const c of vectors.cases) {
    const skip = SKIP[c.id];
    test(c.id, skip ? { skip } : {}, () => {
      const flavors = FLAVORS[c.appliesTo];
      assert.ok(flavors, `unknown appliesTo '${c.appliesTo}'`);
      for (const flavor of flavors) {
        const result = parseScheduleExpression(c.expression, flavor);
        if (!c.valid) {
          assert.equal(result.ok, false, `${c.expression} (${flavor}) should be rejected`);
          if (result.ok) continue;
          assert.ok(result.problems.length > 0);
          // The error names the kind of expression and shows what was given.
          const kind = /^(rate|cron|at)\(/.exec(c.expression)?.[1];
          const tokens = c.expression.replace(/^\w+\(|\)$/g, '').split(' ').filter(Boolean);
          for (const { message } of result.problems) {
            assert.ok(message.startsWith(kind ? `${kind}()` : 'Schedule expression'), message);
            assert.ok(tokens.some((t) => message.includes(t)) || /\(given /.test(message), message);
          }
          continue;
        }
        assert.ok(result.ok, `${c.expression} (${flavor}): ${result.ok ? '' : result.problems.map((p) => p.message).join('; ')}`);
        // Rate phase assumption (_meta.rateSemantics, case notes): created/started at the reference instant.
        const got = nextFireTimes(result.expression, reference, 3, reference);
        assert.deepEqual(iso(got), isoOf(c.nextFires ?? []), `${c.expression} (${flavor})`);
        assert.equal(nextFireTime(result.expression, reference, reference)?.toISOString(), got[0]?.toISOString());
      }
    });
  }
});

describe('cron day-of-month L and W', () => {
  test('15W on a weekday, a Sunday (Feb/Mar 2026: the Monday after) and a Saturday (Aug 2026: the Friday before)', () => {
    assert.deepEqual(fires('cron(0 9 15W * ? 2026)'), isoOf(['2026-01-15T09:00Z', '2026-02-16T09:00Z', '2026-03-16T09:00Z']));
    assert.deepEqual(fires('cron(0 9 15W 8 ? 2026)'), isoOf(['2026-08-14T09:00Z']));
  });

  test('W never leaves the month: 1W on Saturday 1 Aug 2026 is Monday the 3rd, 31W on Sunday 31 May is Friday the 29th', () => {
    assert.deepEqual(fires('cron(0 9 1W 8 ? 2026)'), isoOf(['2026-08-03T09:00Z']));
    assert.deepEqual(fires('cron(0 9 31W 5 ? 2026)'), isoOf(['2026-05-29T09:00Z']));
  });

  test('LW is the last weekday: Jan and Feb 2026 end on a Saturday', () => {
    assert.deepEqual(fires('cron(0 18 LW * ? 2026)'), isoOf(['2026-01-30T18:00Z', '2026-02-27T18:00Z', '2026-03-31T18:00Z']));
  });

  test('L in February follows leap years', () => {
    assert.deepEqual(fires('cron(0 0 L 2 ? *)'), isoOf(['2026-02-28T00:00Z', '2027-02-28T00:00Z', '2028-02-29T00:00Z']));
  });

  test('day 31 skips shorter months', () => {
    assert.deepEqual(fires('cron(0 0 31 * ? 2026)'), isoOf(['2026-01-31T00:00Z', '2026-03-31T00:00Z', '2026-05-31T00:00Z']));
  });
});

describe('cron day-of-week', () => {
  test('1 = Sunday and 7 = Saturday (SCH-04); SUN is 1', () => {
    assert.deepEqual(fires('cron(0 0 ? * 1 *)'), isoOf(['2026-01-04T00:00Z', '2026-01-11T00:00Z', '2026-01-18T00:00Z']));
    assert.deepEqual(fires('cron(0 0 ? * SUN *)'), fires('cron(0 0 ? * 1 *)'));
    assert.deepEqual(fires('cron(0 0 ? * 7 *)'), isoOf(['2026-01-03T00:00Z', '2026-01-10T00:00Z', '2026-01-17T00:00Z']));
  });

  test('a bare L is the last day of the week, Saturday', () => {
    assert.deepEqual(fires('cron(0 0 ? * L *)'), fires('cron(0 0 ? * SAT *)'));
  });

  test('5#5 skips months without a fifth Thursday', () => {
    assert.deepEqual(fires('cron(0 0 ? * 5#5 *)'), isoOf(['2026-01-29T00:00Z', '2026-04-30T00:00Z', '2026-07-30T00:00Z']));
  });

  test('3#2 is the second Tuesday', () => {
    assert.deepEqual(fires('cron(30 6 ? * 3#2 *)'), isoOf(['2026-01-13T06:30Z', '2026-02-10T06:30Z', '2026-03-10T06:30Z']));
  });

  test('names are case-insensitive, as in the EventBridge console', () => {
    assert.deepEqual(fires('cron(0 18 ? jan-feb mon-fri *)'), fires('cron(0 18 ? JAN-FEB MON-FRI *)'));
  });

  test('a wrapping day range FRI-MON covers Friday to Monday', () => {
    assert.deepEqual(fires('cron(0 0 ? * FRI-MON *)', 4), isoOf(['2026-01-02T00:00Z', '2026-01-03T00:00Z', '2026-01-04T00:00Z', '2026-01-05T00:00Z']));
  });
});

describe('cron ranges, steps and the search', () => {
  test('hours 20-2 wrap past midnight (SCH-07)', () => {
    assert.deepEqual(fires('cron(0 20-2 ? * THU *)'), isoOf(['2026-01-01T01:00Z', '2026-01-01T02:00Z', '2026-01-01T20:00Z']));
  });

  test('a step counts along a wrapping range: 22-3/2 is 22, 0, 2', () => {
    assert.deepEqual(fires('cron(0 22-3/2 * * ? *)'), isoOf(['2026-01-01T02:00Z', '2026-01-01T22:00Z', '2026-01-02T00:00Z']));
  });

  test('strictly after: a reference mid-minute moves to the next whole minute', () => {
    assert.deepEqual(fires('cron(* * * * ? *)', 2, new Date('2026-01-01T00:00:30Z')), isoOf(['2026-01-01T00:01Z', '2026-01-01T00:02Z']));
  });

  test('agrees with a minute-by-minute scan over two days', () => {
    const text = 'cron(5-20/7,59 20-2 ? * MON,THU,SAT *)';
    const expected: string[] = [];
    for (let t = reference.getTime() + 60_000; t < reference.getTime() + 2 * 86_400_000; t += 60_000) {
      const d = new Date(t);
      const minuteOk = [5, 12, 19, 59].includes(d.getUTCMinutes());
      const hourOk = d.getUTCHours() >= 20 || d.getUTCHours() <= 2;
      const dayOk = [2, 5, 7].includes(d.getUTCDay() + 1);
      if (minuteOk && hourOk && dayOk) expected.push(d.toISOString());
    }
    assert.deepEqual(fires(text, expected.length), expected);
  });

  test('a cron that can never fire again returns nothing, quickly', () => {
    const started = performance.now();
    assert.deepEqual(fires('cron(0 0 31 2 ? *)'), []);
    assert.deepEqual(fires('cron(0/5 * ? * 5#5 2019-2025)'), []);
    assert.equal(nextFireTime(parse('cron(15 10 ? * 6L 2019-2022)'), reference), undefined);
    assert.ok(performance.now() - started < 500, 'search must skip by field, not scan minutes');
  });

  test('the search stops at 2199', () => {
    assert.deepEqual(fires('cron(0 0 1 1 ? *)', 2, new Date('2199-06-01T00:00:00Z')), []);
    assert.deepEqual(fires('cron(0 0 1 1 ? 2199)', 2, new Date('2198-06-01T00:00:00Z')), isoOf(['2199-01-01T00:00Z']));
  });
});

describe('rate phase and at()', () => {
  test('rate fires at start + k * period, strictly after `after` (SCH-03)', () => {
    const every5 = parse('rate(5 minutes)');
    const created = new Date('2025-12-31T23:58:00Z');
    assert.deepEqual(iso(nextFireTimes(every5, reference, 2, created)), isoOf(['2026-01-01T00:03Z', '2026-01-01T00:08Z']));
    assert.equal(ratePeriodMs(every5 as ScheduleExpression & { type: 'rate' }), 300_000);
  });

  test('a start in the future is itself the first fire (Scheduler StartDate)', () => {
    const daily = parse('rate(1 day)', 'scheduler');
    const startDate = new Date('2026-02-01T06:00:00Z');
    assert.deepEqual(iso(nextFireTimes(daily, reference, 2, startDate)), isoOf(['2026-02-01T06:00Z', '2026-02-02T06:00Z']));
  });

  test('at() is Scheduler-only, fires once, and must be a real date (SCH-09)', () => {
    const once = parse('at(2026-03-01T10:30:00)', 'scheduler');
    assert.deepEqual(iso(nextFireTimes(once, reference, 3)), isoOf(['2026-03-01T10:30:00Z']));
    assert.equal(nextFireTime(once, new Date('2026-03-01T10:30:00Z')), undefined);
    assert.match(problemsOf('at(2026-03-01T10:30:00)', 'rule')[0]!, /only supported by EventBridge Scheduler/);
    assert.match(problemsOf('at(2026-02-30T10:30:00)', 'scheduler')[0]!, /not a real calendar date/);
    assert.match(problemsOf('at(2026-03-01T10:30:00Z)', 'scheduler')[0]!, /without time zone/);
  });
});

describe('error messages name the field, the allowed range and the value given', () => {
  const cases: [string, string][] = [
    ['cron(71 8 1 * ? *)', 'cron() minutes field: 71 is outside 0-59'],
    ['cron(0 dummy ? * MON-FRI *)', "cron() hours field: 'dummy' is not a value in 0-23"],
    ['cron(0 12 * * ?)', 'cron() needs exactly 6 fields: minutes hours day-of-month month day-of-week year (given 5)'],
    ['cron(0 12 ? 13 MON *)', 'cron() month field: 13 is outside 1-12 or JAN-DEC'],
    ['cron(0 12 ? * 0 *)', 'cron() day-of-week field: 0 is outside 1-7 or SUN-SAT'],
    ['cron(0 12 ? * MON 2200)', 'cron() year field: 2200 is outside 1970-2199'],
    ['cron(0 12 ? * 1/2 *)', "cron() day-of-week field: '/' steps are not allowed in day-of-week (given '1/2')"],
    ['cron(0 12 ? * 3#1,6#3 *)', "cron() day-of-week field: only one '#' expression is allowed (given '3#1,6#3')"],
    ['cron(0 12 ? * 2#6 *)', "cron() day-of-week field: week 6 in '2#6' is outside 1-5"],
    ['cron(0 12 L-2 * ? *)', "cron() day-of-month field: 'L-2' is not supported; use L, LW or a day with W such as 15W"],
    ['cron(0 12 ? * 6L-1 *)', "cron() day-of-week field: '6L-1' is not supported; use L, a day with L such as 6L, or day#week such as 3#2"],
    ['cron(0/0 12 ? * MON *)', 'cron() minutes field: step 0 is outside 1-60'],
    ['cron(0 12 ? * MON 2030-2020)', 'cron() year field: range 2030-2020 runs backwards'],
    ['cron(? 12 ? * MON *)', "cron() minutes field: '?' is only allowed in day-of-month and day-of-week (given '?')"],
    ['cron(0 1 * * * *)', "cron() day-of-month and day-of-week fields: exactly one must be '?' (given '*' and '*'); put '?' in the one you do not need"],
    ['cron(0  12 ? * MON *)', "cron() fields must be separated by single spaces, with no other whitespace (given 'cron(0  12 ? * MON *)')"],
    ['rate(1 hours)', "rate() unit: a value of 1 needs 'hour' (given 'hours')"],
    ['rate(5 hour)', "rate() unit: a value above 1 needs 'hours' (given 'hour')"],
    ['rate(0 minutes)', "rate() value: '0' is not a positive integer"],
    ['rate( 10 minutes )', "rate() needs a value and a unit separated by one space, e.g. rate(5 minutes) (given 'rate( 10 minutes )')"],
    [' rate(5 minutes)', "Schedule expression must be rate(...) or cron(...), lower case with no surrounding whitespace (given ' rate(5 minutes)')"],
  ];
  for (const [text, message] of cases) {
    test(text, () => assert.deepEqual(problemsOf(text), [message]));
  }

  test('every problem is reported, not just the first', () => {
    assert.equal(problemsOf('cron(60 24 32 * ? 1969)').length, 4);
  });
});
