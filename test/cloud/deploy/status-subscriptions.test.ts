/**
 * `sluice status --stage` on a deployed notify node (moto, through the CLI): each email subscription of
 * its topic and whether its recipient confirmed it, in text and as JSON, read page by page (SNS lists
 * 100 a request), the same list `sluice outbox --stage` gives. moto's CloudFormation makes no
 * subscription (MOTO_CFN_UNSUPPORTED_TYPES): status says nobody gets the emails, and the command it
 * prints then subscribes the template's address. moto confirms every subscription at once
 * (MOTO_SNS_EMAIL_CONFIRMED: email, and http/https alike in moto 5.2), so the pending path is checked
 * here only when the peer keeps a new subscription pending, as AWS does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { fixture } from '../../cli/support.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { subscriptionState } from '../../../src/stage/aws/kinds/notify.js';
import { ACCOUNT, REGION, awsCli, deployedTemplateOf, resolver, resourcesOf, sluice, startCloud, type Cloud } from './helpers.js';

const ENTRY = fixture('notify');
const STAGE = 'subs';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mailer-${STAGE}-alerts`;

interface StatusJson { nodes: Array<{ node: string; kind: string; subscriptions?: Array<{ email: string; state: string }> }> }

test('a subscription ARN reads as confirmed, PendingConfirmation as pending, and Deleted is not listed', () => {
  // GIVEN what ListSubscriptionsByTopic puts in SubscriptionArn (docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html)
  // THEN each reads as its state
  assert.equal(subscriptionState(`${TOPIC_ARN}:1f6c3c0e-0000-4000-8000-000000000001`), 'confirmed');
  assert.equal(subscriptionState('PendingConfirmation'), 'pending');
  assert.equal(subscriptionState('Deleted'), undefined);
  assert.equal(subscriptionState(undefined), undefined);
});

describe('sluice status --stage on a deployed notify node (moto)', { skip: motoUnavailable() }, () => {
  let cloud: Cloud;
  const cli = (...args: string[]) => sluice(cloud, [...args, '--entry', ENTRY, '--stage', STAGE]);
  const alertsOf = (status: StatusJson) => status.nodes.find((n) => n.node === 'alerts')!;

  before(async () => {
    // GIVEN the notify fixture (a queue whose dead letters `alerts` watches, mailing ops@example.org) deployed
    cloud = await startCloud();
    const deploy = sluice(cloud, ['deploy', ENTRY, '--stage', STAGE, '--yes', '--json']);
    assert.equal(deploy.status, 0, deploy.stderr + deploy.stdout);
  });
  after(async () => cloud?.stop());

  test('GIVEN no address subscribed WHEN sluice status --stage runs THEN it says nobody gets the emails, and the command it prints subscribes the address', async () => {
    // GIVEN the topic with no subscription: moto's CloudFormation makes none (MOTO_CFN_UNSUPPORTED_TYPES), as
    // AWS has none left once SNS deleted one left unconfirmed for 48 hours or its recipient unsubscribed
    const json = cli('status', '--json');
    assert.equal(json.status, 0, json.stderr);
    // (the address the node declares is listed as missing: SNS has no subscription for it)
    assert.deepEqual(alertsOf(json.json()).subscriptions, [{ email: 'ops@example.org', state: 'missing' }]);
    // WHEN a person reads status THEN it says nobody gets alerts' emails and how to subscribe the missing address again
    const text = cli('status');
    assert.match(text.stdout, /^alerts\s+notify\s+Topic\s+\S+\s+no email subscription, 1 missing$/m);
    assert.match(text.stdout, /^\s+alerts\s+ops@example\.org\s+! not subscribed$/m);
    assert.match(text.stdout, /'alerts' has no email subscription, so SNS emails nobody/);
    const command = /^\s+(aws sns subscribe .*)$/m.exec(text.stdout)?.[1];
    assert.equal(command, `aws sns subscribe --topic-arn ${TOPIC_ARN} --protocol email --notification-endpoint ops@example.org`);
    // AND it names the address the deployed template subscribes, and subscribes it
    const template = await deployedTemplateOf(cloud, `mailer-${STAGE}`);
    const resolve = resolver(await resourcesOf(cloud, `mailer-${STAGE}`), template, {});
    const emails = Object.values(template.Resources).filter((r) => r.Type === 'AWS::SNS::Subscription').map((r) => resolve(r.Properties) as { TopicArn: string; Protocol: string; Endpoint: string }).filter((p) => p.Protocol === 'email');
    assert.deepEqual(emails.map((e) => [e.TopicArn, e.Endpoint]), [[TOPIC_ARN, 'ops@example.org']]);
    const args = command!.split(' ').slice(1);
    const subscribed = awsCli(cloud, args);
    assert.equal(subscribed.status, 0, subscribed.stderr);
  });

  test('GIVEN the address subscribed WHEN sluice status --stage --json runs THEN the notify node lists it with its state', () => {
    const run = cli('status', '--json');
    assert.equal(run.status, 0, run.stderr);
    // MOTO_SNS_EMAIL_CONFIRMED: moto confirms it at once; AWS lists it as pending until the recipient clicks the link
    assert.deepEqual(alertsOf(run.json()).subscriptions, [{ email: 'ops@example.org', state: 'confirmed' }]);
    // AND only notify nodes carry subscriptions
    assert.deepEqual(run.json().nodes.filter((n: StatusJson['nodes'][number]) => n.subscriptions).map((n: StatusJson['nodes'][number]) => n.node), ['alerts']);
  });

  test('GIVEN the address subscribed WHEN sluice status --stage runs THEN a person reads the address and its state under the table', () => {
    const run = cli('status');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^alerts\s+notify\s+Topic\s+\S+:mailer-subs-alerts\s+1 email subscription\(s\)$/m);
    assert.match(run.stdout, /^email subscriptions\n\s+alerts\s+ops@example\.org\s+✓ confirmed$/m);
  });

  test('GIVEN more subscriptions than SNS lists in one page WHEN status and outbox run THEN every address is listed, once', async () => {
    // GIVEN 120 more addresses (ListSubscriptionsByTopic answers 100 a request, with a NextToken for the rest)
    const more = Array.from({ length: 120 }, (_, i) => `oncall-${String(i).padStart(3, '0')}@example.org`);
    for (const email of more) await cloud.aws.sns.send(new SubscribeCommand({ TopicArn: TOPIC_ARN, Protocol: 'email', Endpoint: email }));
    // WHEN status and outbox read them
    const status = cli('status', '--json');
    assert.equal(status.status, 0, status.stderr);
    const outbox = cli('outbox', '--json');
    assert.equal(outbox.status, 0, outbox.stderr);
    // THEN each lists all 121, once each
    const listed = alertsOf(status.json()).subscriptions!.map((s) => s.email);
    assert.deepEqual([...listed].sort(), ['ops@example.org', ...more].sort());
    assert.deepEqual(outbox.json().subscriptions.map((s: { notify: string; email: string; state: string }) => [s.notify, s.email, s.state]).sort(), listed.map((e) => ['alerts', e, 'confirmed']).sort());
  });

  test('GIVEN an address that has not confirmed WHEN sluice status --stage runs THEN it is pending and the person is told what the recipient must click', async (t) => {
    // GIVEN a new address subscribed: AWS keeps it PendingConfirmation until its recipient clicks the link
    const email = 'new-hire@example.org';
    const { SubscriptionArn } = await cloud.aws.sns.send(new SubscribeCommand({ TopicArn: TOPIC_ARN, Protocol: 'email', Endpoint: email }));
    if (SubscriptionArn !== 'pending confirmation') {
      t.skip('MOTO_SNS_EMAIL_CONFIRMED: moto confirms a subscription at once (it answers its ARN, never "pending confirmation"), so no pending subscription exists to read');
      return;
    }
    // WHEN status runs THEN the address is pending, in JSON and in text with what to do
    const json = cli('status', '--json');
    assert.deepEqual(alertsOf(json.json()).subscriptions!.find((s) => s.email === email), { email, state: 'pending' });
    const text = cli('status');
    assert.match(text.stdout, new RegExp(`${email.replace(/\./g, '\\.')}\\s+! pending confirmation`));
    assert.match(text.stdout, /not confirmed: SNS sends them nothing until each recipient clicks "Confirm subscription"/);
  });
});
