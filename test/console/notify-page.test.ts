/**
 * A notify node in the console, in Chromium, on the local stage: after a watched queue dead-letters,
 * the graph counts the email its outbox holds and its node page says where to read it. Runs on a copy
 * of test/fixtures/cli/notify (work -> step -> out; `alerts` watches work's DLQ).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sluice } from '../helpers/cli.js';
import { copyPipeline, fixture, removeRepoTempDir } from '../cli/support.js';
import { artifactsDir, CHROMIUM, NO_BROWSER, startConsoleProcess } from './browser.js';

// Generous: what a person would call "at once" is well under it.
const UI_WAIT_MS = 15_000;

describe('a notify node in the console', { skip: NO_BROWSER }, () => {
  let dir: string;
  let consoleProcess: Awaited<ReturnType<typeof startConsoleProcess>>;
  let browser: Browser;
  let page: Page;
  const cli = (...args: string[]) => sluice(args, { cwd: dir });

  before(async () => {
    // GIVEN a poison message run into work's DLQ, so alerts' outbox holds one alarm email
    dir = copyPipeline(dirname(fixture('notify')));
    assert.equal(cli('send', 'work', 'poison-a').status, 0);
    assert.equal(cli('run').status, 1);
    assert.equal(JSON.parse(cli('outbox', '--json').stdout).emails.length, 1);
    // AND the console serving it, opened in Chromium
    consoleProcess = await startConsoleProcess([], dir);
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await consoleProcess?.stop();
    removeRepoTempDir(dir);
  });

  test('the graph counts the emails in a notify node\'s outbox', async () => {
    await page.goto(consoleProcess.url);
    await page.locator('[data-counts="alerts"]', { hasText: '1 emails' }).waitFor({ timeout: UI_WAIT_MS });
  });

  test('a notify node\'s page says how many emails its outbox holds and how to read them', async () => {
    await page.goto(`${consoleProcess.url}#/node/alerts`);
    const hint = page.locator('p', { hasText: 'in the outbox' });
    await hint.waitFor({ timeout: UI_WAIT_MS });
    await page.screenshot({ path: join(artifactsDir(), 'node-notify.png'), fullPage: true });
    assert.equal(await hint.textContent(), '1 email(s) in the outbox; read them with: sluice outbox alerts');
  });
});
