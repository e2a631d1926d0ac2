/**
 * `ctx.sentiment` on AWS: Amazon Comprehend's DetectSentiment and BatchDetectSentiment (at most 25
 * texts a request, each checked beforehand by runtime/sentiment.ts). Throttling
 * (ThrottlingException, TooManyRequestsException) is retried by the SDK's standard retry strategy,
 * exponential back-off with jitter, up to `COMPREHEND_MAX_ATTEMPTS` attempts
 * (clients.ts); a text Comprehend still rejects in a batch comes back in `ErrorList` with its code.
 */
import { BatchDetectSentimentCommand, DetectSentimentCommand, type ComprehendClient, type LanguageCode, type SentimentScore as AwsScore } from '@aws-sdk/client-comprehend';
import type { SentimentBackend } from '../sentiment.js';
import type { SentimentLabel, SentimentResult, SentimentScore } from '../types.js';

/** Comprehend's answer in the runtime's shape (the SDK types every field optional). */
function resultOf(sentiment: string | undefined, score: AwsScore | undefined): SentimentResult {
  const s: SentimentScore = { Positive: score?.Positive ?? 0, Negative: score?.Negative ?? 0, Neutral: score?.Neutral ?? 0, Mixed: score?.Mixed ?? 0 };
  return { Sentiment: (sentiment ?? 'NEUTRAL') as SentimentLabel, SentimentScore: s };
}

/**
 * Comprehend as a stage's sentiment backend.
 * @example const io = { ...awsStepIo(clients, resources), sentiment: comprehendBackend(clients.comprehend) };
 */
export function comprehendBackend(client: ComprehendClient): SentimentBackend {
  return (service) => {
    const LanguageCode = service.language as LanguageCode;
    return {
      async detect(Text) {
        const out = await client.send(new DetectSentimentCommand({ Text, LanguageCode }));
        return resultOf(out.Sentiment, out.SentimentScore);
      },
      async batch(TextList) {
        const out = await client.send(new BatchDetectSentimentCommand({ TextList: [...TextList], LanguageCode }));
        return {
          ResultList: (out.ResultList ?? []).map((r) => ({ Index: r.Index ?? 0, ...resultOf(r.Sentiment, r.SentimentScore) })),
          ErrorList: (out.ErrorList ?? []).map((e) => ({ Index: e.Index ?? 0, ErrorCode: e.ErrorCode ?? 'Unknown', ErrorMessage: e.ErrorMessage ?? '' })),
        };
      },
    };
  };
}
