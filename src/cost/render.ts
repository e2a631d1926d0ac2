/**
 * A cost estimate for people: each node with its volume and monthly cost, each line under it with the
 * quantity, the price it was billed at and what was counted; the total at list price, what the free
 * tier could cover, and after it; the prices' date; what the figures assume and what they leave out.
 */
import type { CostEstimate } from './estimate.js';
import type { PriceLine } from './prices.js';

/** Dollars for people: cents, or four decimals below one cent so a small line does not read as zero. */
export function usd(value: number): string {
  if (value === 0) return '$0.00';
  if (Math.abs(value) < 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A quantity for people: whole numbers with separators, fractions to four significant digits. */
export function quantity(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(4)).toString();
}

/** A price line's rate for people: `$0.20 per 1,000,000 requests`. */
export function rate(line: PriceLine): string {
  return `$${line.price} per ${line.per === 1 ? '' : `${line.per.toLocaleString('en-US')} `}${line.per === 1 ? line.unit.replace(/s$/, '') : line.unit}`;
}

/**
 * The estimate as text.
 * @example process.stdout.write(renderCost(await estimateCost(pipe)));
 */
export function renderCost(e: CostEstimate): string {
  const out: string[] = [];
  out.push(`${e.pipeline} · stage ${e.stage} · ${e.region} · prices of ${e.prices.date} (${e.prices.origin}) · USD a month`);
  out.push(e.volumes.scale ? `volumes: measured by a local run, scaled x${quantity(e.volumes.scale.factor)} (${e.volumes.scale.basis})` : 'volumes: declared (expected on the nodes, --volume) and propagated along the edges');
  out.push('');
  const rows: string[][] = [['node', 'a month', 'what']];
  for (const n of e.nodes) {
    rows.push([n.node, usd(n.usd), n.volume.unit ? `${n.kind}: ${quantity(n.volume.count)} ${n.volume.unit} (${n.volume.from})` : n.kind]);
    for (const l of n.lines) {
      const price = e.prices.lines[l.price]!;
      rows.push([`  ${l.price}`, usd(l.usd), `${quantity(l.quantity)} ${price.unit} at ${rate(price)}: ${l.what}`]);
    }
  }
  out.push(align(rows));
  out.push('');
  out.push(align([
    ['total at list price', usd(e.total.usd)],
    ['the free tier could cover', usd(e.total.freeTierUsd)],
    ['after the free tier', usd(e.total.afterFreeTierUsd)],
  ]));
  if (e.freeTier.length) {
    out.push('free tier (always free a month, per account):');
    for (const f of e.freeTier) out.push(`  ${f.price}: ${quantity(Math.min(f.free, f.quantity))} of ${quantity(f.quantity)} ${e.prices.lines[f.price]!.unit} free, ${usd(f.usd)}${f.note ? ` (${f.note})` : ''}`);
  }
  out.push('assumptions:');
  for (const a of e.assumptions) out.push(`  - ${a}`);
  out.push('not counted:');
  for (const n of e.notCounted) out.push(`  - ${n}`);
  out.push(`prices: ${e.region}, read ${e.prices.date}; each line's source page is in --json (prices.lines.*.source)`);
  return `${out.join('\n')}\n`;
}

function align(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
