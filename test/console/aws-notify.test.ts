/**
 * A notify node in the console on an AWS stage (moto), in Chromium: its email subscriptions as SNS
 * lists them. moto's CloudFormation makes no subscription (MOTO_CFN_UNSUPPORTED_TYPES), so the page
 * first shows a topic nobody is subscribed to (amber in the graph); once the address is subscribed
 * through the SNS API it lists it, confirmed at once (MOTO_SNS_EMAIL_CONFIRMED: AWS keeps it pending
 * until the recipient clicks, which moto cannot show).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { chromium, type Browser, type Page } from 'playwright-core';
import { motoUnavailable } from '../helpers/moto.js';
import { ACCOUNT, REGION, sluice, startCloud, type Cloud } from '../cloud/deploy/helpers.js';
import { fixture } from '../cli/support.js';
import { AwsStage } from '../../src/stage/aws/stage.js';
import { loadPipeline } from '../../src/cli/load.js';
import { startConsole, type RunningConsole } from '../../src/console/server.js';
import { CHROMIUM, NO_BROWSER } from './browser.js';

const ENTRY = fixture('notify');
const STAGE = 'mail';
const UI_WAIT_MS = 15_000;

describe('a notify node in the console on an AWS stage (moto)', { skip: motoUnavailable() || NO_BROWSER }, () => {
  let cloud: Cloud;
  let running: RunningConsole;
  let browser: Browser;
  let page: Page;
  const nodePage = () => `http://127.0.0.1:${running.port}/?token=${running.token}#/node/alerts`;

  before(async () => {
    // GIVEN the notify fixture deployed, and the console serving that stage, opened in Chromium
    cloud = await startCloud();
    const deployed = sluice(cloud, ['deploy', ENTRY, '--stage', STAGE, '--yes']);
    assert.equal(deployed.status, 0, deployed.stderr);
    const stage = await AwsStage.open((await loadPipeline(ENTRY)).pipeline, STAGE, { aws: cloud.aws });
    running = await startConsole({ stage });
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  after(async () => {
    await browser?.close();
    await running?.close();
    await cloud?.stop();
  });

  test('GIVEN nobody subscribed to the topic THEN the graph draws the notify node amber and its page says nobody gets its emails', async () => {
    await page.goto(`http://127.0.0.1:${running.port}/?token=${running.token}`);
    await page.locator('[data-counts="alerts"]', { hasText: '0 subscribed' }).waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await page.locator('g.node[data-node="alerts"]').getAttribute('data-health'), 'warning');
    await page.goto(nodePage());
    await page.locator('p', { hasText: 'nobody gets its emails' }).waitFor({ timeout: UI_WAIT_MS });
  });

  test('GIVEN the address subscribed THEN the page lists it with its state', async () => {
    await cloud.aws.sns.send(new SubscribeCommand({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mailer-${STAGE}-alerts`, Protocol: 'email', Endpoint: 'ops@example.org' }));
    await page.goto('about:blank');
    await page.goto(nodePage());
    const row = page.locator('tr', { hasText: 'ops@example.org' });
    await row.waitFor({ timeout: UI_WAIT_MS });
    assert.deepEqual(await row.locator('td').allTextContents(), ['ops@example.org', 'confirmed']);
  });
});
