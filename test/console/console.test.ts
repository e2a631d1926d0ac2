/**
 * The console as a person uses it, in Chromium: every node of the pipeline is drawn; an object put
 * from the CLI shows up in the graph's counts; a JSON object renders pretty-printed; a dead letter is
 * redriven from its node's page; an object whose key and body are script renders as text; and a
 * request without the console's token is refused. Runs on a copy of test/fixtures/cli/failing (raw ->
 * validate -> curated, validate always throws, so a run leaves a dead letter).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { sluice } from '../helpers/cli.js';
import { copyPipeline, fixture, removeRepoTempDir } from '../cli/support.js';
import { artifactsDir, CHROMIUM, NO_BROWSER, startConsoleProcess } from './browser.js';

const XSS_KEY = '<img src=x onerror=alert(1)>.json';
const XSS_BODY = '</script><script>alert(1)</script>';
// Generous: what a person would call "at once" is well under it; the bench measures the real delay.
const UI_WAIT_MS = 15_000;

describe('sluice console in a browser', { skip: NO_BROWSER }, () => {
  let dir: string;
  let consoleProcess: Awaited<ReturnType<typeof startConsoleProcess>>;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const cli = (...args: string[]) => sluice(args, { cwd: dir });

  before(async () => {
    // GIVEN a pipeline whose function always fails, run once on one object (a dead letter results),
    dir = copyPipeline(dirname(fixture('failing')));
    writeFileSync(join(dir, 'orders.csv'), 'id,total\n1,9.50\n');
    assert.equal(cli('run', '--put', 'raw=orders.csv').status, 1);
    // AND a JSON object and an object whose key and body are script, put into its curated bucket
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ name: 'report', totals: { orders: 3, revenue: 12.5 }, tags: ['a', 'b'] }));
    writeFileSync(join(dir, 'probe.json'), XSS_BODY);
    assert.equal(cli('put', 'curated', 'report.json').status, 0);
    assert.equal(cli('put', 'curated', 'probe.json', '--key', XSS_KEY).status, 0);
    // AND the console serving it, opened in Chromium
    consoleProcess = await startConsoleProcess([], dir);
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.accept();
    });
  });

  after(async () => {
    await browser?.close();
    await consoleProcess?.stop();
    removeRepoTempDir(dir);
  });

  test('draws every node of the pipeline', async () => {
    // WHEN the console's URL is opened
    await page.goto(consoleProcess.url);
    await page.waitForSelector('body[data-drawn="1"]', { timeout: UI_WAIT_MS });
    await page.screenshot({ path: join(artifactsDir(), 'graph.png'), fullPage: true });
    // THEN each node sluice nodes lists is drawn once, with its name
    const nodes = (JSON.parse(cli('nodes', '--json').stdout) as { nodes: Array<{ name: string }> }).nodes.map((n) => n.name);
    assert.deepEqual(nodes.sort(), ['curated', 'raw', 'validate']);
    for (const name of nodes) assert.equal(await page.locator(`g.node[data-node="${name}"] text.name`).textContent(), name);
    // AND the failing function is drawn as failing
    assert.equal(await page.locator('g.node[data-node="validate"]').getAttribute('data-health'), 'failing');
  });

  test('an object put from the CLI shows up in the graph', async () => {
    // GIVEN the graph showing raw's object count
    await page.goto(consoleProcess.url);
    const counts = page.locator('[data-counts="raw"]');
    await page.locator('[data-counts="raw"]', { hasText: /objects/ }).waitFor({ timeout: UI_WAIT_MS });
    const before = Number(/(\d+) objects/.exec((await counts.textContent()) ?? '')![1]);
    // WHEN another object is put from the CLI
    writeFileSync(join(dir, 'more.csv'), 'id,total\n2,1.00\n');
    assert.equal(cli('put', 'raw', 'more.csv').status, 0);
    // THEN the page's count changes without a reload
    await page.locator('[data-counts="raw"]', { hasText: `${before + 1} objects` }).waitFor({ timeout: UI_WAIT_MS });
  });

  test('a JSON object renders pretty-printed', async () => {
    await page.goto(`${consoleProcess.url}#/object/curated/report.json`);
    const preview = page.locator('.json.preview');
    await preview.waitFor({ timeout: UI_WAIT_MS });
    await page.screenshot({ path: join(artifactsDir(), 'object-json.png'), fullPage: true });
    // THEN each key is on a line of its own, nested objects indented
    const text = (await preview.innerText()).split('\n').map((l) => l.trim());
    assert.ok(text.includes('"name": "report",'), text.join('\n'));
    assert.ok(text.includes('"orders": 3,'), text.join('\n'));
  });

  test('an object named and filled with script renders as text', async () => {
    dialogs.length = 0;
    // WHEN the bucket listing and the object's page are opened
    await page.goto(`${consoleProcess.url}#/bucket/curated`);
    await page.getByText(XSS_KEY).waitFor({ timeout: UI_WAIT_MS });
    await page.goto(`${consoleProcess.url}#/object/curated/${encodeURIComponent(XSS_KEY)}`);
    await page.locator('pre.preview').waitFor({ timeout: UI_WAIT_MS });
    await page.screenshot({ path: join(artifactsDir(), 'object-xss.png'), fullPage: true });
    // THEN the key and the body are shown as they are, no element came of them, and nothing ran
    assert.equal(await page.locator('h2').textContent(), XSS_KEY);
    assert.equal(await page.locator('pre.preview').textContent(), XSS_BODY);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(await page.locator('main script').count(), 0);
    assert.deepEqual(dialogs, []);
  });

  test("the cost panel shows sluice cost's estimate per node", async () => {
    // WHEN the cost page is opened
    await page.goto(`${consoleProcess.url}#/cost`);
    const rows = page.locator('main table tbody tr');
    await rows.first().waitFor({ timeout: UI_WAIT_MS });
    await page.screenshot({ path: join(artifactsDir(), 'cost.png'), fullPage: true });
    // THEN it lists the same nodes and total as `sluice cost --json` for the stage
    const estimate = JSON.parse(cli('cost', '--stage', 'local', '--json').stdout) as { nodes: Array<{ node: string }>; total: { usd: number } };
    assert.equal(await rows.count(), estimate.nodes.length);
    for (const n of estimate.nodes) assert.equal(await rows.filter({ hasText: n.node }).count() > 0, true, n.node);
    assert.match((await page.locator('main p').first().textContent()) ?? '', new RegExp(`total at list price \\$${estimate.total.usd.toFixed(2).replace('.', '\\.')}`));
  });

  test('a dead letter is redriven from its node page', async () => {
    // GIVEN the failing function's page, listing its dead letter
    await page.goto(`${consoleProcess.url}#/node/validate`);
    const button = page.locator('#redrive');
    await button.waitFor({ timeout: UI_WAIT_MS });
    await page.screenshot({ path: join(artifactsDir(), 'node-dead-letters.png'), fullPage: true });
    assert.match((await button.textContent()) ?? '', /redrive 1 dead letter/);
    // WHEN its redrive button is pressed and the confirmation accepted
    dialogs.length = 0;
    await button.click();
    await page.locator('#redrive[disabled]').waitFor({ timeout: UI_WAIT_MS });
    // THEN it asked first, and the dead letter went back to be processed
    assert.match(dialogs[0] ?? '', /^confirm: Send 1 dead letter\(s\) of validate back/);
    assert.deepEqual(JSON.parse(cli('dlq', 'list', 'validate', '--json').stdout).deadLetters, []);
  });

  test('refuses a request without the token, and a cross-site change', async () => {
    const base = `http://127.0.0.1:${consoleProcess.port}`;
    // WHEN the page or the API is asked for without the token THEN it is refused
    assert.equal((await fetch(`${base}/`)).status, 401);
    assert.equal((await fetch(`${base}/api/status`)).status, 401);
    assert.equal((await fetch(`${base}/api/status?token=${'0'.repeat(32)}`)).status, 401);
    // AND a change with the token only in the URL (as a cross-site form could send it) is refused
    assert.equal((await fetch(`${base}/api/redrive?node=validate&token=${consoleProcess.token}`, { method: 'POST' })).status, 403);
    // AND so is one from another origin, even with the token
    assert.equal((await fetch(`${base}/api/redrive?node=validate`, { method: 'POST', headers: { 'x-sluice-token': consoleProcess.token, origin: 'http://evil.example' } })).status, 403);
    // AND with the token it answers
    assert.equal((await fetch(`${base}/api/status?token=${consoleProcess.token}`)).status, 200);
  });
});
