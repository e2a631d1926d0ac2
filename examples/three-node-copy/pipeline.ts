/**
 * jaya's three-node pipeline: every object that lands in `raw` is copied by `copy` into `curated`.
 * Run it: npx sluice run examples/three-node-copy/pipeline.ts --put raw=examples/three-node-copy/sample-data
 */
import { bucket, fn, pipeline } from 'sluice';

const raw = bucket('raw');
const copy = fn('copy', { handler: './handlers/copy.ts' });
const curated = bucket('curated');

export default pipeline('three-node-pipe', [raw.to(copy).to(curated)], {
  description: 'Copies every object from raw to curated',
});
