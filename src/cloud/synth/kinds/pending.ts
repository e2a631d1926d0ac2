/**
 * TEMPORARY (issue 11, in progress): jobs, Glue jobs and flows are in the model and the local engine;
 * their synthesizers land next. Until then synthesizing a pipeline that has one stops here.
 */
import { InternalError } from '../../../model/errors.js';
import type { AnyNode } from '../../../model/node.js';
import type { KindSynth } from '../kind.js';

export function pendingSynth<N extends AnyNode>(): KindSynth<N> {
  return {
    names: () => [],
    problems: () => [],
    grantResources: () => [],
    synthesize(node) {
      throw new InternalError(`${node}: synthesis of jobs and flows is not built yet`);
    },
  };
}
