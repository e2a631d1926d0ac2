/**
 * bronze -> silver: typed orders, one per order id. A row that breaks a rule of orders.ts is rejected
 * with every reason and kept in quarantine (`rejected/orders.jsonl`); when several valid copies of an
 * order arrived, the latest one is kept (a later landing file, or further down the same file). The
 * result is written to silver by day (`orders/order_date=YYYY-MM-DD/part-00000.parquet`).
 *
 * A file whose share of rejected rows is above `config.maxRejectedShare` fails the job (a broken export
 * must not reach gold as a day of missing revenue), naming the file and its most common reason.
 * Rejected rows are written before that check, so on AWS they are there to look at after a failure.
 *
 * Every run reads all of bronze and rewrites every day: a rerun writes the same keys again. The
 * orders are held in memory by id (a few hundred bytes each); a stage of many millions would be
 * cleaned day by day instead.
 */
import { job } from 'sluice/runtime';
import { arrivedAfter, parseOrder, SILVER_ORDER_SCHEMA, type Order, type Problem } from './orders.js';

/** A rejected row, as quarantine keeps it. */
interface Rejected {
  source_file: string;
  source_row: number;
  order_id: string | null;
  problems: Problem[];
  row: Record<string, unknown>;
}

export default job(async (ctx) => {
  const maxRejectedShare = ctx.config.maxRejectedShare ?? 0.05;
  if (typeof maxRejectedShare !== 'number' || !(maxRejectedShare >= 0 && maxRejectedShare <= 1)) {
    throw new Error(`job 'clean': config maxRejectedShare must be a share from 0 to 1, such as 0.05 (given ${JSON.stringify(maxRejectedShare)}); set it in job('clean', { config })`);
  }
  const latest = new Map<string, Order>();
  const rejected: Rejected[] = [];
  const perFile = new Map<string, { rows: number; rejected: number; reasons: Map<string, { rows: number; first: string }> }>();
  let rows = 0;
  let duplicates = 0;
  for await (const object of ctx.list('bronze', 'orders/')) {
    if (!object.key.endsWith('.parquet')) continue;
    const file = { rows: 0, rejected: 0, reasons: new Map<string, { rows: number; first: string }>() };
    perFile.set(object.key, file);
    for await (const row of ctx.rows.parquet.read('bronze', object.key)) {
      rows++;
      file.rows++;
      const parsed = parseOrder(row);
      if ('problems' in parsed) {
        file.rejected++;
        for (const p of parsed.problems) {
          const seen = file.reasons.get(p.field);
          if (seen) seen.rows++;
          else file.reasons.set(p.field, { rows: 1, first: p.reason });
        }
        const id = typeof row.order_id === 'string' && row.order_id.trim() !== '' ? row.order_id.trim() : null;
        rejected.push({ source_file: String(row._source_file ?? object.key), source_row: Number(row._source_row), order_id: id, problems: parsed.problems, row });
        continue;
      }
      const { order } = parsed;
      const before = latest.get(order.order_id);
      if (before) duplicates++;
      if (!before || arrivedAfter(order, before)) latest.set(order.order_id, order);
    }
  }

  await ctx.rows.jsonl.write('quarantine', 'rejected/orders.jsonl', rejected);

  for (const [key, file] of perFile) {
    if (file.rows === 0 || file.rejected / file.rows <= maxRejectedShare) continue;
    const [field, reason] = [...file.reasons].sort((a, b) => b[1].rows - a[1].rows)[0]!;
    throw new Error(`job 'clean': ${file.rejected} of ${file.rows} rows of bronze '${key}' were rejected (${percent(file.rejected / file.rows)}, above maxRejectedShare ${percent(maxRejectedShare)}); most often ${field} (${reason.rows} rows, such as: ${reason.first}). Fix the landing file and rerun the flow, or raise maxRejectedShare`);
  }

  const byDay = new Map<string, Order[]>();
  for (const order of latest.values()) byDay.set(order.order_date, [...(byDay.get(order.order_date) ?? []), order]);
  const days = [...byDay.keys()].sort();
  for (const day of days) {
    const orders = byDay.get(day)!.sort((a, b) => (a.order_id < b.order_id ? -1 : 1));
    await ctx.rows.parquet.write('silver', `orders/order_date=${day}/part-00000.parquet`, orders, { schema: SILVER_ORDER_SCHEMA });
  }
  const rejectedBy: Record<string, number> = {};
  for (const r of rejected) for (const p of r.problems) rejectedBy[p.field] = (rejectedBy[p.field] ?? 0) + 1;
  const result = { rows, orders: latest.size, rejected: rejected.length, duplicates, days, rejectedBy };
  ctx.log('cleaned', { rows, orders: latest.size, rejected: rejected.length, duplicates });
  return result;
});

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
