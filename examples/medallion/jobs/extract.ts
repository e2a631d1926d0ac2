/**
 * landing -> bronze: each CSV export under `orders/` in landing becomes one Parquet file in bronze,
 * row for row and every column as text (bronze keeps what arrived, typed nothing, dropped nothing it
 * could read), with the landing file and the row's place in it (`_source_file`, `_source_row`), which
 * clean needs to tell the latest copy of an order. Records that cannot be read as CSV (a field too
 * many or too few) go to quarantine, one JSON line each with the line and csv-parse's reason.
 */
import { job, type MalformedRow } from 'sluice/runtime';
import { failOnceIfAsked } from './fail-once.js';

export default job(async (ctx) => {
  failOnceIfAsked(ctx);
  const files: Array<{ file: string; rows: number; unreadable: number }> = [];
  for await (const object of ctx.list('landing', 'orders/')) {
    if (!object.key.endsWith('.csv')) continue;
    const unreadable: MalformedRow[] = [];
    let row = 0;
    const rows = async function* () {
      for await (const record of ctx.rows.csv.read('landing', object.key, { onMalformed: (m) => unreadable.push(m) })) {
        yield { ...record, _source_file: object.key, _source_row: String(++row) };
      }
    };
    const base = object.key.replace(/\.csv$/, '');
    const written = await ctx.rows.parquet.write('bronze', `${base}.parquet`, rows());
    // Written for every file, even with no line in it, so a rerun on a corrected file replaces the old one.
    await ctx.rows.jsonl.write('quarantine', `unreadable/${base}.jsonl`, unreadable.map((m) => ({ source_file: object.key, line: m.line, reason: m.reason, ...(m.raw !== undefined ? { raw: m.raw } : {}) })));
    files.push({ file: object.key, rows: written.rows, unreadable: unreadable.length });
  }
  if (files.length === 0) throw new Error("job 'extract': landing holds no CSV file under 'orders/'; put the exports there first (sluice put landing ...)");
  ctx.log('extracted', { files: files.length, rows: files.reduce((n, f) => n + f.rows, 0) });
  return { files };
});
