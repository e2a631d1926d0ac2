/**
 * Price tables: what one unit of each billed line costs in a region, with its unit, the page it comes
 * from and the always-free allowance. The shipped tables (price-tables.ts) are the default; a
 * `--prices FILE` (JSON: one table or an array of tables, the shape `sluice cost prices --json`
 * prints) replaces the lines it holds, region by region.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { SHIPPED_PRICES } from './price-tables.js';

/** Every line a price table holds. A kind's cost names the lines it bills on by these ids. */
export const PRICE_IDS = [
  'lambda.requests', 'lambda.arm64.duration',
  'sqs.requests',
  'sns.publishes', 'sns.deliveries.sqs', 'sns.deliveries.lambda', 'sns.deliveries.email',
  's3.storage', 's3.put', 's3.get', 's3.lifecycle.transition',
  'dynamodb.writes', 'dynamodb.reads', 'dynamodb.storage', 'dynamodb.pitr',
  'events.scheduled', 'events.custom',
  'states.transitions',
  'glue.dpuHours',
  'comprehend.units',
  'logs.ingestion', 'logs.storage',
  'cloudwatch.alarms',
  'kms.keys', 'kms.requests',
  'xray.traces',
] as const;

/** The id of a price line, e.g. `lambda.requests`. */
export type PriceId = (typeof PRICE_IDS)[number];

/** One billed line: `price` USD for every `per` units. */
export interface PriceLine {
  /** The AWS service, for people: `Lambda`, `SQS`. */
  service: string;
  /** What is billed, for people. */
  description: string;
  /** USD for `per` units. */
  price: number;
  /** How many units `price` buys (1, 1,000, 1,000,000). */
  per: number;
  /** The unit counted: `requests`, `GB-seconds`, `GB-months`. */
  unit: string;
  /** Units a month the always-free tier covers, per account. @default none */
  free?: number;
  /** What limits the free tier (12 months only, shared with another line). */
  freeNote?: string;
  /** The public pricing page the price comes from. */
  source: string;
}

/** A region's prices, dated. */
export interface PriceTable {
  region: string;
  currency: 'USD';
  /** The day the prices were read (YYYY-MM-DD). */
  date: string;
  /** `shipped` with sluice, from a `file`, or fetched from the `price-list-api`. */
  origin: 'shipped' | 'file' | 'price-list-api';
  lines: Record<PriceId, PriceLine>;
}

/** The regions with a shipped table. */
export function shippedRegions(): string[] {
  return Object.keys(SHIPPED_PRICES).sort();
}

/**
 * The price table of a region: the shipped one, with the lines of `override` (a `--prices` file's
 * table for that region) laid over it.
 * @throws InputError `SLUICE_E_COST_REGION` when neither has the region.
 */
export function priceTableFor(region: string, overrides: readonly PriceTable[] = []): PriceTable {
  const shipped = SHIPPED_PRICES[region];
  const override = overrides.find((t) => t.region === region);
  if (!shipped && !override) {
    const known = [...new Set([...shippedRegions(), ...overrides.map((t) => t.region)])].sort();
    throw new InputError('SLUICE_E_COST_REGION', `no prices for region '${region}'; sluice ships prices for ${known.join(', ')}: pass --region with one of them, or give --prices FILE with a table for '${region}'`, { field: '--region', given: region, expected: known.join(', ') });
  }
  if (!override) return shipped!;
  if (!shipped) {
    const missing = PRICE_IDS.filter((id) => !override.lines[id]);
    if (missing.length) throw new InputError('SLUICE_E_COST_PRICES', `the prices file's table for '${region}' lacks ${missing.join(', ')}, and sluice ships no table for '${region}' to take them from; add those lines`, { field: 'lines', given: region, expected: missing.join(', ') });
  }
  return { ...override, lines: { ...shipped?.lines, ...override.lines } as Record<PriceId, PriceLine> };
}

/**
 * Read a `--prices` file: one table or an array of tables.
 * @throws InputError `SLUICE_E_COST_PRICES` naming the file and the field at fault.
 */
export function readPricesFile(path: string): PriceTable[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw pricesError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 'a readable JSON file');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw pricesError(path, `is not JSON (${(error as Error).message})`, 'JSON');
  }
  const tables = Array.isArray(data) ? data : [data];
  return tables.map((t, i) => checkTable(path, t, Array.isArray(data) ? `[${i}]` : ''));
}

function checkTable(path: string, t: unknown, at: string): PriceTable {
  if (typeof t !== 'object' || t === null) throw pricesError(path, `${at || 'the file'} is not a price table object`, '{ region, date, lines }');
  const o = t as Record<string, unknown>;
  if (typeof o.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(o.region)) throw pricesError(path, `${at}region must be a region name like 'us-east-1' (given ${JSON.stringify(o.region)})`, 'region');
  if (typeof o.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(o.date)) throw pricesError(path, `${at}date must be the day the prices were read, YYYY-MM-DD (given ${JSON.stringify(o.date)})`, 'date');
  if (o.currency !== undefined && o.currency !== 'USD') throw pricesError(path, `${at}currency must be USD (given ${JSON.stringify(o.currency)})`, 'currency');
  if (typeof o.lines !== 'object' || o.lines === null || Array.isArray(o.lines)) throw pricesError(path, `${at}lines must be an object of price lines by id`, 'lines');
  const lines: Partial<Record<PriceId, PriceLine>> = {};
  for (const [id, line] of Object.entries(o.lines as Record<string, unknown>)) {
    if (!(PRICE_IDS as readonly string[]).includes(id)) throw pricesError(path, `${at}lines.${id} is not a price line sluice knows; known lines: ${PRICE_IDS.join(', ')}`, 'lines');
    const l = line as Partial<PriceLine> | null;
    const where = `${at}lines.${id}`;
    if (typeof l !== 'object' || l === null) throw pricesError(path, `${where} must be an object`, where);
    if (typeof l.price !== 'number' || !Number.isFinite(l.price) || l.price < 0) throw pricesError(path, `${where}.price must be a number of USD from 0 up (given ${JSON.stringify(l.price)})`, `${where}.price`);
    if (typeof l.per !== 'number' || !(l.per > 0)) throw pricesError(path, `${where}.per must be the units the price buys, above 0 (given ${JSON.stringify(l.per)})`, `${where}.per`);
    if (typeof l.unit !== 'string' || !l.unit) throw pricesError(path, `${where}.unit must name the unit counted (given ${JSON.stringify(l.unit)})`, `${where}.unit`);
    if (typeof l.source !== 'string' || !l.source) throw pricesError(path, `${where}.source must name the pricing page the price comes from (given ${JSON.stringify(l.source)})`, `${where}.source`);
    if (l.free !== undefined && (typeof l.free !== 'number' || l.free < 0)) throw pricesError(path, `${where}.free must be units a month from 0 up (given ${JSON.stringify(l.free)})`, `${where}.free`);
    lines[id as PriceId] = { service: String(l.service ?? id.split('.')[0]), description: String(l.description ?? id), price: l.price, per: l.per, unit: l.unit, source: l.source, ...(l.free !== undefined ? { free: l.free } : {}), ...(l.freeNote ? { freeNote: String(l.freeNote) } : {}) };
  }
  return { region: o.region, currency: 'USD', date: o.date, origin: 'file', lines: lines as Record<PriceId, PriceLine> };
}

function pricesError(path: string, what: string, expected: string): InputError {
  return new InputError('SLUICE_E_COST_PRICES', `prices file '${path}': ${what}; fix the file (sluice cost prices --json prints a table of the right shape)`, { field: '--prices', given: path, expected });
}
