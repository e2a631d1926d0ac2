/**
 * Copies the object that triggered the step to every bucket downstream, under the same key, keeping
 * its content type and metadata.
 */
import { component } from 'sluice/runtime';

export default component(async (input, ctx) => {
  if (input.kind !== 'object') return [];
  const body = await ctx.body(input);                              // the object's bytes
  ctx.log('copied', { key: input.key, bytes: body.byteLength });
  return [ctx.object(input.key, body)];                            // written to every bucket downstream
});
