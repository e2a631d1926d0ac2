/**
 * Pipeline behaviours written once and run on every stage through the Stage interface: the local
 * engine on each of its stores (local.test.ts) and a deployment on moto, the AWS emulator
 * (aws.test.ts). A stage that cannot do a case skips it by name with the reason, so every
 * local-versus-AWS gap is listed here, in one place.
 */
import assert from 'node:assert/strict';
import type { Stage } from '../../src/stage/index.js';

/** What a case may need besides the stage: a way to put dead letters in place, each stage its own way. */
export interface CaseContext {
  /** Leave `body` as a dead letter of queue `queue` (locally by a failing consumer, on AWS in its DLQ). */
  deadLetter(queue: string, body: string): Promise<void>;
}

/** One behaviour. */
export interface BehaviourCase {
  name: string;
  run(stage: Stage, ctx: CaseContext): Promise<void>;
  /** Why a stage cannot do it, by stage kind; absent: both can. */
  skip?: { local?: string; aws?: string };
}

const codeOf = async (work: Promise<unknown>): Promise<string | undefined> => work.then(() => undefined, (e: { code?: string }) => e.code);

export const CASES: BehaviourCase[] = [
  {
    name: 'an object put into a bucket is listed under its prefix and read back with its bytes, type and metadata',
    async run(stage) {
      const body = Buffer.from('id,total\n1,9.50\n');
      await stage.put('landing', [
        { key: 'in/orders 2026.csv', body, contentType: 'text/csv', metadata: { source: 'behaviour' } },
        { key: 'in/café.json', body: Buffer.from('{}') },
        { key: 'other/skip.txt', body: Buffer.from('x') },
      ]);
      assert.deepEqual((await stage.list('landing', 'in/')).map((o) => [o.key, o.size]), [['in/café.json', 2], ['in/orders 2026.csv', body.length]]);
      const got = await stage.get('landing', 'in/orders 2026.csv');
      assert.ok(got.body.equals(body));
      assert.equal(got.contentType, 'text/csv');
      assert.equal(got.metadata?.source, 'behaviour');
      assert.match(got.eTag, /^[0-9a-f]{32}$/);
    },
  },
  {
    name: 'a missing key, an unknown bucket and a node of the wrong kind fail with their codes, the same on every stage',
    async run(stage) {
      assert.equal(await codeOf(stage.get('landing', 'no/such/key')), 'SLUICE_E_NO_SUCH_KEY');
      assert.equal(await codeOf(stage.list('nope')), 'SLUICE_E_UNKNOWN_NODE');
      assert.equal(await codeOf(stage.send('landing', 'x')), 'SLUICE_E_UNKNOWN_NODE');
      assert.equal(await codeOf(stage.deadLetters('landing')), 'SLUICE_E_NO_DLQ');
      // An object put from outside is a root input: it has no lineage to walk.
      await stage.put('landing', [{ key: 'root.txt', body: Buffer.from('root') }]);
      assert.equal(await codeOf(stage.lineage('landing', 'root.txt')), 'SLUICE_E_NO_LINEAGE');
    },
  },
  {
    name: 'a message sent to a queue waits there with its attributes until something receives it',
    async run(stage) {
      await stage.send('everything', '{"n":1}', { kind: 'test', n: 3 });
      const [m, ...rest] = await stage.messages('everything');
      assert.deepEqual(rest, []);
      assert.equal(m!.body, '{"n":1}');
      assert.deepEqual(m!.attributes, { kind: { type: 'String', value: 'test' }, n: { type: 'Number', value: '3' } });
    },
  },
  {
    name: "a publish reaches each subscription whose filter policy matches: raw delivery as sent, wrapped delivery in SNS's notification",
    async run(stage) {
      await stage.send('events', 'for everyone', { priority: 'low' });
      await stage.send('events', 'for the urgent queue too', { priority: 'high' });
      assert.deepEqual((await stage.messages('urgent')).map((m) => [m.body, m.attributes.priority?.value]), [['for the urgent queue too', 'high']]);
      const wrapped = (await stage.messages('everything')).map((m) => JSON.parse(m.body) as { Type: string; Message: string; MessageAttributes: Record<string, { Value: string }> });
      assert.deepEqual(wrapped.map((n) => [n.Type, n.Message, n.MessageAttributes.priority?.Value]).sort(), [['Notification', 'for everyone', 'low'], ['Notification', 'for the urgent queue too', 'high']]);
    },
  },
  {
    name: "a dead letter is listed with its body and attempts, and a redrive sends it back to its queue",
    async run(stage, ctx) {
      await ctx.deadLetter('work', 'poison');
      const [letter, ...others] = await stage.deadLetters('work');
      assert.deepEqual(others, []);
      assert.equal(letter!.body, 'poison');
      assert.ok(letter!.attempts >= 1, `attempts ${letter!.attempts}`);
      assert.equal(await stage.redrive('work'), 1);
      assert.deepEqual(await stage.deadLetters('work'), []);
      // Counted, not read: on AWS a read is a receive, and this queue dead-letters on its second.
      assert.equal((await stage.status()).nodes.find((n) => n.node === 'work')?.queue?.visible, 1);
    },
  },
  {
    name: "a queue's dead letter keeps the error its consumer last failed with",
    async run(stage, ctx) {
      await ctx.deadLetter('work', 'poison');
      const [letter] = await stage.deadLetters('work');
      assert.equal(letter!.error?.errorMessage, 'rejected by the behaviour suite');
    },
    skip: { aws: 'SQS keeps no error with a message: a DLQ entry on AWS has its body, attributes and receive count only' },
  },
  {
    name: "a table's items are put, read by key, queried by partition in sort-key order, scanned and deleted",
    async run(stage) {
      const items = stage.table('items');
      for (const at of [3, 1, 2]) await items.put({ id: 'a', at, note: `a${at}` });
      await items.put({ id: 'b', at: 1 });
      assert.deepEqual(await items.get({ id: 'a', at: 2 }), { id: 'a', at: 2, note: 'a2' });
      assert.deepEqual((await items.query('a')).map((i) => i.at), [1, 2, 3]);
      assert.deepEqual((await items.query('a', { descending: true, limit: 2 })).map((i) => i.at), [3, 2]);
      assert.equal((await items.scan()).length, 4);
      await items.delete({ id: 'a', at: 1 });
      assert.equal(await items.get({ id: 'a', at: 1 }), undefined);
      assert.equal(await codeOf(Promise.resolve().then(() => stage.table('landing'))), 'SLUICE_E_UNKNOWN_NODE');
    },
  },
  {
    name: 'status counts the messages waiting in each queue and the dead letters of each queue and function',
    async run(stage) {
      await stage.send('everything', 'counted');
      const status = await stage.status();
      const everything = status.nodes.find((n) => n.node === 'everything')!;
      assert.ok((everything.queue?.visible ?? 0) >= 1, JSON.stringify(everything));
      assert.equal(everything.deadLetters, 0);
      // A stage that lists a node's resources lists them in the kind's order and names the part each figure belongs to.
      if (everything.resources) {
        assert.deepEqual(everything.resources.map((r) => r.part).slice(0, 2), ['Queue', 'Dlq']);
        assert.deepEqual(everything.holding, { messages: 'Queue', deadLetters: 'Dlq' });
      }
    },
  },
  {
    name: 'an invoked function runs once on the event of a message for its queue and reports its error, taking nothing from the queue',
    async run(stage) {
      const report = await stage.invoke('reject', { message: { body: 'poison' } }, { deliver: true });
      assert.equal(report.ok, false);
      assert.equal(report.error?.errorMessage, 'rejected by the behaviour suite');
      const work = (await stage.status()).nodes.find((n) => n.node === 'work')!;
      assert.deepEqual([work.queue?.visible, work.queue?.inFlight, work.deadLetters], [0, 0, 0]);
    },
    skip: { aws: 'MOTO_LAMBDA_NO_DOCKER: moto runs no Lambda code without Docker, so no handler runs to fail; aws.test.ts checks the event the Lambda API is given' },
  },
  {
    name: 'an invoke whose object or message cannot reach the function fails with SLUICE_E_INVOKE_SOURCE before anything runs, the same on every stage',
    async run(stage) {
      await stage.put('landing', [{ key: 'x.txt', body: Buffer.from('x') }]);
      assert.equal(await codeOf(stage.invoke('reject', { object: { bucket: 'landing', key: 'x.txt' } }, { deliver: true })), 'SLUICE_E_INVOKE_SOURCE');
      assert.equal(await codeOf(stage.invoke('reject', { message: { body: 'x', from: 'events' } }, { deliver: true })), 'SLUICE_E_INVOKE_SOURCE');
      assert.equal(await codeOf(stage.invoke('landing', { event: {} }, { deliver: true })), 'SLUICE_E_UNKNOWN_NODE');
    },
  },
  {
    name: "status counts each bucket's objects",
    async run(stage) {
      await stage.put('landing', [{ key: 'counted.txt', body: Buffer.from('1') }]);
      const landing = (await stage.status()).nodes.find((n) => n.node === 'landing')!;
      assert.ok((landing.objects ?? 0) >= 1, JSON.stringify(landing));
    },
    skip: { aws: 'an AWS stage does not count objects in its status: that would list every bucket on every call' },
  },
  {
    name: 'many table items are written at once, a key is renamed in one transaction, and a rename whose old item is gone changes nothing',
    async run(stage) {
      const items = stage.table('items');
      await items.write({ put: Array.from({ length: 60 }, (_, i) => ({ id: 'batch', at: i })), delete: [] });
      assert.equal((await items.query('batch')).length, 60);
      await items.write({ put: [{ id: 'renamed', at: 0, note: 'kept' }], delete: [{ id: 'batch', at: 0 }], mustExist: [{ id: 'batch', at: 0 }], mustNotExist: [{ id: 'renamed', at: 0 }] }, { atomic: true });
      assert.deepEqual(await items.get({ id: 'renamed', at: 0 }), { id: 'renamed', at: 0, note: 'kept' });
      const gone = items.write({ put: [{ id: 'again', at: 0 }], delete: [{ id: 'batch', at: 0 }], mustExist: [{ id: 'batch', at: 0 }], mustNotExist: [{ id: 'again', at: 0 }] }, { atomic: true });
      assert.equal(await codeOf(gone), 'SLUICE_E_TABLE_ITEMS_CONFLICT');
      assert.equal(await items.get({ id: 'again', at: 0 }), undefined);
      await items.write({ put: [], delete: (await items.query('batch')).map((i) => ({ id: i.id, at: i.at })) });
      assert.deepEqual(await items.query('batch'), []);
    },
  },
  {
    name: 'deleted objects are gone, the others stay, and a key that is not there is no error',
    async run(stage) {
      await stage.put('landing', [{ key: 'prune/a.txt', body: Buffer.from('a') }, { key: 'prune/b.txt', body: Buffer.from('b') }]);
      await stage.deleteObjects('landing', ['prune/a.txt', 'prune/never.txt']);
      assert.deepEqual((await stage.list('landing', 'prune/')).map((o) => o.key), ['prune/b.txt']);
    },
  },
];
