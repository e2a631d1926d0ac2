/**
 * `ctx.sentiment` on AWS, through the real SDK client, against Comprehend's wire protocol (JSON 1.1,
 * `X-Amz-Target: Comprehend_20171127.<Operation>`) played by a server on 127.0.0.1 that answers as the
 * API reference documents: BatchDetectSentiment with a `ResultList` and an `ErrorList` whose indexes are
 * positions in the request, and a `ThrottlingException` (HTTP 400) before it answers. moto cannot play
 * this: its BatchDetectSentiment answers 500 (MOTO_COMPREHEND_NO_BATCH) and it never throttles.
 * Checked: requests of at most 25 texts, every caller index kept across the chunks, a rejected text in
 * `ErrorList` at its own index, and throttling retried by the client sluice builds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { COMPREHEND_MAX_ATTEMPTS } from '../../../src/runtime/aws/clients.js';
import { comprehendBackend } from '../../../src/runtime/aws/sentiment.js';
import { sentimentClient } from '../../../src/runtime/sentiment.js';
import type { StepBindings } from '../../../src/runtime/bindings.js';

test('GIVEN 60 texts, one Comprehend rejects, and a throttled first request WHEN ctx.sentiment.batch runs on AWS THEN chunks of 25 go out, the throttle is retried, and every answer keeps its caller index', async (t) => {
  const requests: Array<{ target: string; texts: string[] }> = [];
  let throttles = 1;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      const input = JSON.parse(body) as { TextList: string[]; LanguageCode: string };
      requests.push({ target, texts: input.TextList });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (throttles-- > 0) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ThrottlingException', Message: 'Rate exceeded' }));
        return;
      }
      // As Comprehend answers: a result per accepted text and an error per rejected one, indexed by position in this request.
      const ResultList = input.TextList.flatMap((text, Index) => (text.includes('reject') ? [] : [{ Index, Sentiment: text.startsWith('good') ? 'POSITIVE' : 'NEUTRAL', SentimentScore: { Positive: 0.9, Negative: 0.02, Neutral: 0.07, Mixed: 0.01 } }]));
      const ErrorList = input.TextList.flatMap((text, Index) => (text.includes('reject') ? [{ Index, ErrorCode: 'UNSUPPORTED_LANGUAGE', ErrorMessage: 'Unsupported language' }] : []));
      res.end(JSON.stringify({ ResultList, ErrorList }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  // The client as sluice builds it (clients.ts), pointed at the server.
  const client = new ComprehendClient({ maxAttempts: COMPREHEND_MAX_ATTEMPTS, endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const bindings = { pipeline: 'p', stage: 'dev', node: 'score', sentiment: [{ name: 'sentiment', language: 'en' }] } as unknown as StepBindings;
  const sentiment = sentimentClient(bindings, comprehendBackend(client));
  const texts = Array.from({ length: 60 }, (_, i) => (i === 41 ? `please reject ${i}` : i % 2 === 0 ? `good ${i}` : `plain ${i}`));

  const answer = await sentiment.batch(texts);

  // THEN the throttled request was sent again, then three chunks of at most 25 texts, in order
  assert.deepEqual(requests.map((r) => [r.target, r.texts.length]), [
    ['Comprehend_20171127.BatchDetectSentiment', 25],
    ['Comprehend_20171127.BatchDetectSentiment', 25],
    ['Comprehend_20171127.BatchDetectSentiment', 25],
    ['Comprehend_20171127.BatchDetectSentiment', 10],
  ]);
  // AND each result and the one error carry the caller's index
  assert.deepEqual(answer.ErrorList, [{ Index: 41, ErrorCode: 'UNSUPPORTED_LANGUAGE', ErrorMessage: 'Unsupported language' }]);
  assert.deepEqual(answer.ResultList.map((r) => r.Index), texts.map((_, i) => i).filter((i) => i !== 41));
  for (const r of answer.ResultList) assert.equal(r.Sentiment, texts[r.Index]!.startsWith('good') ? 'POSITIVE' : 'NEUTRAL', `text ${r.Index}`);
});
