/**
 * How the CLI speaks: results for people (plain text, colour on a terminal) or, with `--json`, one
 * JSON document on stdout for programs; errors as a sentence with their code, never a stack trace
 * for a user mistake.
 */
import pc from 'picocolors';
import { InternalError, SluiceError } from '../model/errors.js';

/** Options every command takes. */
export interface GlobalOptions {
  json?: boolean;
}

/** Print a result: `human()` for people, `data` as JSON with `--json`. */
export function emit(options: GlobalOptions, data: unknown, human: () => string): void {
  if (options.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else {
    const text = human();
    if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** Progress for people on stderr; silent with `--json`. */
export function progress(options: GlobalOptions, line: string): void {
  if (!options.json) process.stderr.write(`${pc.dim(line)}\n`);
}

/** Report an error and set the exit code. User errors print their message; bugs print the stack. */
export function reportError(options: GlobalOptions, error: unknown): void {
  process.exitCode = Number(process.exitCode ?? 0) > 1 ? process.exitCode : 2;
  if (error instanceof InternalError) {
    if (options.json) process.stdout.write(`${JSON.stringify({ ...error.toJSON(), stack: error.stack }, null, 2)}\n`);
    else process.stderr.write(`${pc.red('internal error')} ${error.stack ?? error.message}\n`);
    return;
  }
  if (error instanceof SluiceError) {
    if (options.json) process.stdout.write(`${JSON.stringify(error.toJSON(), null, 2)}\n`);
    else {
      // The code goes on the first line, beside the headline, not after the last item of a list.
      const [headline, ...details] = error.message.split('\n');
      process.stderr.write(`${pc.red('error')} ${headline} ${pc.dim(`[${error.code}]`)}\n${details.map((d) => `${d}\n`).join('')}`);
    }
    return;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  if (options.json) process.stdout.write(`${JSON.stringify({ error: e.name, code: 'SLUICE_E_INTERNAL', message: e.message }, null, 2)}\n`);
  else process.stderr.write(`${pc.red('internal error')} ${e.stack ?? e.message}\nThis is a bug in sluice; please report it with the command you ran.\n`);
}

/** Format rows as an aligned table. */
export function table(rows: Array<Array<string | number>>, header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0] ? all[0].map((_, i) => Math.max(...all.map((r) => String(r[i] ?? '').length))) : [];
  const line = (r: Array<string | number>) => r.map((c, i) => String(c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  const out = all.map(line);
  if (header) out[0] = pc.bold(out[0]!);
  return out.join('\n');
}
