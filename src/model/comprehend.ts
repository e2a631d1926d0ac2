/**
 * `comprehend`: a language service a step calls, not a resource that holds data. Locally a
 * deterministic sentiment model (the AFINN word list of the `sentiment` package, mapped to
 * Comprehend's labels); on AWS Amazon Comprehend's DetectSentiment and BatchDetectSentiment. A step
 * declares it with `fn.uses(service)` and calls `ctx.sentiment(text)` / `ctx.sentiment.batch(texts)`;
 * nothing is deployed for it but the two actions on the step's role.
 */
import type { ExpectedDocuments } from './expected.js';
import { Node } from './node.js';
import type { KindDefinition } from './kind.js';
import type { Problem } from './errors.js';

/** What a comprehend node does. Only sentiment today (DetectSentiment). */
export type ComprehendFeature = 'sentiment';

/**
 * The languages DetectSentiment takes (Comprehend's `LanguageCode` for sentiment: the API reference's
 * "Supported languages"). The local model reads English only.
 */
export const COMPREHEND_SENTIMENT_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'ar', 'hi', 'ja', 'ko', 'zh', 'zh-TW'] as const;

/** A language DetectSentiment takes. */
export type ComprehendLanguage = (typeof COMPREHEND_SENTIMENT_LANGUAGES)[number];

/**
 * Comprehend's limits for DetectSentiment and BatchDetectSentiment: a document is at most 5,000 bytes
 * of UTF-8, a batch at most 25 documents (Comprehend API reference, "Guidelines and quotas").
 */
export const COMPREHEND_LIMITS = { maxDocumentBytes: 5000, maxBatchDocuments: 25 } as const;

/** Props of a comprehend node. */
export interface ComprehendProps {
  /** The language of the texts. @default 'en' */
  language?: ComprehendLanguage;
  /** What a typical text is, for `sluice cost` (each input of a step that uses the service is one document). @default 300 characters */
  expected?: ExpectedDocuments;
}

/** A comprehend node: one feature in one language. */
export class Comprehend extends Node<'comprehend', ComprehendProps & { feature: ComprehendFeature }> {
  readonly kind = 'comprehend' as const;
  /** This node's own problems: its feature and language against Comprehend's. */
  problems(): Problem[] {
    return problemsOf(this);
  }
  /** The feature it provides. */
  get feature(): ComprehendFeature {
    return this.props.feature;
  }
  /** The language of the texts, default applied. */
  get language(): ComprehendLanguage {
    return this.props.language ?? 'en';
  }
}

/**
 * Declare a Comprehend service; grant it to a step with `fn.uses(service)`.
 * @example const sentiment = comprehend('sentiment', 'sentiment', { language: 'en' });
 * const score = fn('score', { handler: './score.ts' }).uses(sentiment);
 */
export function comprehend(name: string, feature: ComprehendFeature, props: ComprehendProps = {}): Comprehend {
  return new Comprehend(name, { ...props, feature });
}

/**
 * Why the grant is on `*`: the Service Authorization Reference lists no resource type for
 * comprehend:DetectSentiment and comprehend:BatchDetectSentiment (they act on text, not on a
 * resource), so IAM cannot scope them; the role gets these two actions and no other comprehend action.
 */
export const COMPREHEND_UNSCOPED_REASON = 'comprehend:DetectSentiment and comprehend:BatchDetectSentiment have no resource type in the Service Authorization Reference (they act on the text sent, not on a resource), so Resource must be "*"; only these two actions are granted, never comprehend:*';

export const comprehendKind = {
  kind: 'comprehend',
  noun: { one: 'language service', many: 'language services' },
  outgoing: {},
  instead: {
    fn: "a function calls the service by declaring it: fn('x', ...).uses(service), then ctx.sentiment(text)",
    bucket: 'a function calls the service and writes objects: fn.uses(service) and fn.to(bucket)',
    queue: 'a function calls the service and sends messages: fn.uses(service) and fn.to(queue)',
  },
  permissions: {
    // Exactly what ctx.sentiment() and ctx.sentiment.batch() call.
    invoke: ['comprehend:DetectSentiment', 'comprehend:BatchDetectSentiment'],
  },
  name: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, hyphens and underscores', maxLength: 60 },
  // Nothing is deployed: Comprehend's real-time API needs no resource of the account's.
  parts: {},
  deadLetters: null,
  data: { ops: [] },
  binding: { part: null, fields: ['language'] },
} as const satisfies KindDefinition<Comprehend>;

/** The problems of one comprehend node's own props. */
function problemsOf(node: Comprehend): Problem[] {
  const problems: Problem[] = [];
  if (node.props?.feature !== 'sentiment') {
    problems.push({ code: 'SLUICE_E_SENTIMENT_FEATURE', node: node.name, field: 'feature', given: node.props?.feature, expected: 'sentiment', message: `${node}: feature must be 'sentiment' (given ${JSON.stringify(node.props?.feature)}); declare comprehend('${node.name}', 'sentiment', { language: 'en' })` });
  }
  const language = node.props?.language;
  if (language !== undefined && !(COMPREHEND_SENTIMENT_LANGUAGES as readonly string[]).includes(language)) {
    problems.push({ code: 'SLUICE_E_SENTIMENT_LANGUAGE', node: node.name, field: 'language', given: language, expected: COMPREHEND_SENTIMENT_LANGUAGES.join(' | '), message: `${node}: language must be one DetectSentiment takes, ${COMPREHEND_SENTIMENT_LANGUAGES.join(', ')} (given ${JSON.stringify(language)})` });
  }
  return problems;
}
