/**
 * EventBridge `cron(...)` expressions: a hand-written parser and next-fire calculator.
 *
 * Why not a cron library: the npm cron parsers implement Unix cron (five fields, 0 = Sunday, no
 * year, `*` in both day fields). EventBridge uses a Quartz-like six-field syntax with a mandatory
 * year, `?`, `L`, `W` and `#`, and numbers the days of the week 1 = Sunday … 7 = Saturday (SCH-04,
 * SCH-05). Reusing a Unix parser would silently shift every weekday by one.
 *
 * Everything is UTC (SCH-01) and pure: no clock, no I/O. Used through `schedule-expression.ts`.
 */

/** Which days of the month a cron matches; `any` is `?` (the day-of-week field decides). */
export type CronDayOfMonth =
  | { kind: 'any' }
  | { kind: 'days'; days: readonly number[] }
  | { kind: 'last' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

/** Which days of the week a cron matches (1 = Sunday); `any` is `?` (day-of-month decides). */
export type CronDayOfWeek =
  | { kind: 'any' }
  | { kind: 'days'; days: readonly number[] }
  | { kind: 'lastInMonth'; day: number }
  | { kind: 'nth'; day: number; nth: number };

/** A parsed, valid `cron(...)` expression. Value lists are sorted and de-duplicated. */
export interface CronExpression {
  type: 'cron';
  text: string;
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: CronDayOfMonth;
  months: readonly number[];
  daysOfWeek: CronDayOfWeek;
  years: readonly number[];
}

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  allowStep: boolean;
  wrap: boolean;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

// SCH-04 ranges and SCH-05 wildcards. Ranges may wrap (`20-2` hours, SCH-07) except for years,
// where a backwards range has no sensible reading.
const MINUTES: FieldSpec = { label: 'minutes', min: 0, max: 59, allowStep: true, wrap: true };
const HOURS: FieldSpec = { label: 'hours', min: 0, max: 23, allowStep: true, wrap: true };
const DOM: FieldSpec = { label: 'day-of-month', min: 1, max: 31, allowStep: true, wrap: true };
const MONTH: FieldSpec = { label: 'month', min: 1, max: 12, names: MONTH_NAMES, allowStep: true, wrap: true };
const DOW: FieldSpec = { label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, allowStep: false, wrap: true };
const YEAR: FieldSpec = { label: 'year', min: 1970, max: 2199, allowStep: true, wrap: false };

/** Last year a cron can fire in (SCH-04); searches stop here. */
export const CRON_MAX_YEAR = YEAR.max;

const FIELD_LIST = 'minutes hours day-of-month month day-of-week year';

type Problems = { message: string }[];

function show(token: string): string {
  return /^\d+$/.test(token) ? token : `'${token}'`;
}

function allowed(spec: FieldSpec): string {
  const range = `${spec.min}-${spec.max}`;
  return spec.names ? `${range} or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : range;
}

/** One value: digits or (names are case-insensitive, as the EventBridge console accepts) a name. */
function parseValue(token: string, spec: FieldSpec, problems: Problems): number | undefined {
  const where = `cron() ${spec.label} field`;
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < spec.min || n > spec.max) {
      problems.push({ message: `${where}: ${n} is outside ${allowed(spec)}` });
      return undefined;
    }
    return n;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index >= 0) return spec.min + index;
  problems.push({ message: `${where}: ${show(token)} is not a value in ${allowed(spec)}` });
  return undefined;
}

/** A list of `*`, `n`, `a-b`, `a/s`, `*\/s`, `a-b/s` items, expanded to sorted values. */
function parseList(field: string, spec: FieldSpec, problems: Problems): number[] | undefined {
  const where = `cron() ${spec.label} field`;
  const values = new Set<number>();
  const before = problems.length;
  for (const item of field.split(',')) {
    if (item === '') {
      problems.push({ message: `${where}: empty item in list (given '${field}')` });
      continue;
    }
    if (item.includes('?')) {
      const hint = spec === DOM || spec === DOW ? 'must stand alone' : 'is only allowed in day-of-month and day-of-week';
      problems.push({ message: `${where}: '?' ${hint} (given '${field}')` });
      continue;
    }
    const parts = item.split('/');
    if (parts.length > 2) {
      problems.push({ message: `${where}: more than one '/' in ${show(item)}` });
      continue;
    }
    const [base = '', stepText] = parts;
    let step = 1;
    if (stepText !== undefined) {
      // SCH-05: no `/` in day-of-week.
      if (!spec.allowStep) {
        problems.push({ message: `${where}: '/' steps are not allowed in day-of-week (given '${item}')` });
        continue;
      }
      const span = spec.max - spec.min + 1;
      step = /^\d+$/.test(stepText) ? Number(stepText) : NaN;
      if (!(step >= 1 && step <= span)) {
        problems.push({ message: `${where}: step ${show(stepText)} is outside 1-${span}` });
        continue;
      }
    }
    let from: number | undefined;
    let to: number | undefined;
    if (base === '*') [from, to] = [spec.min, spec.max];
    else if (base.includes('-')) {
      const ends = base.split('-');
      if (ends.length !== 2) {
        problems.push({ message: `${where}: ${show(item)} is not a range like a-b` });
        continue;
      }
      from = parseValue(ends[0]!, spec, problems);
      to = parseValue(ends[1]!, spec, problems);
    } else {
      from = parseValue(base, spec, problems);
      // SCH-07: `a/b` starts at a and runs to the end of the field (`1/10` → 1, 11, 21 …).
      to = stepText === undefined ? from : spec.max;
    }
    if (from === undefined || to === undefined) continue;
    if (from > to && !spec.wrap) {
      problems.push({ message: `${where}: range ${from}-${to} runs backwards` });
      continue;
    }
    // SCH-07: a wrapping range (`20-2` hours) walks past the maximum back to the minimum; a step
    // counts along that walk.
    const length = from <= to ? to - from + 1 : spec.max - from + 1 + (to - spec.min + 1);
    for (let i = 0; i < length; i += step) {
      values.add(((from - spec.min + i) % (spec.max - spec.min + 1)) + spec.min);
    }
  }
  return problems.length > before ? undefined : [...values].sort((a, b) => a - b);
}

const SPECIAL_DOM = /^(L|LW|\d+W)$/i;
const SPECIAL_DOW = /^(L|(\d+|[a-z]{3})L|(\d+|[a-z]{3})#\d+)$/i;

function parseDayOfMonth(field: string, problems: Problems): CronDayOfMonth | undefined {
  if (field === '?') return { kind: 'any' };
  const items = field.split(',');
  if (items.some((item) => SPECIAL_DOM.test(item))) {
    // Like Quartz (and AWS), `L`/`W` forms stand alone rather than joining a list.
    if (items.length > 1) {
      problems.push({ message: `cron() day-of-month field: 'L' and 'W' cannot be combined with other days (given '${field}')` });
      return undefined;
    }
    const up = field.toUpperCase();
    if (up === 'L') return { kind: 'last' };
    if (up === 'LW') return { kind: 'lastWeekday' };
    const day = parseValue(up.slice(0, -1), DOM, problems);
    return day === undefined ? undefined : { kind: 'nearestWeekday', day };
  }
  const odd = items.find((item) => /[LW]/i.test(item));
  if (odd !== undefined) {
    problems.push({ message: `cron() day-of-month field: '${odd}' is not supported; use L, LW or a day with W such as 15W` });
    return undefined;
  }
  const days = parseList(field, DOM, problems);
  return days && { kind: 'days', days };
}

function parseDayOfWeek(field: string, problems: Problems): CronDayOfWeek | undefined {
  if (field === '?') return { kind: 'any' };
  const items = field.split(',');
  // SCH-05: only one `#` expression per field (`3#1,6#3` is rejected).
  if (items.filter((item) => item.includes('#')).length > 1) {
    problems.push({ message: `cron() day-of-week field: only one '#' expression is allowed (given '${field}')` });
    return undefined;
  }
  if (items.some((item) => SPECIAL_DOW.test(item))) {
    if (items.length > 1) {
      problems.push({ message: `cron() day-of-week field: 'L' and '#' cannot be combined with other days (given '${field}')` });
      return undefined;
    }
    const up = field.toUpperCase();
    // SCH-05: a bare `L` is the last day of the week, Saturday (7).
    if (up === 'L') return { kind: 'days', days: [7] };
    if (up.endsWith('L')) {
      const day = parseValue(up.slice(0, -1), DOW, problems);
      return day === undefined ? undefined : { kind: 'lastInMonth', day };
    }
    const [dayText = '', nthText = ''] = up.split('#');
    const day = parseValue(dayText, DOW, problems);
    const nth = Number(nthText);
    if (!(nth >= 1 && nth <= 5)) {
      problems.push({ message: `cron() day-of-week field: week ${show(nthText)} in '${field}' is outside 1-5` });
      return undefined;
    }
    return day === undefined ? undefined : { kind: 'nth', day, nth };
  }
  const odd = items.find((item) => /L|#/i.test(item));
  if (odd !== undefined) {
    problems.push({ message: `cron() day-of-week field: '${odd}' is not supported; use L, a day with L such as 6L, or day#week such as 3#2` });
    return undefined;
  }
  const days = parseList(field, DOW, problems);
  return days && { kind: 'days', days };
}

/**
 * Parse the inside of `cron(...)` into a {@link CronExpression}, or collect every problem found.
 * @example parseCron('0 18 ? * MON-FRI *', 'cron(0 18 ? * MON-FRI *)').ok // true
 */
export function parseCron(body: string, text: string): { ok: true; expression: CronExpression } | { ok: false; problems: Problems } {
  const problems: Problems = [];
  if (/^\s|\s$|\s\s|[^\S ]/.test(body)) {
    return { ok: false, problems: [{ message: `cron() fields must be separated by single spaces, with no other whitespace (given '${text}')` }] };
  }
  const fields = body === '' ? [] : body.split(' ');
  if (fields.length !== 6) {
    // SCH-04: the year field is mandatory, so Unix-style five-field crons are rejected here.
    return { ok: false, problems: [{ message: `cron() needs exactly 6 fields: ${FIELD_LIST} (given ${fields.length})` }] };
  }
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  const minutes = parseList(min, MINUTES, problems);
  const hours = parseList(hour, HOURS, problems);
  const daysOfMonth = parseDayOfMonth(dom, problems);
  const months = parseList(month, MONTH, problems);
  const daysOfWeek = parseDayOfWeek(dow, problems);
  const years = parseList(year, YEAR, problems);
  // SCH-06: exactly one of day-of-month / day-of-week is `?`. `?` in both is undocumented; the
  // conformance vectors (cron-both-question-marks) treat it as invalid, as Quartz does.
  if ((dom === '?') === (dow === '?')) {
    const fix = dom === '?' ? "put '*' or days in one of them" : "put '?' in the one you do not need";
    problems.push({ message: `cron() day-of-month and day-of-week fields: exactly one must be '?' (given '${dom}' and '${dow}'); ${fix}` });
  }
  if (problems.length > 0 || !minutes || !hours || !daysOfMonth || !months || !daysOfWeek || !years) {
    return { ok: false, problems };
  }
  return { ok: true, expression: { type: 'cron', text, minutes, hours, daysOfMonth, months, daysOfWeek, years } };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday … 7 = Saturday (SCH-04). */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** SCH-05 `W`: the weekday nearest `day`, never leaving the month; none if the month is shorter. */
function nearestWeekday(year: number, month: number, day: number, last: number): number | undefined {
  if (day > last) return undefined;
  const dow = weekday(year, month, day);
  if (dow === 7) return day === 1 ? 3 : day - 1; // Saturday: Friday before, or Monday the 3rd
  if (dow === 1) return day === last ? day - 2 : day + 1; // Sunday: Monday after, or Friday before
  return day;
}

/** The sorted days of one month a cron matches. At most 31 checks, so whole months skip fast. */
function matchingDays(cron: CronExpression, year: number, month: number): number[] {
  const last = daysInMonth(year, month);
  const dom = cron.daysOfMonth;
  switch (dom.kind) {
    case 'days':
      return dom.days.filter((d) => d <= last);
    case 'last':
      return [last];
    case 'lastWeekday':
      return [nearestWeekday(year, month, last, last)!];
    case 'nearestWeekday': {
      const d = nearestWeekday(year, month, dom.day, last);
      return d === undefined ? [] : [d];
    }
    case 'any':
      break;
  }
  const dow = cron.daysOfWeek;
  const first = weekday(year, month, 1);
  const dayOf = (target: number, week: number): number => 1 + ((target - first + 7) % 7) + 7 * (week - 1);
  switch (dow.kind) {
    case 'any': // unreachable for a parsed cron (SCH-06), kept total
      return Array.from({ length: last }, (_, i) => i + 1);
    case 'days':
      return Array.from({ length: last }, (_, i) => i + 1).filter((d) => dow.days.includes(((first - 1 + d - 1) % 7) + 1));
    case 'nth': {
      const d = dayOf(dow.day, dow.nth);
      return d <= last ? [d] : []; // `5#5` simply skips months without a fifth such day
    }
    case 'lastInMonth': {
      const d = dayOf(dow.day, 5);
      return [d <= last ? d : d - 7];
    }
  }
}

const MINUTE_MS = 60_000;

/**
 * The first minute matching `cron` at or after `from` (rounded up to a whole minute), or undefined
 * if none before the end of {@link CRON_MAX_YEAR}. Walks year → month → day → hour → minute and
 * only visits values the fields allow, so a never-again cron costs at most ~2,760 month checks.
 * @example nextCronMatch(cron, new Date('2026-01-01T00:00:00Z')) // 2026-01-01T12:15:00Z for cron(15 12 * * ? *)
 */
export function nextCronMatch(cron: CronExpression, from: Date): Date | undefined {
  const start = new Date(Math.ceil(from.getTime() / MINUTE_MS) * MINUTE_MS);
  const y0 = start.getUTCFullYear();
  const mo0 = start.getUTCMonth() + 1;
  const d0 = start.getUTCDate();
  const h0 = start.getUTCHours();
  const mi0 = start.getUTCMinutes();
  for (const year of cron.years) {
    if (year < y0) continue;
    const sameYear = year === y0;
    for (const month of cron.months) {
      if (sameYear && month < mo0) continue;
      const sameMonth = sameYear && month === mo0;
      for (const day of matchingDays(cron, year, month)) {
        if (sameMonth && day < d0) continue;
        const sameDay = sameMonth && day === d0;
        for (const hour of cron.hours) {
          if (sameDay && hour < h0) continue;
          const sameHour = sameDay && hour === h0;
          const minute = cron.minutes.find((m) => !sameHour || m >= mi0);
          if (minute !== undefined) return new Date(Date.UTC(year, month - 1, day, hour, minute));
        }
      }
    }
  }
  return undefined;
}
