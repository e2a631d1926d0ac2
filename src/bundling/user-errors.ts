/**
 * Where a user's file went wrong, for error messages: esbuild's build errors as `file:line:column:
 * text`, and the first stack frames that are the user's own code (not Node's internals, not a
 * dependency's, not sluice's). What a user needs to find their mistake, and nothing else.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An esbuild failure as `file:line:column: text` lines joined with '; ', or undefined for any other error. */
export function describeBuildError(error: unknown): string | undefined {
  const errors = (error as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.slice(0, 5).map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text)).join('; ');
}

/**
 * The frames of a stack that are the user's code (`file:line:column`), at most `max`.
 * @example userFrames(error.stack)[0] // '/p/handlers/copy.ts:3:3'
 */
export function userFrames(stack: string, max = 3): string[] {
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const m = /(?:\(|at )((?:file:\/\/)?\/[^()]*:\d+:\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const location = m[1]!.replace(/^file:\/\//, '');
    if (location.includes('/node_modules/') || location.startsWith(SLUICE_ROOT) || location.includes('/.sluice/cache/')) continue;
    frames.push(location);
    if (frames.length >= max) break;
  }
  return frames;
}

/** ` (at path:line:column)`, relative to the working directory, for the first user frame of `stack`; '' if none. */
export function whereInUserCode(stack: string | undefined): string {
  const [where] = userFrames(stack ?? '', 1);
  return where ? ` (at ${relative(process.cwd(), where)})` : '';
}

/** What failed while loading a user's file: the build errors, or the thrown message and where it was thrown. */
export function describeLoadFailure(error: unknown): string {
  const build = describeBuildError(error);
  if (build) return build;
  const e = error instanceof Error ? error : new Error(String(error));
  return `${e.message}${whereInUserCode(e.stack)}`;
}

// sluice's own files (src/ or dist/), whose frames are not the user's.
const SLUICE_ROOT = fileURLToPath(new URL('..', import.meta.url));
