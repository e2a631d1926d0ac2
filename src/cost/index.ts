/**
 * Monthly cost estimates of pipelines on AWS: `estimateCost` (what `sluice cost` and the console's cost
 * panel call), the dated price tables, the per-kind cost registry, and the Price List API refresh.
 *
 * @example
 * import { estimateCost, renderCost } from './cost/index.js';
 * const estimate = await estimateCost(pipe, { region: 'eu-west-1', volumes: { raw: '1M/month' } });
 * console.log(estimate.total.usd, renderCost(estimate));
 */
export { estimateCost, NOT_COUNTED, type CostEstimate, type CostOptions, type NodeCost, type FreeTierLine } from './estimate.js';
export { renderCost, usd } from './render.js';
export { KIND_COST, type CostRegistry } from './registry.js';
export type { KindCost, CostContext, CostLine, Volume } from './kind.js';
export { PRICE_IDS, priceTableFor, readPricesFile, shippedRegions, type PriceId, type PriceLine, type PriceTable } from './prices.js';
export { SHIPPED_PRICES, SHIPPED_PRICES_DATE } from './price-tables.js';
export { parsePriceList, refreshPrices, tableFromPriceList } from './price-list.js';
export { measureRunIn, measureRun, type RunMeasurement, type RunScale } from './from-run.js';
export { parseVolumeOptions, volumesPerMonth } from './volumes.js';
export { stackFacts, factsOf, type StackFacts } from './stack-facts.js';
export { comprehendUnits } from './units.js';
export { comprehendSentimentLines, emailNotificationLines } from './services.js';
