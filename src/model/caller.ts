/**
 * Finds the file that called a DSL function, so `fn('x', { handler: './handlers/x.ts' })` resolves the
 * handler next to the pipeline file that declared it, wherever the test or CLI runs from.
 */
import { fileURLToPath } from 'node:url';

const MODEL_DIR = fileURLToPath(new URL('.', import.meta.url));
const SRC_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The path of the first stack frame outside sluice's own sources, or undefined. */
export function callerFile(): string | undefined {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith(MODEL_DIR) || file.startsWith(SRC_DIR)) continue;
    if (file.includes('/node_modules/tsx/') || file.startsWith('node:')) continue;
    return file;
  }
  return undefined;
}
