/**
 * The source (Pylon's SourceComponent): for each URL resource record that lands in `requests`, fetch
 * the resource it names (relative to the configured base URL, with the API key from the secret), keep
 * the bytes in `raw`, and publish the completed record: where the data went, where it came from, its
 * size and time. The key is a secret reference in the record, never the key itself.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// zod/mini, not zod: a handler is bundled into its Lambda function, and zod/mini is a tenth of the size.
import * as z from 'zod/mini';
import { result, source, type UrlResource } from 'sluice/runtime';

export default source(async (input, ctx) => {
  const request = await ctx.json<{ resource: string }>(input);
  const url = new URL(request.resource, ctx.config.baseUrl);
  const data = url.protocol === 'file:'
    ? await readFile(fileURLToPath(url))
    : Buffer.from(await (await fetch(url, { headers: { authorization: `Bearer ${ctx.config.apiKey}` } })).arrayBuffer());
  const key = `incidents/${url.pathname.split('/').pop()}`;
  const record: UrlResource = {
    destination: `s3://raw/${key}`,
    resource: url.href,
    metadata: { size: data.byteLength, timestamp: new Date().toISOString() },
    auth: { secret: '/incidents/api-key' },
  };
  return result([ctx.object(key, data, { contentType: 'text/csv' }), ctx.envelope(record, { objectType: 'urlResource' })], { resource: url.href, bytes: data.byteLength });
}, {
  config: z.object({ baseUrl: z.url(), apiKey: z.string().check(z.minLength(1)) }),
});
