/**
 * A branched step with another handler file: how a unit test runs a changed step on a branch without
 * editing the working tree (`localPipeline().branch(node, name, { handler })`). The pipeline is
 * rebuilt with a copy of the node whose `handler` points at the file; every edge and flow keeps it.
 */
import { isAbsolute, resolve } from 'node:path';
import { Flow } from '../model/flow.js';
import { Path, type AnyNode, type PathLike } from '../model/node.js';
import { Pipeline } from '../model/pipeline.js';
import { InputError } from '../model/errors.js';

/**
 * `pipe` with node `name` (a function or a job) running `handler` instead of its own, resolved from
 * `baseDir` when relative.
 * @example withHandler(pipe, 'clean', './jobs/clean-v2.ts', import.meta.dirname)
 */
export function withHandler(pipe: Pipeline, name: string, handler: string, baseDir: string): Pipeline {
  const node = pipe.node(name);
  if (!node || (node.kind !== 'fn' && node.kind !== 'job')) {
    throw new InputError('SLUICE_E_BRANCH_HANDLER', `branch handler: pipeline '${pipe.name}' has no function or job '${name}' whose handler could be replaced; give the name of a branched fn or job`, { node: name, given: name });
  }
  const path = isAbsolute(handler) ? handler : resolve(baseDir, handler);
  const copy = Object.assign(Object.create(Object.getPrototypeOf(node) as object) as AnyNode, node, { props: { ...node.props, handler: path } });
  const copies = new Map<AnyNode, AnyNode>([[node, copy]]);
  // A flow listing the job is copied too, so the pipeline holds one flow of that name, running the copy.
  for (const f of pipe.nodesOf('flow')) if (f.jobs.includes(node as never)) copies.set(f, new Flow(f.name, f.jobs.map((j) => (j === node ? copy : j) as typeof j), f.props));
  const swap = (n: AnyNode): AnyNode => copies.get(n) ?? n;
  const paths: PathLike[] = pipe.edges.map((e) => new Path([{ ...e, from: swap(e.from), to: swap(e.to) }], swap(e.to)));
  for (const n of pipe.nodes.values()) paths.push(swap(n));
  return new Pipeline(pipe.name, paths, pipe.props);
}
