/**
 * The data asset writer's handler: a sink that writes each data asset it receives (a `dataAsset`
 * envelope, or a JSON object landing in a bucket) to the bucket downstream, partitioned by its keys:
 * `<schema>/<entity>/country=<CC>/<key>=<value>/.../part-<ingestionId>.jsonl`, one JSON row per line,
 * each row carrying the ingestion id that produced it. Rows with equal unique keys are written once
 * (the last wins). The file is named by the producing ingestion id, so a redelivered asset rewrites
 * the same files instead of adding copies.
 */
import { InputError } from '../../model/errors.js';
import { partitionsOf, validateDataAsset, type DataAsset } from '../../envelope/data-asset.js';
import { sink, result } from '../handler.js';
import { describeSource } from '../inputs.js';

export default sink(async (input, ctx) => {
  const where = describeSource(ctx.node, input);
  let asset: DataAsset;
  // A dataAsset envelope was validated when it was decoded; an object put into a bucket was not.
  if (input.kind === 'object') asset = validateDataAsset(await ctx.json(input), where);
  else if (input.envelope.objectType === 'dataAsset') asset = input.envelope.body as DataAsset;
  else {
    throw new InputError('SLUICE_E_DATA_ASSET_EXPECTED', `${where}: the data asset writer takes dataAsset envelopes (given objectType '${input.envelope.objectType}'); filter its subscription with { filterPolicy: { objectType: ['dataAsset'] } }`);
  }
  const producedBy = asset.ingestionId || input.envelope.ingestionId || ctx.ingestionId;
  const partitions = partitionsOf(asset);
  let rows = 0;
  const objects = partitions.map((p) => {
    rows += p.rows.length;
    const lines = p.rows.map((row) => JSON.stringify(row.ingestionId === undefined ? { ...row, ingestionId: producedBy } : row)).join('\n');
    return ctx.object(`${p.prefix}part-${producedBy}.jsonl`, `${lines}\n`, { contentType: 'application/x-ndjson' });
  });
  return result(objects, { dataAssetName: asset.dataAssetName, dataAssetCountry: asset.dataAssetCountry, partitions: partitions.length, rows, rowsReceived: asset.data.length });
});
