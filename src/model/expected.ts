/**
 * What a node is expected to see in a month, declared on the node for `sluice cost`: the volume a
 * source receives (`bucket('raw', { expected: { objects: '1M/month', size: '200KB' } })`), and what a
 * step does per input (how long it runs, how many outputs it writes). Pure data and its validation:
 * the estimate lives in src/cost/. Rates, sizes and durations parse here so the model rejects a
 * malformed declaration before anything runs.
 */
import type { AnyNode, Kind } from './node.js';
import type { Problem } from './errors.js';
import { durationMs, type Duration } from './duration.js';

/**
 * How many a month: a number (per month), or text `<n>[K|M|B]/<month|day|hour|minute|second>`:
 * `'1M/month'`, `'10/day'`, `'2.5K/hour'`. A month is 730 hours, as AWS's pricing pages count it.
 */
export type Rate = number | string;

/** A size: bytes as a number, or text with a unit: `'512B'`, `'200KB'`, `'1.5MB'`, `'2GB'` (binary: 1 KB = 1024 bytes). */
export type Size = number | string;

/** Expected volume of a bucket: objects landing from outside the pipeline, and their average size. */
export interface ExpectedObjects {
  /** Objects put into the bucket from outside the pipeline. @default 0 */
  objects?: Rate;
  /** Average object size. @default '1KB' */
  size?: Size;
}

/** Expected volume of a queue or topic: messages sent from outside the pipeline, and their average size. */
export interface ExpectedMessages {
  /** Messages sent (queue) or published (topic) from outside the pipeline. @default 0 */
  messages?: Rate;
  /** Average message size. @default '1KB' */
  size?: Size;
}

/** What one run of a step (a function per input, a job per flow execution) is expected to do. */
export interface ExpectedStep {
  /** How long one input takes (billed duration). @default '100ms' for functions, '1m' for jobs and Glue jobs */
  duration?: Duration;
  /** Outputs each input gives each downstream bucket, queue or topic (objects written, messages sent). @default 1 */
  outputsPerInput?: number;
  /** Emails each input sends each notify node downstream (`ctx.notify`). @default 0 */
  emailsPerInput?: number;
  /** Average size of each output. @default the input's size */
  size?: Size;
  /** Table items read per input (each up to 4 KB, eventually consistent: half a read unit). @default 0 */
  tableReads?: number;
  /** Table items written per input (each up to 1 KB: one write unit). @default 0 */
  tableWrites?: number;
  /** Log bytes written per input, beyond Lambda's own START/END/REPORT lines. @default '1KB' */
  logSize?: Size;
}

/** What a service is expected to be asked, for `sluice cost`: the characters of a typical document. */
export interface ExpectedDocuments {
  /** Characters of a typical text sent to the service. @default 300 */
  characters?: number;
}

/** Expected contents of a table, for its storage. */
export interface ExpectedItems {
  /** Items kept in the table. @default 0 */
  items?: number;
  /** Average item size. @default '1KB' */
  itemSize?: Size;
}

/** Which fields each kind's `expected` takes. */
const FIELDS: Partial<Record<Kind, readonly string[]>> = {
  bucket: ['objects', 'size'],
  queue: ['messages', 'size'],
  topic: ['messages', 'size'],
  fn: ['duration', 'outputsPerInput', 'emailsPerInput', 'size', 'tableReads', 'tableWrites', 'logSize'],
  job: ['duration', 'outputsPerInput', 'size', 'logSize'],
  glueJob: ['duration', 'outputsPerInput', 'size'],
  table: ['items', 'itemSize'],
  comprehend: ['characters'],
};

/** A month, in hours, as AWS's pricing pages and calculator count it. */
export const HOURS_PER_MONTH = 730;

const PER_MONTH: Record<string, number> = { month: 1, day: HOURS_PER_MONTH / 24, hour: HOURS_PER_MONTH, minute: HOURS_PER_MONTH * 60, second: HOURS_PER_MONTH * 3600 };
const MULTIPLIER: Record<string, number> = { '': 1, K: 1e3, M: 1e6, B: 1e9 };
const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/**
 * A rate as a number a month, or undefined when it cannot be read.
 * @example ratePerMonth('10/day') // 304.1666...
 */
export function ratePerMonth(value: Rate): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([KMB]?)\s*\/\s*(month|day|hour|minute|second)$/.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * MULTIPLIER[m[2]!]! * PER_MONTH[m[3]!]!;
}

/**
 * A size in bytes, or undefined when it cannot be read.
 * @example sizeBytes('200KB') // 204800
 */
export function sizeBytes(value: Size): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)$/i.exec(value.trim());
  return m ? Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]! : undefined;
}

/** The problems of a node's `expected` declaration: unknown fields, and values that do not parse. */
export function expectedProblems(node: AnyNode): Problem[] {
  const expected = (node.props as { expected?: unknown }).expected;
  if (expected === undefined) return [];
  const problems: Problem[] = [];
  const fields = FIELDS[node.kind] ?? [];
  const push = (field: string, given: unknown, expectedText: string, message: string) =>
    problems.push({ code: 'SLUICE_E_COST_EXPECTED', node: node.name, field: `expected.${field}`, given, expected: expectedText, message: `${node}: ${message}` });
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) {
    push('', expected, `an object with ${fields.join(', ')}`, `expected must be an object with ${fields.join(', ') || 'no fields'} (given ${JSON.stringify(expected)})`);
    return problems;
  }
  for (const [field, value] of Object.entries(expected)) {
    if (!fields.includes(field)) {
      push(field, value, fields.join(', '), `expected.${field} is not something a ${node.kind} expects; use ${fields.length ? fields.join(', ') : 'nothing: this kind takes no expected volume'}`);
      continue;
    }
    if (value === undefined) continue;
    if (field === 'objects' || field === 'messages') {
      if (ratePerMonth(value as Rate) === undefined) push(field, value, "a number a month, or '<n>[K|M|B]/<month|day|hour|minute|second>'", `expected.${field} must be a number a month or a rate like '1M/month' or '10/day' (given ${JSON.stringify(value)})`);
    } else if (field === 'size' || field === 'logSize' || field === 'itemSize') {
      if (sizeBytes(value as Size) === undefined) push(field, value, "bytes, or '<n>B|KB|MB|GB'", `expected.${field} must be bytes or a size like '200KB' (given ${JSON.stringify(value)})`);
    } else if (field === 'duration') {
      if (durationMs(value as Duration) === undefined) push(field, value, "seconds, or '<n>ms|s|m|h'", `expected.duration must be seconds or a duration like '250ms' (given ${JSON.stringify(value)})`);
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      push(field, value, 'a number from 0 up', `expected.${field} must be a number from 0 up (given ${JSON.stringify(value)})`);
    }
  }
  return problems;
}
