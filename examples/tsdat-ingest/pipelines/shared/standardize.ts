/**
 * What both ingest pipelines do, driven by the location's configuration (Tsdat's pipeline config):
 * read a CSV time series, rename its columns to standard variable names, convert units, add quality
 * flag columns, and write a Parquet file plus a small summary JSON under
 * `<pipeline>/<location>/<date>/`. Malformed input (no header, no time column, a bad timestamp, a
 * ragged row) throws, so the file lands in the route's dead letters with the reason.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
// zod/mini: the same schemas at a fraction of zod's bundle size (a Lambda bundle under 100 KB).
import * as z from 'zod/mini';
import type { ObjectInput, RoutedCtx, StepInput } from 'sluice/runtime';

/** Units the standardizer converts from and to. */
const UNITS = ['degC', 'degF', 'm/s', 'knots', 'm', 'ft', 'cm', 'hPa', 'mbar', 'inHg', '%', 'deg'] as const;

/** One output variable: where it comes from, its units before and after, its valid range. */
const variable = z.object({
  column: z.string().check(z.minLength(1)),
  units: z.enum(UNITS),
  inputUnits: z.optional(z.enum(UNITS)),
  validMin: z.number(),
  validMax: z.number(),
}).check(z.refine((v) => v.validMin < v.validMax, { message: 'validMin must be below validMax' }));

/** A location's configuration file (config/<location>.yaml): the schema the route checks it against. */
export const locationConfig = z.object({
  site: z.string().check(z.minLength(1)),
  /** The time column, ISO text or `YYYY-MM-DD HH:mm:ss`, in UTC. */
  time: z.object({ column: z.string().check(z.minLength(1)) }),
  /** Values that mean "no measurement". */
  missingValues: z._default(z.array(z.union([z.string(), z.number()])), ['', 'NaN', -9999]),
  variables: z.record(z.string().check(z.regex(/^[a-z][a-z0-9_]*$/)), variable),
});

/** A location's configuration, checked. */
export type LocationConfig = z.infer<typeof locationConfig>;

/** Quality flags, one bit each (Tsdat's qc_ variables). */
export const QC = { missing: 1, outOfRange: 2, timeNotMonotonic: 4 } as const;

const TO_SI: Record<string, (v: number) => number> = {
  'degF>degC': (v) => ((v - 32) * 5) / 9,
  'knots>m/s': (v) => v * 0.514444,
  'ft>m': (v) => v * 0.3048,
  'cm>m': (v) => v / 100,
  'mbar>hPa': (v) => v,
  'inHg>hPa': (v) => v * 33.8639,
};

function convert(value: number, from: string, to: string, name: string): number {
  if (from === to) return value;
  const f = TO_SI[`${from}>${to}`];
  if (!f) throw new Error(`variable '${name}': cannot convert ${from} to ${to}; fix inputUnits or units in the location's config`);
  return Math.round(f(value) * 1e6) / 1e6;
}

function parseTime(text: string, file: string, line: number): number {
  const iso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?Z?$/.test(text) ? `${text.replace(' ', 'T')}${text.endsWith('Z') ? '' : 'Z'}` : '';
  const ms = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(ms)) throw new Error(`${file}, line ${line}: time '${text}' is not a timestamp (expected YYYY-MM-DD HH:mm:ss, UTC)`);
  return ms;
}

/**
 * The rows of a logger's CSV: comma-separated, no quoting (loggers write numbers and timestamps),
 * `#` comment lines and blank lines skipped, cells trimmed; a row with another number of cells than
 * the header is malformed.
 */
export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    if (line.includes('"')) throw new Error(`${file}, line ${index + 1}: quoted cells are not supported (loggers write plain numbers and timestamps)`);
    const cells = line.split(',').map((c) => c.trim());
    if (rows.length > 0 && cells.length !== rows[0]!.length) throw new Error(`${file}, line ${index + 1}: ${cells.length} cells where the header has ${rows[0]!.length}; the file is not a well-formed CSV`);
    rows.push(cells);
  });
  return rows;
}

/** The standardized dataset of one file. */
export interface Standardized {
  time: number[];
  columns: Record<string, Array<number | null>>;
  flags: Record<string, number[]>;
}

/** Standardize a CSV's text with a location's config; throws on malformed input, naming the file and line. */
export function standardize(text: string, file: string, config: LocationConfig): Standardized {
  const rows = parseCsv(text, file);
  const [header, ...body] = rows;
  if (!header || body.length === 0) throw new Error(`${file} has no data rows`);
  const index = (column: string) => {
    const i = header.indexOf(column);
    if (i < 0) throw new Error(`${file}: column '${column}' is missing (the header has ${header.join(', ')}); fix the file or the location's config`);
    return i;
  };
  const timeAt = index(config.time.column);
  const missing = new Set(config.missingValues.map(String));
  const time = body.map((row, i) => parseTime(row[timeAt]!, file, i + 2));
  const timeFlags = time.map((t, i) => (i > 0 && t <= time[i - 1]! ? QC.timeNotMonotonic : 0));
  const columns: Record<string, Array<number | null>> = {};
  const flags: Record<string, number[]> = { time: timeFlags };
  for (const [name, v] of Object.entries(config.variables)) {
    const at = index(v.column);
    const values: Array<number | null> = [];
    const qc: number[] = [];
    body.forEach((row, i) => {
      const raw = row[at]!;
      const number = Number(raw);
      if (missing.has(raw) || raw === '' || !Number.isFinite(number)) {
        values.push(null);
        qc.push(QC.missing | timeFlags[i]!);
        return;
      }
      const value = convert(number, v.inputUnits ?? v.units, v.units, name);
      values.push(value);
      qc.push((value < v.validMin || value > v.validMax ? QC.outOfRange : 0) | timeFlags[i]!);
    });
    columns[name] = values;
    flags[name] = qc;
  }
  return { time, columns, flags };
}

/** The dataset as Parquet: time (ms since the epoch, UTC), each variable, and its qc_ column. */
export function toParquet(data: Standardized): Uint8Array {
  const columnData = [
    { name: 'time', data: data.time.map((t) => BigInt(t)), type: 'INT64' as const },
    { name: 'qc_time', data: data.flags.time!, type: 'INT32' as const },
    ...Object.entries(data.columns).flatMap(([name, values]) => [
      { name, data: values, type: 'DOUBLE' as const, nullable: true },
      { name: `qc_${name}`, data: data.flags[name]!, type: 'INT32' as const },
    ]),
  ];
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

/** The step both pipelines run: standardize the file, write Parquet and a summary under `<pipeline>/<location>/<date>/`. */
export async function ingest(input: StepInput, ctx: RoutedCtx<LocationConfig>) {
  const object = input as ObjectInput;
  const file = object.key.slice(object.key.lastIndexOf('/') + 1);
  const data = standardize(await ctx.text(input), file, ctx.config);
  const date = new Date(data.time[0]!).toISOString().slice(0, 10).replace(/-/g, '');
  const stem = file.replace(/\.[^.]+$/, '');
  const prefix = `${ctx.route.pipeline}/${ctx.route.location}/${date}/`;
  const count = (flag: number) => Object.fromEntries(Object.entries(data.flags).map(([name, qc]) => [name, qc.filter((q) => (q & flag) !== 0).length]));
  const summary = {
    file, pipeline: ctx.route.pipeline, location: ctx.route.location, site: ctx.config.site,
    rows: data.time.length,
    start: new Date(data.time[0]!).toISOString(), end: new Date(data.time[data.time.length - 1]!).toISOString(),
    variables: Object.fromEntries(Object.entries(ctx.config.variables).map(([name, v]) => [name, { units: v.units, from: v.column }])),
    missing: count(QC.missing), outOfRange: count(QC.outOfRange), timeNotMonotonic: data.flags.time!.filter((q) => q !== 0).length,
  };
  return [
    ctx.object(`${prefix}${stem}.parquet`, toParquet(data), { contentType: 'application/vnd.apache.parquet' }),
    ctx.object(`${prefix}${stem}.summary.json`, `${JSON.stringify(summary, null, 2)}\n`, { contentType: 'application/json' }),
  ];
}
