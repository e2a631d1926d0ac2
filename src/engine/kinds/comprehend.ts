/**
 * `comprehend` on the local engine: nothing is delivered to a language service and it runs nothing of
 * its own; steps call it through `ctx.sentiment` (the local model in engine/sentiment-model.ts).
 */
import type { Comprehend } from '../../model/comprehend.js';
import type { KindEngine, RuntimeBase } from '../kind.js';

/** A language service as the engine runs it: just the node. */
export type ComprehendRuntime = RuntimeBase<Comprehend>;

export const comprehendEngine: KindEngine<Comprehend, ComprehendRuntime> = {
  runtime: (node) => ({ node }),
  connect: null,
  receive: null,
  tick: null,
  nextDue: null,
  dispatch: null,
  deadLetters: null,
  watch: null,
  counts: null,
};
