/**
 * What an order is in this pipeline, shared by its jobs: the rules a bronze row (every field text)
 * must pass to become a typed silver order, the Parquet schemas of silver and gold, and the order in
 * which two copies of one order are the earlier and the later.
 */
import type { ParquetSchema } from 'sluice/runtime';

/** A silver order: typed, one per order id. */
export interface Order {
  order_id: string;
  ordered_at: Date;
  /** The UTC day of `ordered_at` (YYYY-MM-DD): silver's and gold's partition. */
  order_date: string;
  customer_id: string;
  customer_name: string;
  /** ISO 3166 alpha-2. */
  country: string;
  product: string;
  quantity: number;
  unit_price: number;
  /** ISO 4217. */
  currency: string;
  /** quantity x unit_price, rounded to cents. */
  amount: number;
  /** The landing file the row came from, and its place in it: which copy of an order is the latest. */
  _source_file: string;
  _source_row: number;
}

/** One thing wrong with a row. */
export interface Problem {
  field: string;
  reason: string;
}

/** The columns of a silver order file, in order. */
export const SILVER_ORDER_SCHEMA: ParquetSchema = {
  order_id: 'STRING',
  ordered_at: 'TIMESTAMP',
  order_date: 'STRING',
  customer_id: 'STRING',
  customer_name: 'STRING',
  country: 'STRING',
  product: 'STRING',
  quantity: 'INT32',
  unit_price: 'DOUBLE',
  currency: 'STRING',
  amount: 'DOUBLE',
  _source_file: 'STRING',
  _source_row: 'INT32',
};

/** The customers dimension enrich writes to silver. */
export const CUSTOMER_SCHEMA: ParquetSchema = { customer_id: 'STRING', customer_name: 'STRING', country: 'STRING', region: 'STRING' };

/** Gold: one row per day, customer and currency. */
export const DAILY_REVENUE_SCHEMA: ParquetSchema = {
  order_date: 'STRING',
  customer_id: 'STRING',
  customer_name: 'STRING',
  region: 'STRING',
  currency: 'STRING',
  orders: 'INT32',
  units: 'INT32',
  revenue: 'DOUBLE',
};

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const WHOLE = /^[1-9]\d{0,4}$/;
const AMOUNT = /^\d{1,9}(\.\d{1,2})?$/;

/** A field's text, or '' when the row has no such column (a file with another header). */
const text = (row: Record<string, unknown>, field: string): string => (typeof row[field] === 'string' ? (row[field] as string).trim() : '');

/**
 * A bronze row (every field text) as a typed order, or what is wrong with it: every problem, not
 * just the first, so a rejected row says all that must be fixed.
 * @example parseOrder({ order_id: 'ORD-1', quantity: 'two', ... }) // { problems: [{ field: 'quantity', reason: '...' }] }
 */
export function parseOrder(row: Record<string, unknown>): { order: Order } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const required = (field: string): string => {
    const value = text(row, field);
    if (value === '') problems.push({ field, reason: `${field} is missing` });
    return value;
  };
  const orderId = required('order_id');
  const customerId = required('customer_id');
  const customerName = required('customer_name');
  const product = required('product');
  const country = required('country');
  if (country !== '' && !/^[A-Z]{2}$/.test(country)) problems.push({ field: 'country', reason: `country is not a two-letter code (given ${JSON.stringify(country)})` });
  const currency = required('currency');
  if (currency !== '' && !/^[A-Z]{3}$/.test(currency)) problems.push({ field: 'currency', reason: `currency is not a three-letter code (given ${JSON.stringify(currency)})` });

  const orderedAtText = text(row, 'ordered_at');
  const orderedAt = new Date(orderedAtText);
  // Date.parse accepts 2026-02-30 (as 2 March): a valid time prints back as the same text.
  if (!ISO_UTC.test(orderedAtText) || Number.isNaN(orderedAt.getTime()) || orderedAt.toISOString().replace('.000Z', 'Z') !== orderedAtText) {
    problems.push({ field: 'ordered_at', reason: `ordered_at is not a UTC time like 2026-01-05T14:30:00Z (given ${JSON.stringify(orderedAtText)})` });
  }
  const quantityText = text(row, 'quantity');
  if (!WHOLE.test(quantityText)) problems.push({ field: 'quantity', reason: `quantity is not a whole number from 1 to 99999 (given ${JSON.stringify(quantityText)})` });
  const priceText = text(row, 'unit_price');
  if (!AMOUNT.test(priceText)) problems.push({ field: 'unit_price', reason: `unit_price is not an amount like 12.50 (given ${JSON.stringify(priceText)})` });
  if (problems.length) return { problems };

  const quantity = Number(quantityText);
  const unitCents = Math.round(Number(priceText) * 100);
  return {
    order: {
      order_id: orderId,
      ordered_at: orderedAt,
      order_date: orderedAtText.slice(0, 10),
      customer_id: customerId,
      customer_name: customerName,
      country,
      product,
      quantity,
      unit_price: unitCents / 100,
      currency,
      amount: (quantity * unitCents) / 100,
      _source_file: text(row, '_source_file'),
      _source_row: Number(text(row, '_source_row')),
    },
  };
}

/**
 * Whether copy `a` of an order arrived after copy `b`: from a later landing file (they are named by
 * day, so key order is arrival order), or further down the same file.
 */
export function arrivedAfter(a: Pick<Order, '_source_file' | '_source_row'>, b: Pick<Order, '_source_file' | '_source_row'>): boolean {
  if (a._source_file !== b._source_file) return a._source_file > b._source_file;
  return a._source_row > b._source_row;
}

/** The day partition of a key (`.../order_date=2026-01-05/...`), if it has one. */
export function dayOf(key: string): string | undefined {
  return /(?:^|\/)order_date=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
}
