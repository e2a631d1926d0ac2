/**
 * The behaviour suite (cases.ts) on the local stage, on each of the engine's stores: the in-memory
 * store unit tests use and the SQLite store `sluice run` uses. Each case gets a fresh pipeline.
 */
import { describe, test } from 'node:test';
import { localPipeline } from 'sluice/testing';
import pipe from './fixture/pipeline.js';
import { CASES } from './cases.js';
import { T0 } from '../helpers/local.js';

for (const backend of ['memory', 'sqlite'] as const) {
  describe(`the local stage on the ${backend} store`, () => {
    for (const c of CASES) {
      test(c.name, { skip: c.skip?.local ?? false }, async (t) => {
        const local = await localPipeline(pipe, { startTime: T0, backend });
        t.after(() => local.close());
        await c.run(local.stage, {
          // The queue's consumer fails every receive; with maxReceiveCount 1 the second receive, once
          // the visibility timeout (6 x its 5 s timeout) has passed, moves the message to the DLQ.
          async deadLetter(queue, body) {
            await local.send(queue, body);
            await local.settle();
            await local.advance('31s');
          },
        });
      });
    }
  });
}
