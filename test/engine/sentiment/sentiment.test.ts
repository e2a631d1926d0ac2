/**
 * The comprehend kind on the local engine: `fn.uses(service)` and `ctx.sentiment` give Comprehend's
 * shapes from the local model; Comprehend's limits are checked the same way as on AWS; the labels agree
 * with Comprehend's on the labelled set checked in beside this file (README, "AI sentiment").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bucket, comprehend, fn, pipeline, PipelineValidationError } from 'sluice';
import { localSentiment } from '../../../src/engine/sentiment-model.js';
import { fixture, startLocal } from '../../helpers/local.js';

const labelled = JSON.parse(readFileSync(new URL('./labelled.json', import.meta.url), 'utf8')) as { sentences: Array<{ text: string; label: string }> };

const scorer = (name: string, environment: Record<string, string> = {}) => fn(name, { handler: fixture('sentiment-score'), environment, retryAttempts: 0 });

test('the local model agrees with Comprehend on at least 85% of the labelled sentences, every label among them', () => {
  // GIVEN sentences with the label Comprehend gives them
  // WHEN the local model labels each
  const misses = labelled.sentences.filter((s) => localSentiment(s.text).Sentiment !== s.label);
  // THEN at most 15% differ (the README states the figure and the misses), and all four labels are covered
  const agreement = 1 - misses.length / labelled.sentences.length;
  assert.ok(agreement >= 0.85, `agreement ${(agreement * 100).toFixed(0)}%; misses: ${misses.map((m) => m.text).join(' | ')}`);
  assert.deepEqual([...new Set(labelled.sentences.map((s) => s.label))].sort(), ['MIXED', 'NEGATIVE', 'NEUTRAL', 'POSITIVE']);
});

test("the local model answers in Comprehend's shape: one of four labels, four scores summing to 1, the label the largest", () => {
  for (const { text } of labelled.sentences) {
    const { Sentiment, SentimentScore } = localSentiment(text);
    const scores = [SentimentScore.Positive, SentimentScore.Negative, SentimentScore.Neutral, SentimentScore.Mixed];
    assert.ok(Math.abs(scores.reduce((a, b) => a + b) - 1) < 1e-9);
    assert.ok(scores.every((s) => s > 0 && s < 1));
    const byLabel = { POSITIVE: SentimentScore.Positive, NEGATIVE: SentimentScore.Negative, NEUTRAL: SentimentScore.Neutral, MIXED: SentimentScore.Mixed };
    assert.equal(Math.max(...scores), byLabel[Sentiment]);
  }
  // AND the same text always gets the same answer
  assert.deepEqual(localSentiment('I love it, but it is slow'), localSentiment('I love it, but it is slow'));
});

test('fn.uses(comprehend) lets a step call ctx.sentiment and ctx.sentiment.batch on the local stage', async (t) => {
  // GIVEN a step that uses a sentiment service
  const sentiment = comprehend('sentiment', 'sentiment', { language: 'en' });
  const local = await startLocal(t, pipeline('s-uses', [
    bucket('texts').to(scorer('score').uses(sentiment)).to(bucket('scores')),
    bucket('lines').to(scorer('scoreLines', { BATCH: '1' }).uses(sentiment)).to(bucket('line-scores')),
  ]));
  // WHEN a text arrives, and a file of 30 lines (more than one batch of 25), one of them empty
  await local.put('texts', 'a.txt', 'I love this phone, the camera is amazing.');
  const lines = Array.from({ length: 30 }, (_, i) => (i === 7 ? '' : i % 2 ? 'This is terrible.' : 'This is wonderful.'));
  await local.put('lines', 'b.txt', lines.join('\n'));
  await local.settle();
  // THEN the text's sentiment is Comprehend's shape
  const one = JSON.parse(await local.text('scores', 'a.txt'));
  assert.equal(one.Sentiment, 'POSITIVE');
  assert.deepEqual(Object.keys(one.SentimentScore).sort(), ['Mixed', 'Negative', 'Neutral', 'Positive']);
  // AND the batch answers every line by its index: 29 results, the empty line in ErrorList
  const batch = JSON.parse(await local.text('line-scores', 'b.txt'));
  assert.equal(batch.ResultList.length, 29);
  assert.deepEqual(batch.ErrorList, [{ Index: 7, ErrorCode: 'SLUICE_E_SENTIMENT_TEXT', ErrorMessage: 'a text must not be empty' }]);
  assert.equal(batch.ResultList.find((r: { Index: number }) => r.Index === 29).Sentiment, 'NEGATIVE');
  assert.equal(batch.ResultList.find((r: { Index: number }) => r.Index === 28).Sentiment, 'POSITIVE');
});

test('a text over 5,000 bytes of UTF-8 fails that record with SLUICE_E_SENTIMENT_TEXT, as Comprehend would refuse it', async (t) => {
  // GIVEN a sentiment step, and a text of 2,501 two-byte characters (5,002 bytes, 2,501 characters)
  const local = await startLocal(t, pipeline('s-size', [bucket('texts').to(scorer('score').uses(comprehend('sentiment', 'sentiment'))).to(bucket('scores'))]));
  await local.put('texts', 'big.txt', 'é'.repeat(2501));
  await local.put('texts', 'ok.txt', 'é'.repeat(2500));
  await local.settle();
  // THEN the large one dead-letters with the limit and its size, and the one at the limit is scored
  const [letter] = await local.dlq('score');
  assert.equal(letter!.error?.code, 'SLUICE_E_SENTIMENT_TEXT');
  assert.match(letter!.error!.errorMessage, /at most 5000 bytes of UTF-8 \(given 5002 bytes\)/);
  assert.equal(JSON.parse(await local.text('scores', 'ok.txt')).Sentiment, 'NEUTRAL');
});

test('ctx.sentiment without fn.uses fails with SLUICE_E_SENTIMENT_SERVICE and the declaration to add', async (t) => {
  // GIVEN a step that calls ctx.sentiment but declares no service, and one that names a service it does not use
  const local = await startLocal(t, pipeline('s-undeclared', [
    bucket('texts').to(scorer('score')).to(bucket('scores')),
    bucket('more').to(scorer('other', { SERVICE: 'tone' }).uses(comprehend('sentiment', 'sentiment'))).to(bucket('other-scores')),
  ]));
  await local.put('texts', 'a.txt', 'hello');
  await local.put('more', 'a.txt', 'hello');
  await local.settle();
  // THEN each fails naming what to declare
  const [letter] = await local.dlq('score');
  assert.equal(letter!.error?.code, 'SLUICE_E_SENTIMENT_SERVICE');
  assert.match(letter!.error!.errorMessage, /declare score\.uses\(comprehend\('sentiment', 'sentiment'\)\)/);
  const [other] = await local.dlq('other');
  assert.match(other!.error!.errorMessage, /does not use a sentiment service named 'tone'/);
});

test('the local model refuses a language other than English with SLUICE_E_SENTIMENT_LOCAL_LANGUAGE', async (t) => {
  // GIVEN a Spanish sentiment service on the local stage
  const local = await startLocal(t, pipeline('s-es', [bucket('texts').to(scorer('score').uses(comprehend('tono', 'sentiment', { language: 'es' }))).to(bucket('scores'))]));
  await local.put('texts', 'a.txt', 'me encanta');
  await local.settle();
  // THEN the step fails saying the local model reads English only
  const [letter] = await local.dlq('score');
  assert.equal(letter!.error?.code, 'SLUICE_E_SENTIMENT_LOCAL_LANGUAGE');
});

test('a comprehend node with a language or feature Comprehend does not have fails validation', () => {
  // GIVEN a service in Latin, and one with an unknown feature
  const bad = () => pipeline('s-bad', [
    bucket('a').to(fn('f', { handler: './f.ts' }).uses(comprehend('latin', 'sentiment', { language: 'la' as 'en' }))),
    bucket('b').to(fn('g', { handler: './g.ts' }).uses(comprehend('odd', 'entities' as 'sentiment'))),
  ]).assertValid();
  // THEN both are reported
  assert.throws(bad, (e: unknown) => e instanceof PipelineValidationError
    && e.problems.some((p) => p.code === 'SLUICE_E_SENTIMENT_LANGUAGE' && p.node === 'latin')
    && e.problems.some((p) => p.code === 'SLUICE_E_SENTIMENT_FEATURE' && p.node === 'odd'));
});
