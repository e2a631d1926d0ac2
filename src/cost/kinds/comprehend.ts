/**
 * A sentiment service's cost: Amazon Comprehend bills each document in units of 100 characters, with a
 * minimum of 3 units, for DetectSentiment and for every document of a BatchDetectSentiment. Each input
 * of a step that uses the service is taken as one document of `expected.characters` (300 by default).
 * The service has no resource of its own, so nothing else is billed.
 */
import type { Comprehend } from '../../model/comprehend.js';
import type { CostLine, KindCost } from '../kind.js';
import { comprehendSentimentLines } from '../services.js';

/** Characters of a document when the node declares none: a short paragraph. */
const DEFAULT_CHARACTERS = 300;

export const comprehendCost: KindCost<Comprehend> = {
  unit: 'documents',
  sourceLabel: 'propagated',
  // Nothing reaches a service along an edge: its volume is what the steps that use it are asked.
  source: () => undefined,
  passes: () => ({ count: 0, bytes: 0 }),
  lines(node, _inflow, ctx) {
    const characters = node.props.expected?.characters ?? DEFAULT_CHARACTERS;
    const lines: CostLine[] = [];
    for (const fn of ctx.pipeline.nodesOf('fn')) {
      if (!fn.servicesUsed.has(node)) continue;
      const documents = ctx.volumeOf(fn).count;
      if (documents > 0) lines.push(...comprehendSentimentLines(ctx, documents, characters));
    }
    return lines;
  },
};
