/**
 * The local twin of the Glue job `enrich` (enrich.py): the same work in TypeScript, so the flow runs
 * whole on the local engine. From every bronze order row with a customer id, a name and a two-letter
 * country, it keeps each customer's latest (by `_source_file`, `_source_row`), adds the country's region
 * from regions.json (the same file the Glue job reads; `Unknown` for a country it does not list), and
 * writes the customers dimension to silver (`customers/part-00000.parquet`).
 */
import { job } from 'sluice/runtime';
import regions from './regions.json' with { type: 'json' };
import { arrivedAfter, CUSTOMER_SCHEMA } from './orders.js';

interface Customer {
  customer_id: string;
  customer_name: string;
  country: string;
  region: string;
  _source_file: string;
  _source_row: number;
}

const REGIONS: Record<string, string> = regions;

export default job(async (ctx) => {
  const customers = new Map<string, Customer>();
  for await (const object of ctx.list('bronze', 'orders/')) {
    if (!object.key.endsWith('.parquet')) continue;
    for await (const row of ctx.rows.parquet.read('bronze', object.key, { columns: ['customer_id', 'customer_name', 'country', '_source_file', '_source_row'] })) {
      const id = String(row.customer_id ?? '').trim();
      const name = String(row.customer_name ?? '').trim();
      const country = String(row.country ?? '').trim();
      if (id === '' || name === '' || !/^[A-Z]{2}$/.test(country)) continue;
      const seen: Customer = { customer_id: id, customer_name: name, country, region: REGIONS[country] ?? 'Unknown', _source_file: String(row._source_file), _source_row: Number(row._source_row) };
      const before = customers.get(id);
      if (!before || arrivedAfter(seen, before)) customers.set(id, seen);
    }
  }
  const rows = [...customers.values()].sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1))
    .map(({ customer_id, customer_name, country, region }) => ({ customer_id, customer_name, country, region }));
  await ctx.rows.parquet.write('silver', 'customers/part-00000.parquet', rows, { schema: CUSTOMER_SCHEMA });
  const unknown = rows.filter((c) => c.region === 'Unknown').length;
  ctx.log('enriched', { customers: rows.length, unknownRegion: unknown });
  return { customers: rows.length, unknownRegion: unknown };
});
