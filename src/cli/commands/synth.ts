/**
 * `sluice synth [entry] [--stage NAME]... [--out DIR] [--format json|yaml]`: write the CloudFormation
 * template of the pipeline for each stage, with its function bundles and nested templates, and print
 * a short summary of the resources. Nothing is written when the pipeline has a problem.
 */
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { InputError } from '../../model/errors.js';
import { action, withJson } from '../common.js';
import { emit } from '../output.js';

interface SynthCommandOptions {
  entry?: string;
  stage?: string[];
  out: string;
  format: string;
  json?: boolean;
}

/**
 * Register `sluice synth`.
 * @example sluice synth examples/three-node-copy/pipeline.ts --stage dev --stage prod --out cdk.out
 */
export function registerSynth(program: Command): void {
  withJson(program.command('synth [entry]'))
    .description('write the CloudFormation template of the pipeline for a stage (and its function bundles)')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', 'the AWS stage; repeat for several (default: dev)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--out <dir>', 'where templates and assets are written', '.sluice/synth')
    .option('--format <format>', 'template format: json or yaml', 'json')
    .action(action(async (entryArg: string | undefined, options: SynthCommandOptions) => {
      if (options.format !== 'json' && options.format !== 'yaml') {
        throw new InputError('SLUICE_E_SYNTH_FORMAT', `--format must be json or yaml (given '${options.format}')`);
      }
      const { loadPipeline } = await import('../load.js');
      const { pipeline, entry } = await loadPipeline(entryArg ?? options.entry);
      // Loaded lazily: other commands should not pay for esbuild, fflate and the synthesizer.
      const [{ synthesize }, { summarize, writeSynthesis }] = await Promise.all([import('../../cloud/synth/synth.js'), import('../../cloud/synth/write.js')]);
      const stages = options.stage?.length ? options.stage : ['dev'];
      const cacheDir = join(dirname(entry), '.sluice', 'cache');
      // Synthesize every stage before writing any: a problem in one stage writes nothing.
      const syntheses = [];
      for (const stage of stages) syntheses.push(await synthesize(pipeline, { stage, cacheDir }));
      const outDir = resolve(options.out);
      const results = syntheses.map((s) => {
        const written = writeSynthesis(s, { outDir, format: options.format as 'json' | 'yaml' });
        return { ...summarize(s), stage: s.stage, template: written.template, manifest: written.manifest };
      });
      emit(options, { pipeline: pipeline.name, entry, outDir, stacks: results }, () =>
        results
          .map((r) => {
            const types = Object.entries(r.byType).map(([type, n]) => `${n} ${type.replace(/^AWS::/, '')}`).join(', ');
            const nested = r.nestedStacks ? `, split into ${r.nestedStacks} nested stacks` : '';
            return [
              `${pc.bold(r.stackName)} ${pc.dim(relative(process.cwd(), r.template))}`,
              `  ${r.resources} resources${nested}: ${types}`,
              `  ${r.assets} function bundle${r.assets === 1 ? '' : 's'} (${(r.assetBytes / 1024).toFixed(1)} KB)`,
            ].join('\n');
          })
          .join('\n'),
      );
    }));
}
