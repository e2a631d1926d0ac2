/**
 * The pipeline, with sluice's components: a CSV file of orders lands in the bucket `raw`; the
 * component `parse-orders` turns it into a data asset (`sales.order`, partitioned by day, one row per
 * order id) sent as an envelope through the queue `assets`; the built-in data asset writer writes it
 * into the bucket `lake` as JSON lines under `sales/order/country=AU/day=.../`. Every step records
 * its execution, so `npx sluice lineage lake <key>` walks from a lake file back to the CSV it came from.
 */
import { bucket, dataAssetWriter, fn, pipeline, queue } from 'sluice';

const raw = bucket('raw');
const parseOrders = fn('parse-orders', { handler: './handlers/parse-orders.ts', config: { country: 'AU' } });
const assets = queue('assets');
const lake = bucket('lake');

export default pipeline('my-pipeline', [raw.to(parseOrders).to(assets).to(dataAssetWriter('write-assets')).to(lake)], {
  description: 'Parses CSV orders into a data asset and writes it to the lake, partitioned by day',
});
