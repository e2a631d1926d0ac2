/**
 * The service lines the kinds to come bill on (comprehend, notify), computed by hand from the
 * us-east-1 price lines: Comprehend's 100-character units with a 3-unit minimum per document, SNS email
 * deliveries and CloudWatch standard alarms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comprehendSentimentLines, comprehendUnits, emailNotificationLines, priceTableFor, type CostContext } from '../../src/cost/index.js';

const prices = priceTableFor('us-east-1');
// Only `line` is used by these functions: price a quantity at the table's line.
const ctx = { prices, line: (price, quantity, what) => ({ price, quantity, what, usd: (quantity / prices.lines[price].per) * prices.lines[price].price }) } as CostContext;

test('Comprehend bills 100-character units with at least 3 per document', () => {
  assert.equal(comprehendUnits(120), 3);       // under 300 characters: the minimum
  assert.equal(comprehendUnits(301), 4);       // 4 started units of 100
  assert.equal(comprehendUnits(1_000, 25), 250); // a batch bills each document the same way
  // GIVEN the seed's 10 names every 5 minutes: 87,600 documents of under 300 characters a month
  const [line] = comprehendSentimentLines(ctx, 87_600, 120);
  // THEN 262,800 units at $0.0001 each: $26.28
  assert.equal(line!.price, 'comprehend.units');
  assert.equal(line!.quantity, 262_800);
  assert.ok(Math.abs(line!.usd - 26.28) < 1e-9);
});

test('email notifications bill publishes, a delivery per address at $2 per 100,000, and $0.10 per alarm', () => {
  // GIVEN 30 notifications a month to 2 addresses, and 3 alarms
  const lines = emailNotificationLines(ctx, 30, 2, 3);
  assert.deepEqual(lines.map((l) => [l.price, l.quantity]), [['sns.publishes', 30], ['sns.deliveries.email', 60], ['cloudwatch.alarms', 3]]);
  assert.ok(Math.abs(lines[0]!.usd - (30 / 1e6) * 0.5) < 1e-12);     // $0.50 per 1M publishes
  assert.ok(Math.abs(lines[1]!.usd - (60 / 100_000) * 2) < 1e-12);   // $2.00 per 100,000 email deliveries
  assert.ok(Math.abs(lines[2]!.usd - 0.3) < 1e-12);                  // $0.10 per alarm a month
});

test('emails steps and flows send are priced per email and address: a step as its expected.emailsPerInput says, a flow once per execution; a step that declares none sends none', async () => {
  const { estimateCost } = await import('../../src/cost/index.js');
  const { fn, job, flow, bucket, notify, pipeline, queue, schedule } = await import('sluice');
  const handler = new URL('../fixtures/handlers/notify-send.ts', import.meta.url);
  // GIVEN a step emailing two addresses once every 10 of its 100,000 inputs a month, and a daily flow emailing one address
  const report = fn('report', { handler, expected: { emailsPerInput: 0.1 } });
  const quiet = fn('quiet', { handler });
  const extract = job('extract', { handler });
  const daily = flow('daily', [extract]);
  const orders = queue('orders', { expected: { messages: 100_000 } });
  const pipe = pipeline('mail', [
    orders.to(report).to(notify('reports', { email: ['a@example.org', 'b@example.org'] })),
    queue('other', { expected: { messages: 1_000 } }).to(quiet).to(notify('silent', { email: ['c@example.org'] })),
    bucket('raw').to(extract).to(bucket('clean')),
    schedule('every-day', 'rate(1 day)').to(daily).to(notify('ops', { email: ['d@example.org'] })),
  ]);
  const estimate = await estimateCost(pipe);
  const linesOf = (node: string) => estimate.nodes.find((n) => n.node === node)!.lines.filter((l) => l.price.startsWith('sns.')).map((l) => [l.price, l.quantity]);
  // THEN 10,000 publishes and 20,000 deliveries for the step's emails
  assert.deepEqual(linesOf('reports'), [['sns.publishes', 10_000], ['sns.deliveries.email', 20_000]]);
  // AND a step that declares no emails sends none, and says so
  assert.deepEqual(linesOf('silent'), [['sns.publishes', 0], ['sns.deliveries.email', 0]]);
  assert.ok(estimate.assumptions.some((a) => a.includes("function 'quiet' emails 'silent' on no input")));
  // AND the daily flow emails once per execution: 730/24 executions a month (EventBridge's month of 730 hours)
  const [publishes, deliveries] = linesOf('ops');
  assert.equal(publishes![0], 'sns.publishes');
  assert.ok(Math.abs((publishes![1] as number) - 730 / 24) < 1e-9);
  assert.ok(Math.abs((deliveries![1] as number) - 730 / 24) < 1e-9);
  // AND its executions are billed the states a success enters (Start, extract, Flow succeeded, Publish success to ops), not the failure path's publish
  const transitions = estimate.nodes.find((n) => n.node === 'daily')!.lines.find((l) => l.price === 'states.transitions')!;
  assert.ok(Math.abs(transitions.quantity - (730 / 24) * 4) < 1e-9, `transitions ${transitions.quantity}`);
});
