/**
 * Config and secrets on the local engine: per-node config with per-stage overrides, SLUICE_CONFIG and
 * .env over them (Pylon's precedence), secrets read when the step starts and kept out of logs, errors
 * and messages, and a step that cannot start (missing secret, config value of the wrong type) failing
 * every input with its name and the key, so the message ends in the DLQ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucket, fn, pipeline, queue, secret } from 'sluice';
import type { EngineEvent } from '../../src/engine/index.js';
import { fixture, startLocal } from '../helpers/local.js';

const KEY = 'sk-live-0123456789';

test('a step reads its config: declared, then stageConfig[stage], then SLUICE_CONFIG, then .env', async (t) => {
  // GIVEN a step with declared config and a 'dev' override, on stage 'dev', with overlays
  const echo = fn('echo', {
    handler: fixture('config-echo'),
    config: { url: 'declared', batch: 10, nested: { a: 1, b: 2 }, keep: 'declared', flag: false },
    stageConfig: { dev: { url: 'dev', nested: { b: 3 } }, prod: { url: 'prod' } },
  });
  const local = await startLocal(t, pipeline('cfg-layers', [queue('work').to(echo).to(bucket('out')), queue('work2').to(fn('other', { handler: fixture('config-echo') })).to(bucket('out2'))]), {
    stage: 'dev',
    config: {
      env: { batch: 20, 'echo.url': 'env for echo', 'other.url': 'env for other' },
      dotenv: { batch: '30', flag: 'true', 'echo.keep': 'dotenv for echo' },
    },
  });
  await local.send('work', 'go');
  await local.settle();
  // THEN the layers apply in order; .env text takes the type it overrides; scoped keys beat unscoped ones
  assert.deepEqual(await local.json('out', 'config.json'), { url: 'env for echo', batch: 30, nested: { a: 1, b: 3 }, keep: 'dotenv for echo', flag: true });
});

test('a secret is read when the step starts and never appears in its logs or errors', async (t) => {
  // GIVEN a step whose config references a secret, and the local secrets
  const events: EngineEvent[] = [];
  const user = fn('user', { handler: fixture('secret-user'), config: { apiKey: secret('/svc/api-key') } });
  const local = await startLocal(t, pipeline('cfg-secret', [queue('work').to(user).to(bucket('out'))]), { secrets: { '/svc/api-key': KEY }, onEvent: (e) => events.push(e) });
  // WHEN it runs, once normally and once throwing an error that quotes the key
  await local.send('work', 'ok');
  await local.send('work', 'throw');
  await local.settle();
  // THEN it used the secret (config and ctx.secret agree)
  assert.equal(await local.text('out', 'used/ok'), String(KEY.length));
  // AND neither its log lines nor its error hold the value
  const text = JSON.stringify(events);
  assert.ok(!text.includes(KEY), 'no event holds the secret');
  assert.ok(text.includes('calling the API with ***'), 'the log line is there, redacted');
  assert.equal(local.stats().user!.lastError?.errorMessage, 'the API refused key ***');
});

test('a step may read only the secrets its config references', async (t) => {
  const user = fn('user', { handler: fixture('secret-user'), config: { apiKey: secret('/svc/api-key') } });
  const local = await startLocal(t, pipeline('cfg-undeclared', [queue('work').to(user).to(bucket('out'))]), { secrets: { '/svc/api-key': KEY, '/svc/other': 'x' } });
  await local.send('work', 'other');
  await local.settle();
  const stats = local.stats().user!;
  assert.equal(stats.lastError?.errorType, 'PermissionDeniedError');
  assert.match(stats.lastError!.errorMessage, /function 'user' has no 'read' permission on secret '\/svc\/other'; reference it in the function's config: fn\('user', \{ config: \{ key: secret\('\/svc\/other'\) \} \}\)/);
});

test('secrets never travel in envelopes: a step sending one fails', async (t) => {
  const user = fn('user', { handler: fixture('secret-user'), config: { apiKey: secret('/svc/api-key') } });
  const local = await startLocal(t, pipeline('cfg-leak', [queue('work').to(user).to(queue('next'))]), { secrets: { '/svc/api-key': KEY } });
  await local.send('work', 'leak');
  await local.settle();
  assert.deepEqual(await local.messages('next'), []);
  assert.equal(local.stats().user!.lastError?.code, 'SLUICE_E_SECRET_LEAK');
});

test('a missing secret stops the step at start, naming it and the key; the message ends in the DLQ', async (t) => {
  // GIVEN a step whose secret is not in the local secrets
  const user = fn('user', { handler: fixture('secret-user'), config: { apiKey: secret('/svc/api-key') } });
  const local = await startLocal(t, pipeline('cfg-missing-secret', [queue('work').to(user).to(bucket('out'))]), { secrets: {} });
  // WHEN a message arrives, and keeps failing
  await local.send('work', 'ok');
  await local.settle();
  await local.advance('15m');
  // THEN the step never ran, and the DLQ holds the message with the reason
  const [letter] = await local.dlq('work');
  assert.equal(letter!.error!.code, 'SLUICE_E_SECRET');
  assert.match(letter!.error!.errorMessage, /^function 'user' cannot start: secret '\/svc\/api-key' \(config key 'apiKey'\) is not set in the secrets given to localPipeline\(\) \(its secrets option\); add "\/svc\/api-key": "<value>"$/);
  assert.deepEqual(await local.list('out'), []);
});

test('a config value of the wrong type stops the step at start, naming the step and key; the message ends in the DLQ', async (t) => {
  // GIVEN a step whose schema wants a number, and a .env that sets text
  const typed = fn('typed', { handler: fixture('typed-config'), config: { batch: 10, url: 'https://example.org' } });
  const local = await startLocal(t, pipeline('cfg-wrong-type', [queue('work').to(typed).to(bucket('out'))]), { config: { dotenv: { batch: 'ten' } } });
  await local.send('work', 'go');
  await local.settle();
  await local.advance('15m');
  const [letter] = await local.dlq('work');
  assert.equal(letter!.error!.code, 'SLUICE_E_CONFIG');
  assert.match(letter!.error!.errorMessage, /^function 'typed' cannot start: config key 'batch' is not valid: invalid input: expected number, received string \(given "ten"\); set it in fn\('typed', \{ config \}\), its stageConfig, SLUICE_CONFIG or \.env$/);
});

test('a config that passes the schema reaches the step as the schema parsed it', async (t) => {
  const typed = fn('typed', { handler: fixture('typed-config'), config: { batch: 10, url: 'https://example.org' } });
  const local = await startLocal(t, pipeline('cfg-typed', [queue('work').to(typed).to(bucket('out'))]), { config: { dotenv: { batch: '21' } } });
  await local.send('work', 'go');
  await local.settle();
  assert.equal(await local.text('out', 'batch'), '42');
});

test('without a schema, reading a key nobody set fails where it is read, naming the key and where to set it', async (t) => {
  const local = await startLocal(t, pipeline('cfg-missing-key', [queue('work').to(fn('reader', { handler: fixture('config-missing-key') })).to(bucket('out'))]));
  await local.send('work', 'go');
  await local.settle();
  assert.match(local.stats().reader!.lastError!.errorMessage, /^function 'reader': config key 'endpoint' is not set; set it in fn\('reader', \{ config \}\), its stageConfig, SLUICE_CONFIG or \.env/);
  assert.equal(local.stats().reader!.lastError!.code, 'SLUICE_E_CONFIG_MISSING');
});
