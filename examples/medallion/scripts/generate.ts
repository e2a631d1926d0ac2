/**
 * Writes the medallion example's landing data: one CSV of orders per day, as a shop's nightly export
 * would drop them, with the faults such exports have: rows missing a field, numbers and dates that do
 * not parse, a customer name whose comma was not quoted (a row with one field too many), orders sent
 * again in the next day's file (some corrected), and a row repeated in the same file.
 *
 * Deterministic: the same seed writes the same bytes, so the checked-in files can be regenerated and
 * diffed. Run it from the repository root:
 *
 *   node --import tsx examples/medallion/scripts/generate.ts [--seed 11] [--days 5] [--orders 600] [--out DIR]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The columns of an export, in order. */
export const COLUMNS = ['order_id', 'ordered_at', 'customer_id', 'customer_name', 'country', 'product', 'quantity', 'unit_price', 'currency'] as const;

/** One exported row: every field as the export writes it (text). */
export type ExportRow = Record<(typeof COLUMNS)[number], string>;

/** Options of `generateLanding`. */
export interface GenerateOptions {
  /** The PRNG seed. @default 11 */
  seed?: number;
  /** The first day exported (UTC). @default '2026-01-05' */
  firstDay?: string;
  /** How many daily files. @default 5 */
  days?: number;
  /** New orders per day (before duplicates and faults). @default 600 */
  ordersPerDay?: number;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; the same seed gives the same sequence. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = ['Amara', 'Bruno', 'Chen', 'Dagny', 'Elif', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kavya', 'Liam', 'Mei', 'Nadia', 'Omar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Thandi', 'Uma', 'Viktor', 'Wen', 'Ximena', 'Yusuf', 'Zoe'];
const LAST_NAMES = ['Adeyemi', 'Becker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Haddad', 'Ito', 'Jansen', 'Kowalski', 'Laurent', 'Moreau', 'Nakamura', 'Okafor', "O'Neill", 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Usman', 'Van Dijk', 'Walsh', 'Yilmaz'];
/** Countries customers live in, with the currency they pay in and its price factor against USD. */
const COUNTRIES: Array<{ code: string; currency: string; factor: number }> = [
  { code: 'DE', currency: 'EUR', factor: 0.92 }, { code: 'FR', currency: 'EUR', factor: 0.92 }, { code: 'NL', currency: 'EUR', factor: 0.92 },
  { code: 'ES', currency: 'EUR', factor: 0.92 }, { code: 'GB', currency: 'GBP', factor: 0.79 }, { code: 'US', currency: 'USD', factor: 1 },
  { code: 'CA', currency: 'CAD', factor: 1.36 }, { code: 'AU', currency: 'AUD', factor: 1.52 }, { code: 'NZ', currency: 'NZD', factor: 1.64 },
  { code: 'JP', currency: 'JPY', factor: 149 }, { code: 'SG', currency: 'SGD', factor: 1.34 }, { code: 'IN', currency: 'INR', factor: 83 },
  { code: 'BR', currency: 'BRL', factor: 4.95 }, { code: 'ZA', currency: 'ZAR', factor: 18.6 }, { code: 'MX', currency: 'MXN', factor: 17.1 },
];
/** Products and their list price in USD. */
const PRODUCTS: Array<[string, number]> = [
  ['Espresso beans 1kg', 24.5], ['Filter papers (100)', 4.2], ['Hand grinder', 89], ['Pour-over kettle', 59.9], ['Milk frother', 34.99],
  ['Ceramic dripper', 27.5], ['Travel mug', 19.95], ['Cold brew jar', 31], ['Decaf beans 500g', 14.75], ['Barista scale', 45],
  ['Tamper', 22.4], ['Knock box', 18], ['Cleaning tablets', 9.99], ['Descaler', 12.5], ['Latte cups (set of 4)', 38],
];

interface Customer {
  id: string;
  name: string;
  country: (typeof COUNTRIES)[number];
}

/** A price in a currency: whole units for JPY (it has no minor unit), else cents. */
function price(usd: number, country: Customer['country']): string {
  const value = usd * country.factor;
  return country.currency === 'JPY' ? String(Math.round(value)) : value.toFixed(2);
}

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The faults injected into rows, and how often (per row), in the order they are tried. */
const FAULTS: Array<[string, number, (row: ExportRow, pick: <T>(xs: readonly T[]) => T) => void]> = [
  ['missing customer_id', 0.004, (r) => { r.customer_id = ''; }],
  ['missing order_id', 0.002, (r) => { r.order_id = ''; }],
  ['bad quantity', 0.005, (r, pick) => { r.quantity = pick(['two', '-1', '1.5', '0', '']); }],
  ['bad unit_price', 0.005, (r, pick) => { r.unit_price = pick(['N/A', '', '-4.50', '12.345', 'USD 10']); }],
  ['bad ordered_at', 0.005, (r, pick) => { r.ordered_at = pick(['2026-02-30T10:00:00Z', 'yesterday', '', r.ordered_at.slice(0, 10).split('-').reverse().join('/'), '2026-01-05 25:61:00']); }],
  ['missing currency', 0.002, (r) => { r.currency = ''; }],
];

/**
 * The landing files: file name (`orders/YYYY-MM-DD.csv`) to CSV text.
 * @example const files = generateLanding({ seed: 11 }); files.get('orders/2026-01-05.csv')
 */
export function generateLanding(options: GenerateOptions = {}): Map<string, string> {
  const random = prng(options.seed ?? 11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const customers: Customer[] = Array.from({ length: 140 }, (_, i) => ({
    id: `C${String(1001 + i)}`,
    name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`,
    country: pick(COUNTRIES),
  }));
  // A few customers are businesses with a comma in their name: quoted by the export, except once.
  for (const i of [7, 42, 99]) customers[i]!.name = `${customers[i]!.name.split(' ')[1]}, ${pick(['Ltd', 'GmbH', 'S.A.'])}`;
  const first = Date.parse(`${options.firstDay ?? '2026-01-05'}T00:00:00Z`);
  const days = options.days ?? 5;
  const perDay = options.ordersPerDay ?? 600;
  const files = new Map<string, string>();
  let nextOrder = 100_001;
  let previous: ExportRow[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = first + d * 86_400_000;
    const rows: ExportRow[] = [];
    for (let n = 0; n < perDay; n++) {
      const customer = pick(customers);
      const [product, usd] = pick(PRODUCTS);
      // Most orders are from the day of the file; a few arrive a day late (placed just before midnight).
      const late = d > 0 && random() < 0.02;
      const at = late ? dayStart - int(60, 3_600) * 1000 : dayStart + int(0, 86_399) * 1000;
      rows.push({
        order_id: `ORD-${nextOrder++}`,
        ordered_at: new Date(at).toISOString().replace('.000Z', 'Z'),
        customer_id: customer.id,
        customer_name: customer.name,
        country: customer.country.code,
        product,
        quantity: String(random() < 0.8 ? int(1, 3) : int(4, 12)),
        unit_price: price(usd, customer.country),
        currency: customer.country.currency,
      });
    }
    // Orders of yesterday sent again: most unchanged, some corrected (the quantity changed). The copy
    // in today's file is the latest word on the order.
    for (const again of previous.filter(() => random() < 0.025)) {
      const copy = { ...again };
      if (random() < 0.5) copy.quantity = String(Number(copy.quantity) + 1);
      rows.splice(int(0, rows.length), 0, copy);
    }
    // One row repeated verbatim a few rows further down, as a retrying exporter does.
    const repeated = int(0, rows.length - 10);
    rows.splice(repeated + int(2, 8), 0, { ...rows[repeated]! });
    for (const row of rows) {
      for (const [, rate, apply] of FAULTS) {
        if (random() < rate) {
          apply(row, pick);
          break;
        }
      }
    }
    previous = rows.filter((r) => /^ORD-\d+$/.test(r.order_id) && r.ordered_at.startsWith(new Date(dayStart).toISOString().slice(0, 10)));
    const lines = [COLUMNS.join(',')];
    for (const row of rows) lines.push(COLUMNS.map((c) => field(row[c])).join(','));
    // One business name written without its quotes: the row has one field too many.
    const unquoted = lines.findIndex((l, i) => i > 0 && /"[^"]*, [^"]*"/.test(l));
    if (unquoted > 0 && d % 2 === 0) lines[unquoted] = lines[unquoted]!.replace(/"([^"]*, [^"]*)"/, '$1');
    files.set(`orders/${new Date(dayStart).toISOString().slice(0, 10)}.csv`, lines.join('\n') + '\n');
  }
  return files;
}

/** Write the landing files under `dir`, replacing what was there. */
export function writeLanding(dir: string, files: Map<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, text] of files) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, days: { type: 'string' }, orders: { type: 'string' }, out: { type: 'string' } } });
  const out = values.out ?? fileURLToPath(new URL('../sample-data/landing', import.meta.url));
  const files = generateLanding({
    seed: values.seed === undefined ? undefined : Number(values.seed),
    days: values.days === undefined ? undefined : Number(values.days),
    ordersPerDay: values.orders === undefined ? undefined : Number(values.orders),
  });
  writeLanding(out, files);
  let bytes = 0;
  for (const text of files.values()) bytes += Buffer.byteLength(text);
  console.log(`wrote ${files.size} files (${bytes} bytes) under ${out}`);
}
