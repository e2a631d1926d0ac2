/**
 * Pylon's pipeline components in sluice. A URL resource record lands in `requests`; the source
 * `fetch-resource` fetches the resource it names, keeps a copy in `raw` and publishes the completed
 * record (objectType urlResource); the component `parse-incidents` turns the fetched CSV into a data
 * asset and an update notification; the topic `assets` fans out by objectType to the built-in data
 * asset writer (the lake, partitioned by day) and to the sink `record-updates` (a table).
 *
 * Run it: see README.md (it needs the local secret '/incidents/api-key').
 */
import { bucket, dataAssetWriter, fn, pipeline, queue, secret, table, topic } from 'sluice';

const requests = bucket('requests');
const raw = bucket('raw');
const lake = bucket('lake');

const fetchResource = fn('fetch-resource', {
  handler: './handlers/fetch-resource.ts',
  config: {
    // Locally the resources are the sample files; each AWS stage fetches from the real source.
    baseUrl: new URL('./sample-data/resources/', import.meta.url).href,
    apiKey: secret('/incidents/api-key'),
  },
  stageConfig: {
    dev: { baseUrl: 'https://data.example.org/incidents/' },
    prod: { baseUrl: 'https://data.example.org/incidents/', apiKey: secret('/incidents/prod/api-key') },
  },
});
const ingested = topic('ingested');
const parseIncidents = fn('parse-incidents', { handler: './handlers/parse-incidents.ts', config: { country: 'AU' } }).reads(raw);
const assets = topic('assets');
const updates = table('updates', { partitionKey: { name: 'dataAssetName', type: 'S' }, sortKey: { name: 'ingestionId', type: 'S' } });
const recordUpdates = fn('record-updates', { handler: './handlers/record-updates.ts' }).writes(updates);

export default pipeline('pylon-components', [
  requests.to(fetchResource).to(raw),
  fetchResource.to(ingested),
  ingested.to(queue('to-parse'), { filterPolicy: { objectType: ['urlResource'] }, rawMessageDelivery: true }).to(parseIncidents).to(assets),
  assets.to(queue('asset-writes'), { filterPolicy: { objectType: ['dataAsset'] }, rawMessageDelivery: true }).to(dataAssetWriter('write-assets')).to(lake),
  assets.to(queue('notifications'), { filterPolicy: { objectType: ['updateNotification'] }, rawMessageDelivery: true }).to(recordUpdates),
], {
  description: 'Pylon components: a source fetching URL resources, a component producing data assets, a topic fanning out to the data asset writer and an update recorder',
});
