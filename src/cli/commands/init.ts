/**
 * `sluice init [dir] [--template copy|components] [--sluice SPEC]`: write a new project (package.json,
 * tsconfig.json, pipeline.ts, a handler, a unit test, sample data, .gitignore, README.md) into a new
 * or empty folder, or into the folder where `npm install sluice` was just run, and say what to run next.
 */
import { relative } from 'node:path';
import { Option, type Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { emit } from '../output.js';
import { TEMPLATES, type TemplateName } from '../project.js';

interface InitOptions {
  template: TemplateName;
  sluice?: string;
  json?: boolean;
}

const FROM: Record<string, string> = {
  option: '--sluice',
  'package.json': "kept from the package.json 'npm install' wrote",
  checkout: 'this checkout of sluice',
  installed: 'as the running sluice was installed',
  version: "the running sluice's version, from the npm registry",
};

/**
 * Register `sluice init`.
 * @example sluice init my-pipeline --template components
 */
export function registerInit(program: Command): void {
  withJson(program.command('init [dir]'))
    .description('start a project of your own: write a pipeline, a handler, a unit test and sample data into a new folder (default: the current one)')
    .addOption(new Option('--template <name>', 'copy: a bucket -> function -> bucket copy; components: envelopes, a data asset and lineage').choices(TEMPLATES).default('copy'))
    .option('--sluice <spec>', "how the project's package.json depends on sluice, as npm takes it: a version range, or file:path/to/sluice-0.1.0.tgz (default: the way the running sluice was installed, else ^its version)")
    .addHelpText('after', [
      '',
      'The folder must be new or empty, or hold only what `npm install sluice` wrote into an empty folder',
      '(its package.json then keeps its dependency on sluice). Then run: npm install; npm test;',
      'npx sluice run --put raw=sample-data.',
    ].join('\n'))
    .action(action(async (dir: string | undefined, options: InitOptions) => {
      const { writeProject } = await import('../project.js');
      const project = writeProject(dir ?? '.', { template: options.template, ...(options.sluice !== undefined ? { sluice: options.sluice } : {}) });
      const where = relative(process.cwd(), project.dir);
      const next = [...(where ? [`cd ${/\s/.test(where) ? JSON.stringify(where) : where}`] : []), 'npm install', 'npm test', 'npx sluice run --put raw=sample-data'];
      emit(options, { ...project, next }, () => [
        `${pc.green('created')} ${pc.bold(project.name)} in ${project.dir} ${pc.dim(`(template ${project.template})`)}`,
        `  sluice ${project.sluice.spec} ${pc.dim(`(${FROM[project.sluice.from]})`)}`,
        ...project.files.map((f) => `  ${f}`),
        '',
        'next:',
        ...next.map((c) => `  ${c}`),
      ].join('\n'));
    }));
}
