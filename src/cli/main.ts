/**
 * The `sluice` command line: one file per command under `commands/`, each registering itself on the
 * program. Every command takes `--json`; the pipeline entry defaults to `./pipeline.ts`.
 */
import { Command } from 'commander';
import { commands } from './commands/index.js';

const program = new Command('sluice')
  .description('Typed AWS data pipelines: run them locally with AWS semantics, synthesize and deploy them.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .configureHelp({ sortSubcommands: true });

for (const register of commands) register(program);

await program.parseAsync(process.argv);
