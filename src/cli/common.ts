/**
 * Options and wrappers shared by commands: `--json`, `--attribute` parsing, and `action()`, which
 * turns thrown errors into readable messages and exit codes. Stage options are in stage.ts.
 */
import type { Command } from 'commander';
import { reportError, type GlobalOptions } from './output.js';
import { InputError } from '../model/errors.js';

/** Add `--json` to a command. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON for programs');
}

/** Wrap a command's action: errors become messages with their code and a non-zero exit. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    // A subcommand's `--json` may be parsed by its parent (`sluice cost prices --json`): read both.
    const options = (typeof cmd?.optsWithGlobals === 'function' ? cmd.optsWithGlobals() : typeof cmd?.opts === 'function' ? cmd.opts() : {}) as GlobalOptions;
    try {
      await fn(...args);
    } catch (error) {
      reportError(options, error);
    }
  };
}

/** `--attribute name=value` options as message attributes: numbers become Number attributes. */
export function parseAttributes(specs: readonly string[] | undefined): Record<string, string | number> {
  const attributes: Record<string, string | number> = {};
  for (const a of specs ?? []) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new InputError('SLUICE_E_ATTRIBUTE', `--attribute takes name=value (given '${a}')`, { field: '--attribute', given: a, expected: 'name=value' });
    const value = a.slice(eq + 1);
    attributes[a.slice(0, eq)] = value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return attributes;
}
