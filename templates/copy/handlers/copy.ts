/**
 * The step behind the function `copy`: it receives each object that lands in `raw` and returns the
 * objects to write to every bucket downstream (here `curated`), under the same key.
 */
import { component } from 'sluice/runtime';

export default component(async (input, ctx) => {
  if (input.kind !== 'object') return [];
  const body = await ctx.body(input);
  ctx.log('copied', { key: input.key, bytes: body.byteLength });
  return [ctx.object(input.key, body)];
});
