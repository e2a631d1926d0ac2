/**
 * `sluice lineage <bucket> <key> [--stage NAME]`: the chain of executions from an object back to the
 * root input it came from, each with its step, version, time, timings, metadata and input: from the
 * local store's ingestion steps, or on an AWS stage from the object's metadata and the stage's
 * lineage table.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action } from '../common.js';
import { emit } from '../output.js';
import { describeIngestionInput, type Lineage } from '../../envelope/lineage.js';
import { onStage, withStageOptions, type StageOptions } from '../stage.js';

export function registerLineage(program: Command): void {
  withStageOptions(program.command('lineage <bucket> <key>'))
    .description('print the chain of steps from an object back to the root input, with each step\'s time and metadata')
    .action(action(async (bucket: string, key: string, options: StageOptions) => {
      await onStage(options, async (stage) => {
        const lineage = await stage.lineage(bucket, key);
        emit(options, { ...lineage, stage: stage.name }, () => formatLineage(lineage));
      });
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
