/**
 * The seed's ProducerAI: for each name from the `producer` queue, fetch a text about it (a checked-in
 * sample locally, the summary endpoint on AWS: `textSource` in the step's config), ask the sentiment
 * service, and write one JSON and one CSV object per name and run to `fangsentiment`. The ingestion
 * step records the table item it came from, so `sluice table fang remove --prune-outputs` finds these
 * outputs by lineage. A name with no text, or a text the service rejects, fails its record only.
 */
import { component, result, tableItem } from 'sluice/runtime';

type TextSource = { kind: 'samples'; samples: Record<string, string> } | { kind: 'url'; url: string; field?: string };

async function textAbout(name: string, source: TextSource): Promise<string> {
  if (source.kind === 'samples') {
    const text = source.samples[name];
    if (text === undefined) throw new Error(`no sample text for '${name}': add one to examples/ai-sentiment/sample-data/texts.ts`);
    return text;
  }
  const response = await fetch(source.url.replace('{name}', encodeURIComponent(name)), { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${source.url.replace('{name}', name)} answered ${response.status} for '${name}'`);
  const body = (await response.json()) as Record<string, unknown>;
  return String(body[source.field ?? 'extract'] ?? '');
}

const csvField = (value: string | number) => (typeof value === 'number' ? String(value) : `"${value.replace(/"/g, '""')}"`);

export default component(async (input, ctx) => {
  const { name, run } = await ctx.json<{ name: string; run: string }>(input);
  const text = await textAbout(name, ctx.config.textSource as TextSource);
  const { Sentiment, SentimentScore } = await ctx.sentiment(text);
  const row = { name, run, sentiment: Sentiment, positive: SentimentScore.Positive, negative: SentimentScore.Negative, neutral: SentimentScore.Neutral, mixed: SentimentScore.Mixed };
  const csv = `name,run,sentiment,positive,negative,neutral,mixed\n${Object.values(row).map(csvField).join(',')}\n`;
  return result([
    ctx.object(`json/${run}/${name}.json`, JSON.stringify({ ...row, text }), { contentType: 'application/json' }),
    ctx.object(`csv/${run}/${name}.csv`, csv, { contentType: 'text/csv' }),
  ], tableItem('fang', { name }));
});
