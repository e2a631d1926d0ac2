/**
 * Tsdat's AWS template as a sluice pipeline: files land in `incoming`, one routed step picks, by file
 * name, the ingest pipeline and the location whose configuration to use, and the standardized
 * datasets land in `standardized` under `<pipeline>/<location>/<date>/`.
 * Try it: npx sluice route examples/tsdat-ingest/pipeline.ts buoy.z05.00.20201201.000000.csv
 */
import { bucket, pipeline, route } from 'sluice';

const incoming = bucket('incoming');

export const ingest = route('ingest', {
  pipelines: {
    a2e_buoy_ingest: {
      match: /^buoy\..*\.(csv|zip|tar|tar\.gz)$/,
      locations: { humboldt: /\.z05\./, morro: /\.z06\./ },
      handler: './pipelines/a2e_buoy_ingest/pipeline.ts',
      config: './pipelines/a2e_buoy_ingest/config/{location}.yaml',
    },
    tide_data_ingest: {
      match: /^tide_\d{14}\.log$/,
      locations: { mcrl: /^tide_\d{14}\.log$/ },
      handler: './pipelines/tide_data_ingest/pipeline.ts',
      config: './pipelines/tide_data_ingest/config/{location}.yaml',
    },
  },
  timeout: '2m',
  memory: 1024,
});

const standardized = bucket('standardized');

export default pipeline('tsdat-ingest', [incoming.to(ingest).to(standardized)], {
  description: 'Routes buoy and tide files to their ingest pipeline and location, and standardizes them',
});
