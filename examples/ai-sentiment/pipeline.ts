/**
 * The seed's AI sentiment pipeline (seed 004), with the seed's names: a DynamoDB table of names
 * (`fang`) -> a five-minute EventBridge timer -> `serverless-producer`, which scans the table and sends
 * each name to the `producer` queue (120 s visibility) -> `producer-ai`, which fetches a text about the
 * name and asks the sentiment service -> one JSON and one CSV object per name and run in `fangsentiment`.
 * Locally the texts are samples checked in beside this file and the sentiment is the local model; on
 * an AWS stage the texts come from a public encyclopedia's summary endpoint (change `textSource.url`)
 * and the sentiment from Amazon Comprehend. `alerts` emails when anything dead-letters (locally: the
 * outbox, `sluice outbox`).
 */
import { bucket, comprehend, dlqOf, fn, notify, pipeline, queue, schedule, table } from 'sluice';
import { samples } from './sample-data/texts.js';

// `expected`: what `sluice cost` prices (the seed's 10 names; each run, one Scan and one message per name).
const fang = table('fang', { partitionKey: 'name', expected: { items: 10, itemSize: '100B' } });
const timer = schedule('five-minute-timer', 'rate(5 minutes)');
const serverlessProducer = fn('serverless-producer', { handler: './handlers/serverless-producer.ts', timeout: '10s', expected: { duration: '200ms', outputsPerInput: 10, size: '200B', tableReads: 1 } }).reads(fang);
const producer = queue('producer', { visibilityTimeout: 120 });
const sentiment = comprehend('sentiment', 'sentiment', { language: 'en', expected: { characters: 600 } });
const producerAi = fn('producer-ai', {
  handler: './handlers/producer-ai.ts',
  // The seed's 120 s visibility allows at most 20 s per run: AWS's rule of 6 x the timeout (SQS-6).
  timeout: '20s',
  // A summary fetched and scored in about a second; one JSON and one CSV object per name and run.
  expected: { duration: '1s', outputsPerInput: 2, size: '1KB' },
  // Where texts come from, per stage: samples by name locally, the summary endpoint elsewhere.
  config: { textSource: { kind: 'url', url: 'https://en.wikipedia.org/api/rest_v1/page/summary/{name}', field: 'extract' } },
  stageConfig: { local: { textSource: { kind: 'samples', samples } } },
}).uses(sentiment);
const fangsentiment = bucket('fangsentiment');
// The seed's "email notifications" to-do: an email when names dead-letter in either step.
const alerts = notify('alerts', { email: ['ops@example.org'] }).watch(dlqOf(serverlessProducer), dlqOf(producer));

export default pipeline('ai-sentiment', [timer.to(serverlessProducer).to(producer).to(producerAi).to(fangsentiment), alerts], {
  description: 'Every five minutes, the sentiment of a text about each name in the fang table',
});
