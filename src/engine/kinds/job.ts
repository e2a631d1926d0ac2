/**
 * `job` and `glueJob` on the local engine: nothing delivers to them and they start nothing by
 * themselves; their flow's execution runs them (engine/flows.ts) with the stages their edges name.
 */
import type { Job } from '../../model/job.js';
import type { GlueJob } from '../../model/glue-job.js';
import { stagesOf } from '../../model/flow.js';
import type { KindEngine, RuntimeBase } from '../kind.js';

/** A job as the engine runs it: the stages it may read and write. */
export interface JobRuntime<N extends Job | GlueJob = Job> extends RuntimeBase<N> {
  readonly reads: string[];
  readonly writes: string[];
}

function jobEngineOf<N extends Job | GlueJob>(): KindEngine<N, JobRuntime<N>> {
  return {
    runtime(node, pipe) {
      const { reads, writes } = stagesOf(pipe, node);
      return { node, reads: reads.map((b) => b.name), writes: writes.map((b) => b.name) };
    },
    connect: null,
    receive: null,
    tick: null,
    nextDue: null,
    dispatch: null,
    deadLetters: null,
    watch: null,
    counts: null,
  };
}

export const jobEngine = jobEngineOf<Job>();
export const glueJobEngine = jobEngineOf<GlueJob>();
