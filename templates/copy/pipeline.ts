/**
 * The pipeline: every object that lands in the bucket `raw` is copied, by the function `copy`, into
 * the bucket `curated` under the same key. `npx sluice run` runs it on the local engine, `npm test`
 * unit-tests it in memory, `npx sluice synth --stage dev` writes its CloudFormation template.
 */
import { bucket, fn, pipeline } from 'sluice';

const raw = bucket('raw');
const copy = fn('copy', { handler: './handlers/copy.ts' });
const curated = bucket('curated');

export default pipeline('my-pipeline', [raw.to(copy).to(curated)], {
  description: 'Copies every object from raw to curated',
});
