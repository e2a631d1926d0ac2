/**
 * A sink (Pylon's SinkComponent): records each update notification in the `updates` table, once per
 * notification even if it is delivered twice (idempotency keyed by the notification's ingestion id).
 */
import { sink, type UpdateNotification } from 'sluice/runtime';

export default sink(async (input, ctx) => {
  const notification = input.envelope.body as UpdateNotification;
  await ctx.table('updates').put({ ...notification, ingestionId: input.envelope.ingestionId, recordedAt: new Date().toISOString() });
}, {
  idempotencyKey: (input) => input.envelope.ingestionId,
});
