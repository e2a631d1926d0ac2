/**
 * The monthly cost estimate of a pipeline: volumes from declarations (`expected`, `--volume`) or a
 * local run, propagated along the edges in topological order; each node billed by its kind's cost
 * module (registry.ts) at a dated regional price table; the free tier shown apart, never subtracted
 * silently. The result's JSON shape (`CostEstimate`, schema `sluice.cost/1`) is stable: the console's
 * cost panel and `sluice cost --json` print it as is.
 */
import type { AnyNode } from '../model/node.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Rate } from '../model/expected.js';
import { edgeDefinition } from '../model/edges.js';
import { KIND_COST } from './registry.js';
import type { CostContext, CostLine, KindCost, Volume } from './kind.js';
import { priceTableFor, type PriceId, type PriceLine, type PriceTable } from './prices.js';
import { stackFacts, type StackFacts } from './stack-facts.js';
import { stepExpectation, type StepExpectation } from './steps.js';
import { volumesPerMonth } from './volumes.js';
import { DEFAULT_OBJECT_BYTES } from './kinds/bucket.js';
import type { RunMeasurement, RunScale } from './from-run.js';

/** Options of `estimateCost`. */
export interface CostOptions {
  /** The stage synthesized for the facts (memory, retention, keys). @default 'dev' */
  stage?: string;
  /** The region priced. @default 'us-east-1' */
  region?: string;
  /** Volumes a month by node name (`1000000`, `'1M/month'`, `'10/day'`): win over declarations and propagation. */
  volumes?: Readonly<Record<string, Rate>>;
  /** Price tables laid over the shipped ones (a `--prices` file). */
  prices?: readonly PriceTable[];
  /** A local run, measured and scaled (`measureRunIn`). */
  run?: RunMeasurement;
  /** The stack's facts, when already read (skips synthesis). */
  facts?: StackFacts;
  /** Where synthesis caches handler bundles. @default `.sluice/cache` in the working directory */
  cacheDir?: string;
}

/** One node's monthly cost. `node` is `(stack)` for what the stack holds for every node (its KMS key). */
export interface NodeCost {
  node: string;
  kind: string;
  /** What reached the node a month: `count` items (`unit`) of `bytes` on average, and where that came from. */
  volume: { count: number; unit: string; bytes: number; from: 'volume' | 'declared' | 'run' | 'propagated' | 'schedule' | 'none' };
  lines: CostLine[];
  /** Sum of `lines`, USD a month. */
  usd: number;
}

/** What the always-free tier could take off one price line, for the whole pipeline. */
export interface FreeTierLine {
  price: PriceId;
  /** Units a month the pipeline uses, and the free allowance. */
  quantity: number;
  free: number;
  /** USD the allowance covers (at most the line's cost). */
  usd: number;
  note?: string;
}

/** A pipeline's monthly cost estimate (JSON schema `sluice.cost/1`). */
export interface CostEstimate {
  schema: 'sluice.cost/1';
  pipeline: string;
  stage: string;
  region: string;
  currency: 'USD';
  /** The price table used: its date and origin, and every line the estimate uses (unit, price, source). */
  prices: { date: string; origin: PriceTable['origin']; lines: Partial<Record<PriceId, PriceLine>> };
  /** Where volumes came from: declarations (`expected`, `--volume`) or a local run with its scale. */
  volumes: { from: 'declared' | 'run'; scale?: RunScale };
  nodes: NodeCost[];
  /** List price a month, before the free tier; what the free tier could cover; and the difference. */
  total: { usd: number; freeTierUsd: number; afterFreeTierUsd: number };
  freeTier: FreeTierLine[];
  /** What the figures assume (defaults used, batches full, filters matching...). */
  assumptions: string[];
  /** What is not in the figures at all. */
  notCounted: string[];
}

/** What no estimate counts, always printed with it. */
export const NOT_COUNTED = [
  'data transfer out of AWS and between regions or availability zones',
  'retries, failures, dead letters and redrives (every input is assumed to succeed the first time)',
  "Lambda's KMS decryption of its environment at each cold start, and cold starts' init duration",
  'S3 LIST requests of jobs reading their stages, and requests made by code outside the pipeline',
  'CloudWatch metrics, dashboards, Logs Insights queries and Step Functions execution logs',
  'the deploy assets bucket, CloudFormation, IAM (no charge) and taxes',
  'Savings Plans, reserved capacity and tier discounts above the first tier',
];

const ZERO: Volume = { count: 0, bytes: 0 };

/**
 * Estimate what a pipeline costs a month on AWS.
 * @throws PipelineValidationError when the pipeline is not valid; InputError `SLUICE_E_COST_*` for bad options.
 * @example const estimate = await estimateCost(pipe, { region: 'eu-west-1', volumes: { raw: '1M/month' } });
 */
export async function estimateCost(pipeline: Pipeline, options: CostOptions = {}): Promise<CostEstimate> {
  const stage = options.stage ?? 'dev';
  const region = options.region ?? 'us-east-1';
  const prices = priceTableFor(region, options.prices);
  const overrides = volumesPerMonth(pipeline, options.volumes ?? {});
  const assumptions = new Set<string>();
  // The local stage has no template: its AWS settings are those any AWS stage without stage config gets.
  const synthStage = stage === 'local' ? 'dev' : stage;
  if (synthStage !== stage) assumptions.add(`stage 'local' runs on this machine and has no template: priced as it would deploy to stage '${synthStage}'`);
  const facts = options.facts ?? (await stackFacts(pipeline, synthStage, options.cacheDir));
  const volumes = new Map<AnyNode, NodeCost['volume']>();
  const steps = new Map<AnyNode, StepExpectation>();
  const ctx: CostContext = {
    pipeline, facts, prices,
    line: (price, quantity, what) => ({ price, what, quantity, usd: (quantity / prices.lines[price].per) * prices.lines[price].price }),
    step: (node) => steps.get(node) ?? steps.set(node, stepExpectation(node, options.run?.steps.get(node.name))).get(node)!,
    volumeOf: (node) => volumes.get(node) ?? ZERO,
    assume: (text) => void assumptions.add(text),
  };

  for (const node of propagationOrder(pipeline, ctx)) {
    const cost = KIND_COST[node.kind] as KindCost<AnyNode>;
    const given = overrides.get(node.name);
    const measured = options.run?.sources.get(node.name);
    const declared = cost.source(node, ctx);
    const upstream = inflowOf(node, volumes, ctx);
    let volume: NodeCost['volume'];
    if (given !== undefined) volume = { count: given, unit: cost.unit, bytes: measured?.bytes ?? declared?.bytes ?? (upstream.count ? upstream.bytes : DEFAULT_OBJECT_BYTES), from: 'volume' };
    else if (measured) volume = { ...measured, count: measured.count + upstream.count, unit: cost.unit, from: 'run' };
    else if (declared && upstream.count === 0) volume = { ...declared, unit: cost.unit, from: declared.count ? cost.sourceLabel : 'none' };
    else if (declared) volume = { count: declared.count + upstream.count, bytes: weighted([declared, upstream]).bytes, unit: cost.unit, from: 'propagated' };
    else volume = { ...upstream, unit: cost.unit, from: upstream.count ? 'propagated' : 'none' };
    volumes.set(node, volume);
  }

  const nodes: NodeCost[] = [...pipeline.nodes.values()].map((node) => {
    const lines = (KIND_COST[node.kind] as KindCost<AnyNode>).lines(node, volumes.get(node)!, ctx);
    return { node: node.name, kind: node.kind, volume: volumes.get(node)!, lines, usd: sum(lines) };
  });
  if (facts.hasKey) {
    const lines = [ctx.line('kms.keys', 1, `the stack's customer managed key (alias/${facts.stackName})`)];
    nodes.push({ node: '(stack)', kind: 'stack', volume: { count: 0, unit: '', bytes: 0, from: 'none' }, lines, usd: sum(lines) });
  }
  for (const node of pipeline.nodes.values()) if (ctx.step(node).durationFrom === 'default' && ['fn', 'job', 'glueJob'].includes(node.kind)) {
    assumptions.add(`${node}: ${ctx.step(node).durationMs} ms per input (the default; declare expected.duration, or measure with --from-run)`);
  }
  return summarize(pipeline, stage, prices, nodes, [...assumptions], options.run?.scale);
}

function summarize(pipeline: Pipeline, stage: string, prices: PriceTable, nodes: NodeCost[], assumptions: string[], scale: RunScale | undefined): CostEstimate {
  const used = new Map<PriceId, { quantity: number; usd: number }>();
  for (const line of nodes.flatMap((n) => n.lines)) {
    const u = used.get(line.price) ?? { quantity: 0, usd: 0 };
    used.set(line.price, { quantity: u.quantity + line.quantity, usd: u.usd + line.usd });
  }
  const freeTier: FreeTierLine[] = [];
  for (const [price, u] of used) {
    const line = prices.lines[price];
    if (!line.free || !u.quantity) continue;
    const covered = Math.min(u.quantity, line.free);
    freeTier.push({ price, quantity: u.quantity, free: line.free, usd: Math.min(u.usd, (covered / line.per) * line.price), ...(line.freeNote ? { note: line.freeNote } : {}) });
  }
  const usd = sum(nodes);
  const freeTierUsd = sum(freeTier);
  const lines = Object.fromEntries([...used.keys()].sort().map((id) => [id, prices.lines[id]])) as Partial<Record<PriceId, PriceLine>>;
  return {
    schema: 'sluice.cost/1', pipeline: pipeline.name, stage, region: prices.region, currency: 'USD',
    prices: { date: prices.date, origin: prices.origin, lines },
    volumes: { from: scale ? 'run' : 'declared', ...(scale ? { scale } : {}) },
    nodes,
    total: { usd, freeTierUsd, afterFreeTierUsd: Math.max(0, usd - freeTierUsd) },
    freeTier,
    assumptions: [...assumptions, 'the free tier is per account, not per pipeline: it covers this pipeline only if nothing else in the account uses it'],
    notCounted: NOT_COUNTED,
  };
}

/** What reaches a node along its incoming edges from nodes already computed (stage edges carry no events). */
function inflowOf(node: AnyNode, volumes: Map<AnyNode, Volume>, ctx: CostContext): Volume {
  const parts: Volume[] = [];
  for (const e of ctx.pipeline.incoming(node)) {
    if (edgeDefinition(e)?.stage) continue;
    const from = volumes.get(e.from);
    if (!from) continue;
    if (e.options.prefix || e.options.suffix) ctx.assume(`'${e.from.name}' -> '${e.to.name}': every object matches the edge's prefix/suffix filter`);
    parts.push((KIND_COST[e.from.kind] as KindCost<AnyNode>).passes(e.from, from, e, ctx));
  }
  return weighted(parts);
}

/**
 * Nodes in an order where every node comes after what feeds it (edges that carry events, and a flow
 * before its jobs). A loop (a step writing under a prefix of the bucket that triggers it) is broken at
 * the node declared first, its closing edge assumed to carry nothing.
 */
function propagationOrder(pipeline: Pipeline, ctx: CostContext): AnyNode[] {
  const feeds = new Map<AnyNode, Set<AnyNode>>();
  for (const node of pipeline.nodes.values()) feeds.set(node, new Set());
  for (const e of pipeline.edges) if (!edgeDefinition(e)?.stage && e.from !== e.to) feeds.get(e.to)?.add(e.from);
  for (const flow of pipeline.nodesOf('flow')) for (const job of (Array.isArray(flow.jobs) ? flow.jobs : []) as AnyNode[]) feeds.get(job)?.add(flow);
  const order: AnyNode[] = [];
  const done = new Set<AnyNode>();
  while (order.length < feeds.size) {
    const ready = [...feeds].find(([n, from]) => !done.has(n) && [...from].every((f) => done.has(f)));
    const next = ready?.[0] ?? [...feeds.keys()].find((n) => !done.has(n))!;
    if (!ready) ctx.assume(`${next} is fed in a loop: what comes back around it is not counted`);
    order.push(next);
    done.add(next);
  }
  return order;
}

function weighted(parts: Volume[]): Volume {
  const count = parts.reduce((n, p) => n + p.count, 0);
  return { count, bytes: count ? parts.reduce((b, p) => b + p.count * p.bytes, 0) / count : parts[0]?.bytes ?? 0 };
}

function sum(items: Array<{ usd: number }>): number {
  return items.reduce((n, i) => n + i.usd, 0);
}
