/**
 * The seed's ServerlessProducer: on each tick of the timer, scan the `fang` table and send each name
 * to the `producer` queue, with the tick's time as the run the results are filed under.
 */
import { component } from 'sluice/runtime';

export default component(async (input, ctx) => {
  const run = input.kind === 'schedule' ? input.time : new Date().toISOString();
  const items = await ctx.table('fang').scan();
  ctx.log('sending names', { count: items.length, run });
  return items.map((item) => ctx.message({ name: String(item.name), run }));
});
