/**
 * The pipeline component (Pylon's PipelineComponent): reads the CSV a URL resource record points at
 * and returns it as a data asset (`incident.entityIncident`, partitioned by day, deduplicated by id)
 * and an update notification saying how many records it updated.
 */
import * as z from 'zod/mini';
import { component, result, type DataAsset, type UpdateNotification, type UrlResource } from 'sluice/runtime';

export default component(async (input, ctx) => {
  const resource = input.envelope.body as UrlResource;
  const rows = parseCsv((await ctx.read(resource.destination)).toString('utf8'));
  const asset: DataAsset = {
    dataAssetName: 'incident.entityIncident',
    dataAssetCountry: ctx.config.country,
    dataAssetPartitionKeys: ['day'],
    dataAssetUniqueKeys: ['id'],
    data: rows,
  };
  const notification: UpdateNotification = { dataAssetName: asset.dataAssetName, dimUTCTimestamp: Math.floor(Date.now() / 1000), recordsUpdated: rows.length };
  return result([ctx.dataAsset(asset), ctx.envelope(notification, { objectType: 'updateNotification' })], { resource: resource.resource, rows: rows.length });
}, {
  config: z.object({ country: z.string().check(z.length(2, { error: 'must be a two-letter country code' })) }),
});

/** A small CSV (header row, no quoted commas) as rows; numeric cells become numbers. */
function parseCsv(text: string): Array<Record<string, string | number>> {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const names = header!.split(',');
  return lines.filter((l) => l.trim()).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => {
      const cell = cells[i] ?? '';
      return [n, cell !== '' && Number.isFinite(Number(cell)) ? Number(cell) : cell];
    }));
  });
}
