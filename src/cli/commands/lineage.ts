/**
 * `sluice lineage <bucket> <key> [--stage NAME]`: the chain of executions from an object back to the
 * root input it came from, each with its step, version, time, timings, metadata and input, read from
 * the local store's ingestion steps, or on an AWS stage from the object's metadata and the stage's
 * lineage table.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson, withStage } from '../common.js';
import { emit } from '../output.js';
import { openLocal } from '../local.js';
import { InputError } from '../../model/errors.js';
import { loadPipeline } from '../load.js';
import { describeIngestionInput, lineageOf, type Lineage } from '../../engine/index.js';

interface LineageOptions {
  entry?: string;
  state?: string;
  stage?: string;
  json?: boolean;
}

export function registerLineage(program: Command): void {
  withStage(withJson(program.command('lineage <bucket> <key>')))
    .description('print the chain of steps from an object back to the root input, with each step\'s time and metadata')
    .option('--entry <file>', 'the pipeline file', 'pipeline.ts')
    .option('--state <dir>', 'the state folder (default: .sluice/local beside the pipeline file)')
    .action(action(async (bucket: string, key: string, options: LineageOptions) => {
      if (options.stage && options.stage !== 'local') {
        const { pipeline } = await loadPipeline(options.entry);
        // Loaded on demand: the local stage should not pay for the AWS SDK.
        const [{ RemoteStage }, { remoteLineage }] = await Promise.all([import('../../cloud/stage/stage.js'), import('../../cloud/stage/lineage.js')]);
        const lineage = await remoteLineage(await RemoteStage.open(pipeline, options.stage), bucket, key);
        emit(options, { ...lineage, stage: options.stage }, () => formatLineage(lineage));
        return;
      }
      const { engine, release } = await openLocal(options, { handlers: false });
      try {
        if (!engine.topology.buckets.has(bucket)) throw new InputError('SLUICE_E_UNKNOWN_NODE', `bucket '${bucket}' is not in pipeline '${engine.pipeline.name}' (its buckets: ${[...engine.topology.buckets.keys()].join(', ') || 'none'})`);
        const lineage = lineageOf(engine.store, bucket, key);
        emit(options, lineage, () => formatLineage(lineage));
      } finally {
        await engine.close();
        release();
      }
    }));
}

/** The chain for people: one numbered block per step, newest first, then the root input. */
export function formatLineage(lineage: Lineage): string {
  const lines = [`${pc.bold(`${lineage.bucket}/${lineage.key}`)}, written by:`];
  lineage.steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${pc.bold(s.artifactName)} (${s.role}) at ${s.startedAt}`);
    lines.push(`     ${pc.dim('ingestion')} ${s.ingestionId}  ${pc.dim('version')} ${s.artifactVersion.slice(0, 12)}  ${pc.dim('core')} ${s.coreMs.toFixed(2)} ms, ${pc.dim('total')} ${s.totalMs.toFixed(2)} ms`);
    if (Object.keys(s.metadata).length) lines.push(`     ${pc.dim('metadata')}  ${JSON.stringify(s.metadata)}`);
    for (const input of s.inputs) lines.push(`     ${pc.dim('input')}     ${describeIngestionInput(input)}`);
  });
  if (lineage.missing) lines.push(pc.yellow(`the chain stops at ingestion ${lineage.missing}, which the store does not hold (a step with lineage off)`));
  else lines.push(`${pc.bold('root input')}: ${lineage.root.map(describeIngestionInput).join(', ') || 'none'}`);
  return lines.join('\n');
}
