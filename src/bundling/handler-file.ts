/**
 * Whether a step's code file is where its path points (a function's or job's handler, a Glue job's
 * script or local twin): checked by every command that needs handlers (run, dev, synth) and by
 * `sluice nodes`, with one message and one code.
 */
import { existsSync } from 'node:fs';
import type { Fn } from '../model/fn.js';
import type { Job } from '../model/job.js';
import type { GlueJob } from '../model/glue-job.js';
import type { Problem } from '../model/errors.js';
import { isRoute } from '../model/route.js';
import { prepareRouteEntry } from './route-entry.js';

/** The problem with a function or job whose handler file does not exist, if it does not. */
export function missingHandlerFile(node: Fn | Job): Problem | undefined {
  // A route's handler is generated from its pipelines: write it (after checking its files and samples) first.
  if (isRoute(node)) {
    const problems = prepareRouteEntry(node);
    if (problems.length > 0) return problems.length === 1 ? problems[0] : { ...problems[0]!, message: problems.map((p) => p.message).join('\n    ') };
  }
  return missingFile(node, 'handler', node.handlerPath, node.props.handler);
}

/** The problems with a Glue job's script, extra files and local twin that do not exist. */
export function missingGlueFiles(node: GlueJob, withLocal: boolean): Problem[] {
  const r = node.resolved;
  const problems = [missingFile(node, 'script', r.scriptPath, node.props.script)];
  for (const [i, path] of r.extraFiles.entries()) problems.push(missingFile(node, `extraFiles.${i}`, path, node.props.extraFiles?.[i]));
  if (withLocal && r.localPath) problems.push(missingFile(node, 'local', r.localPath, node.props.local));
  return problems.filter((p): p is Problem => p !== undefined);
}

function missingFile(node: Fn | Job | GlueJob, field: string, path: string, given: unknown): Problem | undefined {
  if (path && existsSync(path)) return undefined;
  return { code: 'SLUICE_E_HANDLER_MISSING', node: node.name, field, message: `${node}: ${field === 'handler' ? 'handler file' : `${field} file`} '${String(given)}' does not exist (looked at ${path}); create it or fix the path, which is relative to the file declaring the ${node.kind === 'fn' ? 'function' : 'job'}` };
}
