/**
 * Whether a function's handler file is where its path points: checked by every command that needs
 * handlers (run, dev, synth) and by `sluice nodes`, with one message and one code.
 */
import { existsSync } from 'node:fs';
import type { Fn } from '../model/fn.js';
import type { Job } from '../model/job.js';
import type { Problem } from '../model/errors.js';

/** The problem with a function whose handler file does not exist, if it does not. */
export function missingHandlerFile(fn: Fn | Job): Problem | undefined {
  const path = fn.handlerPath;
  if (path && existsSync(path)) return undefined;
  return { code: 'SLUICE_E_HANDLER_MISSING', node: fn.name, field: 'handler', message: `${fn}: handler file '${String(fn.props.handler)}' does not exist (looked at ${path}); create it or fix the path, which is relative to the file declaring the function` };
}

