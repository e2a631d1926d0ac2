/**
 * `fn` on an AWS stage: its dead letters (Lambda's invocation records in its on-failure queue) go
 * back as an asynchronous invoke of the original event, as Lambda's own retry would send it.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { Fn } from '../../../model/fn.js';
import type { KindAws } from '../kind.js';

export const fnAws: KindAws<Fn> = {
  objects: null,
  send: null,
  messages: null,

  async redrive(ctx, node, letters) {
    const name = ctx.physical(node, 'Function');
    for (const m of letters) {
      const record = JSON.parse(m.Body ?? '{}') as { requestPayload?: unknown };
      await ctx.aws.call(`invoking function '${node.name}' again`, () => ctx.aws.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(record.requestPayload ?? {})) })));
    }
  },

  items: null,
  depth: null,
};
