/**
 * How `sluice status` reads for people: each row's figures belong to the part the row names, so a
 * queue's depth never sits beside its DLQ's URL. Rendered from a stage status as an AWS stage gives
 * it, no stage needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import type { StageStatus } from '../../src/stage/index.js';
import { formatStatus } from '../../src/cli/render.js';

const URL = 'http://127.0.0.1:5000/123456789012';

test("status puts a queue's depth on its Queue row and its dead letters on its Dlq row, whatever order the stack lists them in", () => {
  // GIVEN a deployed queue with 4 messages waiting and 2 dead letters, its parts listed DLQ first (by logical id, as the stack lists them)
  const status: StageStatus = {
    pipeline: 'orders', stage: 'dev', deployed: true, where: 'stack orders-dev',
    stack: { name: 'orders-dev', account: '123456789012', region: 'us-east-1', status: 'CREATE_COMPLETE', updatedAt: '2026-01-05T10:00:00.000Z', outputs: {} },
    nodes: [{
      node: 'work', kind: 'queue',
      resources: [
        { part: 'Dlq', type: 'AWS::SQS::Queue', physicalId: `${URL}/orders-dev-work-dlq` },
        { part: 'Queue', type: 'AWS::SQS::Queue', physicalId: `${URL}/orders-dev-work` },
      ],
      queue: { visible: 4, inFlight: 1, delayed: 0 },
      deadLetters: 2,
      holding: { messages: 'Queue', deadLetters: 'Dlq' },
    }],
  };
  // WHEN it is rendered
  // (colour codes stripped: picocolors colours output whenever CI is set, as on the CI machine)
  const rows = stripVTControlCharacters(formatStatus(status)).split('\n');
  // THEN the depth is on the row naming the queue's own URL AND the dead letters on the row naming the DLQ's
  const queueRow = rows.find((r) => r.includes('orders-dev-work ') || r.endsWith('orders-dev-work'))!;
  const dlqRow = rows.find((r) => r.includes('orders-dev-work-dlq'))!;
  assert.match(queueRow, /\bQueue\b.*4 waiting, 1 in flight/);
  assert.doesNotMatch(queueRow, /dead/);
  assert.match(dlqRow, /\bDlq\b.*2 dead/);
  assert.doesNotMatch(dlqRow, /waiting/);
});

test('status on the local stage, which lists no resources, shows every figure of a node on its one row', () => {
  const status: StageStatus = { pipeline: 'orders', stage: 'local', deployed: true, where: 'in memory', nodes: [{ node: 'work', kind: 'queue', queue: { visible: 4, inFlight: 0, delayed: 0 }, deadLetters: 2 }] };
  assert.match(stripVTControlCharacters(formatStatus(status)), /^work\s+queue\s+4 waiting, 0 in flight\s+2 dead$/m);
});
