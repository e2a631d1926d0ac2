/**
 * silver -> gold: daily revenue per customer. For each day of silver's orders, one row per customer
 * and currency (revenue is never summed across currencies) with the number of orders, the units and
 * the revenue, and the customer's name and region from the customers dimension enrich wrote. Sums are
 * taken in cents, so a day's revenue is exact. Written by day: `daily_revenue/order_date=YYYY-MM-DD/part-00000.parquet`.
 */
import { job } from 'sluice/runtime';
import { DAILY_REVENUE_SCHEMA, dayOf } from './orders.js';

interface DayTotal {
  customer_id: string;
  currency: string;
  orders: number;
  units: number;
  cents: number;
  name: string;
}

export default job(async (ctx) => {
  const customers = new Map<string, { customer_name: string; region: string }>();
  // Every Parquet file of the dimension: a dimension written in parts is read whole.
  for await (const object of ctx.list('silver', 'customers/')) {
    if (!object.key.endsWith('.parquet')) continue;
    for await (const c of ctx.rows.parquet.read('silver', object.key)) customers.set(String(c.customer_id), { customer_name: String(c.customer_name), region: String(c.region) });
  }
  const days: string[] = [];
  let written = 0;
  let orders = 0;
  for await (const object of ctx.list('silver', 'orders/')) {
    const day = dayOf(object.key);
    if (!day || !object.key.endsWith('.parquet')) continue;
    const totals = new Map<string, DayTotal>();
    for await (const o of ctx.rows.parquet.read('silver', object.key, { columns: ['customer_id', 'customer_name', 'currency', 'quantity', 'amount'] })) {
      const id = `${String(o.customer_id)}\0${String(o.currency)}`;
      let t = totals.get(id);
      if (!t) totals.set(id, (t = { customer_id: String(o.customer_id), currency: String(o.currency), orders: 0, units: 0, cents: 0, name: String(o.customer_name) }));
      t.orders++;
      t.units += Number(o.quantity);
      t.cents += Math.round(Number(o.amount) * 100);
      orders++;
    }
    const rows = [...totals.values()]
      .sort((a, b) => (a.customer_id === b.customer_id ? (a.currency < b.currency ? -1 : 1) : a.customer_id < b.customer_id ? -1 : 1))
      .map((t) => {
        const customer = customers.get(t.customer_id);
        return { order_date: day, customer_id: t.customer_id, customer_name: customer?.customer_name ?? t.name, region: customer?.region ?? 'Unknown', currency: t.currency, orders: t.orders, units: t.units, revenue: t.cents / 100 };
      });
    await ctx.rows.parquet.write('gold', `daily_revenue/order_date=${day}/part-00000.parquet`, rows, { schema: DAILY_REVENUE_SCHEMA });
    days.push(day);
    written += rows.length;
  }
  ctx.log('aggregated', { days: days.length, rows: written });
  return { days, rows: written, orders };
});
