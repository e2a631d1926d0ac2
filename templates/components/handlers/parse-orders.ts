/**
 * The component behind `parse-orders`: reads the CSV file that landed in `raw` and returns its rows as
 * one data asset, which the data asset writer downstream stores partitioned by day. The country comes
 * from the step's config (`fn(..., { config })` in pipeline.ts, overridable per stage).
 */
import { component, result, type DataAsset } from 'sluice/runtime';

export default component(async (input, ctx) => {
  if (input.kind !== 'object') return [];
  const rows = parseCsv(await ctx.text(input));
  const asset: DataAsset = {
    dataAssetName: 'sales.order',
    dataAssetCountry: String(ctx.config.country),
    dataAssetPartitionKeys: ['day'],
    dataAssetUniqueKeys: ['id'],
    data: rows,
  };
  // The metadata is recorded with this execution's lineage (npx sluice lineage).
  return result([ctx.dataAsset(asset)], { file: input.key, rows: rows.length });
});

/** A small CSV (a header row, no quoted commas) as rows; numeric cells become numbers. */
function parseCsv(text: string): Array<Record<string, string | number>> {
  const [header = '', ...lines] = text.trim().split(/\r?\n/);
  const names = header.split(',');
  return lines.filter((line) => line.trim()).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((name, i) => {
      const cell = cells[i] ?? '';
      return [name, cell !== '' && Number.isFinite(Number(cell)) ? Number(cell) : cell];
    }));
  });
}
