/**
 * Pypedream's demo pipeline in sluice: a medallion of data stages (landing, bronze, silver, gold) with
 * batch jobs between them, run every night in dependency order by one flow.
 *
 * - `extract`: each landing CSV export becomes a bronze Parquet file, every column as text;
 * - `clean`: bronze becomes typed silver orders, one per order id (the latest copy), rows that break
 *   a rule kept in `quarantine` with their reasons;
 * - `enrich` (an AWS Glue Spark job, run locally by its TypeScript twin): the customers dimension with
 *   each customer's region, in silver; it runs beside `clean`, as both read bronze only;
 * - `aggregate`: silver becomes gold, the daily revenue per customer.
 *
 * The flow `nightly` runs them at 02:00 UTC and publishes each execution's outcome to `outcomes`.
 * Run it: see README.md.
 */
import { bucket, flow, glueJob, job, pipeline, queue, schedule, topic } from 'sluice';

const landing = bucket('landing');
const bronze = bucket('bronze');
const silver = bucket('silver');
const gold = bucket('gold', { format: 'parquet', keys: ['order_date', 'customer_id', 'currency'] });
const quarantine = bucket('quarantine');

// The source's drop is the least dependable part of the night: retry extract before failing it.
const extract = job('extract', { handler: './jobs/extract.ts', timeout: '10m', retry: { attempts: 2, interval: '30s' } });
const clean = job('clean', { handler: './jobs/clean.ts', timeout: '10m', memory: 2048, config: { maxRejectedShare: 0.05 } });
const enrich = glueJob('enrich', {
  script: './jobs/enrich.py',
  type: 'glueetl',
  glueVersion: '4.0',
  workerType: 'G.1X',
  workers: 2,
  extraFiles: ['./jobs/regions.json'],
  timeout: '30m',
  local: './jobs/enrich.local.ts',
  // Glue refuses a run while its account is at its concurrent-runs limit: try once more a little later.
  retry: { attempts: 1, interval: '2m' },
});
const aggregate = job('aggregate', { handler: './jobs/aggregate.ts', timeout: '10m' });

const nightly = flow('nightly', [extract, clean, enrich, aggregate], { timeout: '2h' });
const outcomes = topic('outcomes');

export default pipeline('medallion', [
  landing.to(extract).to(bronze).to(clean).to(silver).to(aggregate).to(gold),
  bronze.to(enrich).to(silver),
  extract.to(quarantine),
  clean.to(quarantine),
  schedule('at-2am', 'cron(0 2 * * ? *)').to(nightly).to(outcomes),
  // Each execution's outcome, kept for a look the next morning (or subscribe an email or a function).
  outcomes.to(queue('outcome-log')),
], {
  description: 'Pypedream\'s medallion demo: landing CSV to bronze, silver and gold Parquet by a nightly flow of batch jobs and a Glue job',
});
