/**
 * The `sluice` command line: one file per command under `commands/`, each registering itself on the
 * program. Every command takes `--json`; the pipeline entry defaults to `./pipeline.ts`.
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { commands } from './commands/index.js';

// The version is the package's own (read once; package.json sits two folders up from src/cli and dist/cli).
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

// Usage mistakes (unknown option, missing argument) exit 2 like every other bad input: commander's
// default of 1 is what `sluice run` uses for "something was dead-lettered", so a script could not
// tell the two apart. With --json the mistake is a JSON error on stdout, as for any other error.
const json = process.argv.includes('--json');
const program = new Command('sluice')
  .description('Typed AWS data pipelines: run them locally with AWS semantics, synthesize and deploy them.')
  .version(version)
  .showHelpAfterError(json ? false : '(run with --help for usage)')
  .configureOutput(json ? { outputError: () => {} } : {})
  .exitOverride((error: CommanderError) => {
    if (error.exitCode !== 0 && json) {
      process.stdout.write(`${JSON.stringify({ error: 'UsageError', code: 'SLUICE_E_USAGE', message: error.message.replace(/^error: /, '') }, null, 2)}\n`);
    }
    process.exit(error.exitCode === 0 ? 0 : 2);
  })
  .configureHelp({ sortSubcommands: true });

for (const register of commands) register(program);

await program.parseAsync(process.argv);
