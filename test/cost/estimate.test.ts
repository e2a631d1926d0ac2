/**
 * `sluice cost` against figures computed by hand: each expected line below is written out with the
 * us-east-1 price line it uses (src/cost/price-tables.ts, read 2026-12-03), and the CLI's `--json`
 * estimate must give the same lines, node by node and in order, and the same totals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, sluice } from '../helpers/cli.js';
import type { CostEstimate } from '../../src/cost/index.js';

const GB = 1024 ** 3;
/** Days in a 730-hour month: log storage is a month's logs times retention days over this. */
const MONTH_DAYS = 730 / 24;

type Expected = Record<string, Array<[price: string, quantity: number, usd: number]>>;

function estimate(args: string[]): CostEstimate {
  const r = sluice(['cost', ...args, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as CostEstimate;
}

function assertLines(e: CostEstimate, expected: Expected): void {
  for (const [node, lines] of Object.entries(expected)) {
    const got = e.nodes.find((n) => n.node === node);
    assert.ok(got, `node ${node} is in the estimate`);
    assert.deepEqual(got.lines.map((l) => l.price), lines.map(([price]) => price), `${node}: the lines billed`);
    lines.forEach(([price, quantity, usd], i) => {
      assert.ok(Math.abs(got.lines[i]!.quantity - quantity) < 1e-9 * Math.max(1, quantity), `${node} ${price}: quantity ${got.lines[i]!.quantity}, by hand ${quantity}`);
      assert.ok(Math.abs(got.lines[i]!.usd - usd) < 1e-9, `${node} ${price}: $${got.lines[i]!.usd}, by hand $${usd}`);
    });
  }
  assert.deepEqual(e.nodes.map((n) => n.node).sort(), Object.keys(expected).sort(), 'no node billed that the hand computation left out');
  const total = Object.values(expected).flat().reduce((s, [, , usd]) => s + usd, 0);
  assert.ok(Math.abs(e.total.usd - total) < 1e-9, `total $${e.total.usd}, by hand $${total}`);
}

/** A Lambda step's lines by hand: requests, GB-s, logs (400 B a call + 1 KB an input, 30 days kept), X-Ray, lineage. */
function lambda(invocations: number, inputs: number, seconds: number, memoryGb: number): Array<[string, number, number]> {
  const gbSeconds = inputs * seconds * memoryGb;
  const logGb = (invocations * 400 + inputs * 1024) / GB;
  const lineageGb = (inputs * 1024) / GB;
  return [
    ['lambda.requests', invocations, (invocations / 1e6) * 0.2],              // $0.20 per 1M requests
    ['lambda.arm64.duration', gbSeconds, gbSeconds * 0.0000133334],          // $0.0000133334 per GB-s (Arm)
    ['logs.ingestion', logGb, logGb * 0.5],                                   // $0.50 per GB ingested
    ['logs.storage', logGb * (30 / MONTH_DAYS), logGb * (30 / MONTH_DAYS) * 0.03], // $0.03 per GB-month, 30 days' retention
    ['xray.traces', invocations, (invocations / 1e6) * 5],                    // $5.00 per 1M traces (all sampled under 1/s)
    ['dynamodb.writes', inputs, (inputs / 1e6) * 0.625],                      // $0.625 per 1M WRU: a lineage record per input
    ['dynamodb.storage', lineageGb, lineageGb * 0.25],                        // $0.25 per GB-month
    ['dynamodb.pitr', lineageGb, lineageGb * 0.2],                            // $0.20 per GB-month of backups
  ];
}

test('the three-node example at 1 million objects a month costs what the price lines say, line by line', () => {
  // GIVEN the three-node example (raw -> copy -> curated), 1M objects of 1 KB (the default size) a month
  // WHEN sluice cost prices it in us-east-1
  const e = estimate([join(ROOT, 'examples/three-node-copy/pipeline.ts'), '--volume', 'raw=1M/month']);
  // THEN every line is the hand-computed one
  const objects = 1_000_000;
  const storedGb = (objects * 1024) / GB; // 0.9537 GB of 1 KB objects
  const bucket = (gets: boolean): Array<[string, number, number]> => [
    ['s3.put', objects, (objects / 1000) * 0.005],                             // $0.005 per 1,000 PUT requests
    ['s3.storage', storedGb, storedGb * 0.023],                                // $0.023 per GB-month (Standard)
    ...(gets ? [['s3.get', objects, (objects / 1000) * 0.0004] as [string, number, number]] : []), // $0.0004 per 1,000 GETs: copy reads each object
    ['s3.lifecycle.transition', 0, 0],                                         // abort-incomplete-uploads rule only: free
  ];
  assertLines(e, {
    raw: bucket(true),
    copy: lambda(objects, objects, 0.1, 0.5),                                  // 100 ms (default) at 512 MB (from synth)
    curated: bucket(false),
    '(stack)': [['kms.keys', 1, 1]],                                           // $1 per customer managed key a month
  });
  assert.ok(Math.abs(e.total.usd - 19.06703) < 0.0001, `about $19.07 (given ${e.total.usd})`);
  // AND the free tier is shown apart: Lambda's 1M requests and 400,000 GB-s, 5 GB of logs, 100,000 traces, 25 GB of DynamoDB
  const free = Object.fromEntries(e.freeTier.map((f) => [f.price, f.usd]));
  assert.ok(Math.abs(free['xray.traces']! - 0.5) < 1e-9);
  assert.ok(Math.abs(free['lambda.requests']! - 0.2) < 1e-9);
  assert.ok(Math.abs(e.total.afterFreeTierUsd - (e.total.usd - e.total.freeTierUsd)) < 1e-9);
  // AND it says whose prices, of when, and what it leaves out
  assert.equal(e.prices.date, '2026-12-03');
  assert.equal(e.prices.lines['s3.put']!.source, 'https://aws.amazon.com/s3/pricing/');
  assert.ok(e.notCounted.some((n) => n.startsWith('data transfer')));
  assert.equal(e.schema, 'sluice.cost/1');
});

test("the AI sentiment example (the seed's 5-minute schedule, 10 names) costs what the price lines say", () => {
  // GIVEN examples/ai-sentiment: fang (10 names) -> five-minute-timer -> serverless-producer (a Scan, one
  // 200-byte message per name) -> producer queue -> producer-ai (1 s a name, a JSON and a CSV object each,
  // one Comprehend document of 600 characters) -> fangsentiment, as its `expected` props declare
  // WHEN sluice cost prices it in us-east-1
  const e = estimate([join(ROOT, 'examples/ai-sentiment/pipeline.ts')]);
  // THEN every line is the hand-computed one
  const fires = 730 * 12;                 // rate(5 minutes) over a 730-hour month: 8,760
  const messages = fires * 10;            // one 200-byte message per name: 87,600
  const batches = messages / 10;          // full batches of 10 (the default batch size): 8,760
  const idlePolls = 5 * 3 * 60 * 730 - batches; // 5 pollers, a 20 s long poll each, while the queue is empty
  const sqsRequests = (n: number): [string, number, number] => ['sqs.requests', n, (n / 1e6) * 0.4]; // $0.40 per 1M requests
  const kms = 2 * Math.min(messages, 730 * 12); // a GenerateDataKey and a Decrypt per 5-minute data key reuse
  const tableGb = (10 * (100 + 100)) / GB;      // 10 items of 100 B, plus DynamoDB's 100 B each
  const objects = messages * 2;                 // a JSON and a CSV object per name and run: 175,200
  const resultsGb = (objects * 1024) / GB;
  const units = messages * 6;                   // 600 characters: 6 units of 100 (above the 3-unit minimum)
  assertLines(e, {
    'five-minute-timer': [['events.scheduled', fires, 0]],                      // scheduled rules: not billed
    'serverless-producer': lambda(fires, fires, 0.2, 0.5),                       // 200 ms declared, 512 MB
    fang: [
      ['dynamodb.reads', fires * 0.5, ((fires * 0.5) / 1e6) * 0.125],           // one Scan under 4 KB: half a RRU; $0.125 per 1M RRU
      ['dynamodb.storage', tableGb, tableGb * 0.25],
      ['dynamodb.pitr', tableGb, tableGb * 0.2],
    ],
    producer: [sqsRequests(messages), sqsRequests(batches), sqsRequests(batches), sqsRequests(idlePolls), ['kms.requests', kms, (kms / 10_000) * 0.03]], // $0.03 per 10,000 KMS requests
    'producer-ai': lambda(batches, messages, 1, 0.5),                            // a batch an invocation, 1 s a name
    sentiment: [['comprehend.units', units, units * 0.0001]],                    // $0.0001 per unit (first 10M units)
    fangsentiment: [
      ['s3.put', objects, (objects / 1000) * 0.005],
      ['s3.storage', resultsGb, resultsGb * 0.023],
      ['s3.lifecycle.transition', 0, 0],
    ],
    alerts: [
      ['sns.publishes', 0, 0],                                                   // no alarm fires: inputs are assumed to succeed
      ['sns.deliveries.email', 0, 0],
      ['cloudwatch.alarms', 2, 0.2],                                             // one alarm per watched DLQ, $0.10 an alarm-month
    ],
    '(stack)': [['kms.keys', 1, 1]],
  });
  // AND Comprehend is most of it: about $52.56 of about $55.83 a month before the free tier
  assert.ok(Math.abs(e.total.usd - 55.8348) < 0.0001, `about $55.83 a month before the free tier (given ${e.total.usd})`);
  assert.ok(e.assumptions.some((a) => a.includes('batches are full')));
});

test('--region prices the same pipeline with that region\'s table', () => {
  // GIVEN the three-node example at 1M objects
  // WHEN priced in eu-central-1
  const e = estimate([join(ROOT, 'examples/three-node-copy/pipeline.ts'), '--volume', 'raw=1M/month', '--region', 'eu-central-1']);
  // THEN its S3 PUTs are at Frankfurt's $0.0054 per 1,000
  const put = e.nodes.find((n) => n.node === 'raw')!.lines.find((l) => l.price === 's3.put')!;
  assert.ok(Math.abs(put.usd - 5.4) < 1e-9);
  assert.equal(e.region, 'eu-central-1');
});
