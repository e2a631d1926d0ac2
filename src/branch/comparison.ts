/**
 * The one rule for main's side of a sampled comparison (`branch deltas` after `trigger --sample/--keys`),
 * on every stage: main's output objects are kept when their root key (the root input their lineage
 * starts at) is in the same selection, so both sides hold the outputs of the same inputs. An output
 * with no lineage (a job's, or one put from outside) cannot be traced to its roots: it is kept whole,
 * never silently dropped (a change there stays visible), and counted, so the report flags the bucket
 * as "not sampled: no lineage" (its rows differ from the branch's by the unsampled inputs too).
 * `--since` picks replayed inputs by time only and never restricts main's side.
 */
import type { BranchTriggerOptions } from './backend.js';
import { picked } from './local-run.js';

/** What restricts main's side: the trigger's sample and key prefix. */
export interface ComparisonRestriction {
  sample?: number;
  keys?: string;
}

/** Where one of main's output objects goes: compared (`in`), left out (`out`), or compared whole for want of lineage. */
export type MainSideVerdict = 'in' | 'out' | 'not-sampled';

/**
 * The restriction a trigger's options put on main's side, or undefined when they put none.
 * @example comparisonRestriction({ sample: 1, since: new Date() }) // { sample: 1 }
 */
export function comparisonRestriction(options: Pick<BranchTriggerOptions, 'sample' | 'keys'> | undefined): ComparisonRestriction | undefined {
  if (!options || (options.sample === undefined && options.keys === undefined)) return undefined;
  return { ...(options.sample !== undefined ? { sample: options.sample } : {}), ...(options.keys !== undefined ? { keys: options.keys } : {}) };
}

/**
 * The verdict on one of main's output objects, from its root key (undefined: it has no lineage).
 * @example mainSideVerdict(undefined, { sample: 1 }) // 'not-sampled': kept whole and flagged
 */
export function mainSideVerdict(rootKey: string | undefined, restriction: ComparisonRestriction | undefined): MainSideVerdict {
  if (!restriction) return 'in';
  if (rootKey === undefined) return 'not-sampled';
  return picked({ key: rootKey, lastModified: 0 }, rootKey, restriction) ? 'in' : 'out';
}
