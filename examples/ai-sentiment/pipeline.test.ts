/**
 * Unit tests of the AI sentiment example on the in-memory engine: a tick of the timer scores every
 * name of the table into one JSON and one CSV result, a name with no text and a text over Comprehend's
 * size limit each fail their own record only and reach the queue's DLQ, and `alerts` emails once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localPipeline } from 'sluice/testing';
import pipe from './pipeline.js';

test('a tick scores each name of the table into a JSON and a CSV result', async () => {
  // GIVEN three names in the table
  const local = await localPipeline(pipe, { startTime: Date.UTC(2026, 0, 5, 10, 0, 0) });
  for (const name of ['apple', 'amazon', 'enron']) local.table('fang').put({ name });
  // WHEN the five-minute timer fires
  await local.advance('5m');
  await local.settle();
  // THEN each name has its results for the run
  const keys = await local.list('fangsentiment');
  assert.deepEqual(keys.filter((k) => k.startsWith('json/')).map((k) => k.split('/').pop()).sort(), ['amazon.json', 'apple.json', 'enron.json']);
  assert.equal(keys.length, 6);
  const apple = JSON.parse(await local.text('fangsentiment', keys.find((k) => k.endsWith('/apple.json'))!));
  assert.equal(apple.sentiment, 'POSITIVE');
  const enron = JSON.parse(await local.text('fangsentiment', keys.find((k) => k.endsWith('/enron.json'))!));
  assert.equal(enron.sentiment, 'NEGATIVE');
  const csv = await local.text('fangsentiment', keys.find((k) => k.endsWith('/amazon.csv'))!);
  assert.match(csv, /^name,run,sentiment,positive,negative,neutral,mixed\n"amazon","2026-01-05T10:05:00Z","NEUTRAL",/);
  await local.close();
});

test('a name with no text, and a text over 5,000 bytes, fail their own record only and reach the DLQ', async () => {
  // GIVEN a name with no sample text, one whose text is too large, and a good one
  const local = await localPipeline(pipe, { startTime: Date.UTC(2026, 0, 5, 10, 0, 0) });
  await local.send('producer', JSON.stringify({ name: 'nobody', run: 'r1' }));
  await local.send('producer', JSON.stringify({ name: 'wordy', run: 'r1' }));
  await local.send('producer', JSON.stringify({ name: 'apple', run: 'r1' }));
  // WHEN the sentiment step receives them until the queue gives up on the bad ones (120 s visibility each time)
  for (let i = 0; i < 10; i++) await local.advance('121s');
  // THEN the good one has its results, and the bad one is a dead letter with its reason
  assert.deepEqual((await local.list('fangsentiment')).sort(), ['csv/r1/apple.csv', 'json/r1/apple.json']);
  const letters = await local.dlq('producer');
  assert.deepEqual(letters.map((l) => JSON.parse(l.body).name).sort(), ['nobody', 'wordy']);
  const byName = Object.fromEntries(letters.map((l) => [JSON.parse(l.body).name, l.error!]));
  assert.match(byName.nobody!.errorMessage, /no sample text for 'nobody'/);
  assert.equal(byName.wordy!.code, 'SLUICE_E_SENTIMENT_TEXT');
  // AND alerts emailed once: the producer's DLQ went into ALARM (not one email per dead letter)
  const outbox = local.outbox('alerts');
  assert.deepEqual(outbox.map((e) => [e.to, e.subject]), [[['ops@example.org'], "ALARM: dead letters in queue 'producer' of pipeline ai-sentiment"]]);
  assert.match(outbox[0]!.text, /holds 2 messages/);
  await local.close();
});
