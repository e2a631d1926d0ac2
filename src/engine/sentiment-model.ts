/**
 * The local stage's sentiment service: the AFINN-165 word list of the `sentiment` package (MIT, no
 * network, no model download, deterministic), with its English negation rule ("not good" scores as
 * bad), mapped to Amazon Comprehend's four labels and scores:
 *
 * - each sentiment word adds its AFINN weight to the positive or the negative side (p, n);
 * - `Mixed` weighs 1.1 x min(p, n) when both sides are present, so a text as good as it is bad is MIXED;
 * - `Neutral` weighs the larger of 1.5 and 0.12 per word: a short text with one strong word leans
 *   that way, a long factual text with a stray "popular" stays NEUTRAL, as Comprehend's tend to;
 * - each weight gets 0.01 (Comprehend never answers an exact 0), the four are divided by their sum,
 *   and the label is the largest, as Comprehend's label is its largest score.
 *
 * The README's "AI sentiment" section says how often these labels agree with Comprehend's on the
 * labelled set in test/engine/sentiment/labelled.json.
 */
import { createRequire } from 'node:module';
import type SentimentType from 'sentiment';
import { InputError } from '../model/errors.js';
import type { BatchSentimentResult, SentimentLabel, SentimentResult } from '../runtime/types.js';
import type { SentimentBackend, SentimentIo } from '../runtime/sentiment.js';

// Loaded on first use: every worker thread imports this module, few steps call ctx.sentiment, and the
// word list costs start-up time.
let analyzer: SentimentType | undefined;
function analyzerOf(): SentimentType {
  if (!analyzer) {
    const Sentiment = createRequire(import.meta.url)('sentiment') as typeof SentimentType;
    analyzer = new Sentiment();
  }
  return analyzer;
}

/** The weights the mapping uses (module comment). */
const WEIGHTS = { mixed: 1.1, neutralFloor: 1.5, neutralPerWord: 0.12, floor: 0.01 } as const;

/**
 * The sentiment of one English text, in Comprehend's shape.
 * @example localSentiment('I love it').Sentiment // 'POSITIVE'
 */
export function localSentiment(text: string): SentimentResult {
  const { calculation, tokens } = analyzerOf().analyze(text);
  let positive = 0;
  let negative = 0;
  for (const entry of calculation) {
    for (const word in entry) {
      const weight = entry[word]!;
      if (weight > 0) positive += weight;
      else negative -= weight;
    }
  }
  const raw = {
    Positive: positive + WEIGHTS.floor,
    Negative: negative + WEIGHTS.floor,
    Neutral: Math.max(WEIGHTS.neutralFloor, WEIGHTS.neutralPerWord * tokens.length) + WEIGHTS.floor,
    Mixed: (positive > 0 && negative > 0 ? WEIGHTS.mixed * Math.min(positive, negative) : 0) + WEIGHTS.floor,
  };
  const total = raw.Positive + raw.Negative + raw.Neutral + raw.Mixed;
  const score = { Positive: raw.Positive / total, Negative: raw.Negative / total, Neutral: raw.Neutral / total, Mixed: raw.Mixed / total };
  // Ties go to the calmer label: NEUTRAL, then MIXED, then the sides.
  const order: Array<[SentimentLabel, number]> = [['NEUTRAL', score.Neutral], ['MIXED', score.Mixed], ['POSITIVE', score.Positive], ['NEGATIVE', score.Negative]];
  const label = order.reduce((best, next) => (next[1] > best[1] ? next : best))[0];
  return { Sentiment: label, SentimentScore: score };
}

/** The local model as a stage's sentiment backend: English only, as the word list is. */
export const localSentimentBackend: SentimentBackend = (service) => {
  const io: SentimentIo = {
    async detect(text) {
      return localSentiment(text);
    },
    async batch(texts): Promise<BatchSentimentResult> {
      return { ResultList: texts.map((t, Index) => { const r = localSentiment(t) as SentimentResult & { Index: number }; r.Index = Index; return r; }), ErrorList: [] };
    },
  };
  if (service.language === 'en') return io;
  const refuse = async (): Promise<never> => {
    throw new InputError('SLUICE_E_SENTIMENT_LOCAL_LANGUAGE', `comprehend '${service.name}': the local sentiment model reads English only (language '${service.language}'); test with language 'en' locally, or run the step on an AWS stage, where Comprehend reads '${service.language}'`, { node: service.name, field: 'language', given: service.language, expected: 'en' });
  };
  return { detect: refuse, batch: refuse };
};
