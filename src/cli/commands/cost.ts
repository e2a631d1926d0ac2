/**
 * `sluice cost [entry] [--stage NAME] [--region R] [--volume NODE=RATE]... [--from-run] [--prices FILE]`:
 * what the pipeline costs a month on AWS, per node and in total, with the free tier shown apart, the
 * prices' date and what is not counted. `sluice cost prices [--region R] [--refresh] [--out FILE]`:
 * the price table used (shipped, or refreshed from the AWS Price List API where credentials allow).
 */
import type { Command } from 'commander';
import { dirname, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { action, withJson } from '../common.js';
import { emit, progress } from '../output.js';
import { stateDirFor } from '../stage.js';

interface CostCommandOptions {
  entry?: string;
  stage: string;
  region: string;
  volume?: string[];
  fromRun?: boolean;
  state?: string;
  prices?: string;
  json?: boolean;
}

interface PricesCommandOptions {
  region: string;
  refresh?: boolean;
  out?: string;
  json?: boolean;
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Register `sluice cost` and `sluice cost prices`.
 * @example sluice cost examples/three-node-copy/pipeline.ts --volume raw=1M/month
 */
export function registerCost(program: Command): void {
  const cost = withJson(program.command('cost'))
    .argument('[entry]', 'the pipeline file (default: ./pipeline.ts)')
    .description('estimate what the pipeline costs a month on AWS: per node and in total, free tier apart, with the prices\' date')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', 'the AWS stage whose template is priced (its settings: memory, log retention, keys)', 'dev')
    .option('--region <region>', 'the region whose prices apply (shipped: us-east-1, eu-west-1, eu-central-1, ap-southeast-2)', 'us-east-1')
    .option('--volume <node=rate>', "a node's volume a month, e.g. raw=1M/month, orders=10/day (objects, messages, inputs or executions; repeat for several)", repeat)
    .option('--from-run', "measure the local stage's last run (counts, durations, sizes) and scale it to a month")
    .option('--state <dir>', 'the local state folder --from-run reads (default: .sluice/local beside the pipeline file)')
    .option('--prices <file>', 'a price table (JSON, as sluice cost prices --json prints) laid over the shipped one')
    .action(action(async (entryArg: string | undefined, options: CostCommandOptions) => {
      const [{ loadPipeline }, costs] = await Promise.all([import('../load.js'), import('../../cost/index.js')]);
      const volumes = costs.parseVolumeOptions(options.volume ?? []);
      const prices = options.prices ? costs.readPricesFile(options.prices) : [];
      costs.priceTableFor(options.region, prices);
      const { pipeline, entry } = await loadPipeline(entryArg ?? options.entry);
      const perMonth = costs.volumesPerMonth(pipeline, volumes);
      const run = options.fromRun ? costs.measureRunIn(stateDirFor(entry, options.state), pipeline, perMonth) : undefined;
      progress(options, `synthesizing the pipeline to read its settings`);
      const estimate = await costs.estimateCost(pipeline, { stage: options.stage, region: options.region, volumes, prices, ...(run ? { run } : {}), cacheDir: join(dirname(entry), '.sluice', 'cache') });
      emit(options, estimate, () => costs.renderCost(estimate));
    }));

  // --region and --json are the parent's options: commander parses them wherever they stand.
  cost.command('prices')
    .description('print the price table of a region (--region; the shipped one, or --refresh from the AWS Price List API)')
    .option('--refresh', 'read current prices from the AWS Price List API (needs AWS credentials allowed pricing:GetProducts)')
    .option('--out <file>', 'also write the table as JSON, for sluice cost --prices FILE')
    .action(action(async (_options: PricesCommandOptions, command: Command) => {
      const options = command.optsWithGlobals<PricesCommandOptions>();
      const costs = await import('../../cost/index.js');
      // Lambda's SDK warns on Node 20 on every client; the deploy commands silence it the same way.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const refreshed = options.refresh ? await costs.refreshPrices(options.region, (line) => progress(options, line)) : undefined;
      const table = refreshed?.table ?? costs.priceTableFor(options.region);
      if (options.out) writeFileSync(options.out, `${JSON.stringify(table, null, 2)}\n`);
      emit(options, table, () => [
        `prices for ${table.region}, read ${table.date} (${table.origin})${refreshed ? `: ${refreshed.fromApi.length} lines from the Price List API, the rest shipped` : ''}`,
        ...Object.entries(table.lines).map(([id, l]) => `  ${id.padEnd(24)} $${l.price} per ${l.per === 1 ? '' : `${l.per.toLocaleString('en-US')} `}${l.unit}${l.free ? ` (free: ${l.free.toLocaleString('en-US')} a month${l.freeNote ? `, ${l.freeNote}` : ''})` : ''}  ${l.source}`),
        ...(options.out ? [`written to ${options.out}`] : []),
      ].join('\n'));
    }));
}
