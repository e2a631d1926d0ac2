/**
 * `comprehend` -> no resource: Comprehend's real-time API needs nothing of the account's. A step that
 * `uses` it gets comprehend:DetectSentiment and comprehend:BatchDetectSentiment on `*`, the one scope
 * IAM allows for them, with the reason in the role's `sluice:unscoped` metadata (IAM-5).
 */
import { COMPREHEND_UNSCOPED_REASON, type Comprehend } from '../../../model/comprehend.js';
import type { KindSynth } from '../kind.js';

export const comprehendSynth: KindSynth<Comprehend> = {
  names: () => [],
  problems: () => [],
  grantResources: () => ['*'],
  unscopedReason: () => COMPREHEND_UNSCOPED_REASON,
  synthesize: () => {},
};
