/**
 * Refreshing a price table from the AWS Price List Query API (`pricing:GetProducts`, served from
 * us-east-1), where credentials allow. Each product of the answer is a JSON document (AWS's documented
 * shape: `product.attributes.usagetype`, `terms.OnDemand.<offer>.priceDimensions.<rate>.pricePerUnit.USD`
 * with `beginRange`/`endRange` tiers); a line is matched by service and usage type (without its region
 * prefix, `EUW1-`), and priced at its first paid tier. Lines the API did not give keep the shipped price,
 * and the table says which.
 */
import { InputError } from '../model/errors.js';
import { SHIPPED_PRICES } from './price-tables.js';
import { PRICE_IDS, type PriceId, type PriceLine, type PriceTable } from './prices.js';

/** Which product answers each line: its service code and usage type (region prefix removed). */
export const PRICE_LIST_PRODUCTS: Partial<Record<PriceId, { serviceCode: string; usageType: string }>> = {
  'lambda.requests': { serviceCode: 'AWSLambda', usageType: 'Request-ARM' },
  'lambda.arm64.duration': { serviceCode: 'AWSLambda', usageType: 'Lambda-GB-Second-ARM' },
  'sqs.requests': { serviceCode: 'AWSQueueService', usageType: 'Requests-RBP' },
  'sns.publishes': { serviceCode: 'AmazonSNS', usageType: 'Requests-Tier1' },
  'sns.deliveries.email': { serviceCode: 'AmazonSNS', usageType: 'DeliveryAttempts-SMTP' },
  's3.storage': { serviceCode: 'AmazonS3', usageType: 'TimedStorage-ByteHrs' },
  's3.put': { serviceCode: 'AmazonS3', usageType: 'Requests-Tier1' },
  's3.get': { serviceCode: 'AmazonS3', usageType: 'Requests-Tier2' },
  'dynamodb.writes': { serviceCode: 'AmazonDynamoDB', usageType: 'WriteRequestUnits' },
  'dynamodb.reads': { serviceCode: 'AmazonDynamoDB', usageType: 'ReadRequestUnits' },
  'dynamodb.storage': { serviceCode: 'AmazonDynamoDB', usageType: 'TimedStorage-ByteHrs' },
  'dynamodb.pitr': { serviceCode: 'AmazonDynamoDB', usageType: 'TimedPITRStorage-ByteHrs' },
  'events.custom': { serviceCode: 'AWSEvents', usageType: 'Event-64K-Chunks' },
  'states.transitions': { serviceCode: 'AWSStepFunctions', usageType: 'StateTransition' },
  'glue.dpuHours': { serviceCode: 'AWSGlue', usageType: 'ETL-DPU-Hour' },
  'logs.ingestion': { serviceCode: 'AmazonCloudWatch', usageType: 'DataProcessing-Bytes' },
  'logs.storage': { serviceCode: 'AmazonCloudWatch', usageType: 'TimedStorage-ByteHrs' },
  'cloudwatch.alarms': { serviceCode: 'AmazonCloudWatch', usageType: 'CW:AlarmMonitorUsage' },
  'kms.keys': { serviceCode: 'awskms', usageType: 'KMS-Keys' },
  'kms.requests': { serviceCode: 'awskms', usageType: 'KMS-Requests' },
  'xray.traces': { serviceCode: 'AWSXRay', usageType: 'XRay-TracesStored' },
};

/**
 * The region prefix of a usage type: `EU-` (eu-west-1) or three letters and a digit (`EUC1-`, `APS2-`,
 * `USE1-`; us-east-1 often has none). Not `KMS-` or `ETL-`, which are part of the usage type.
 */
const REGION_PREFIX = /^(?:EU|[A-Z]{3}\d)-/;

/** One product of a GetProducts answer, as AWS documents it (only the fields read here). */
interface PriceListProduct {
  serviceCode?: string;
  product?: { attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { beginRange?: string; pricePerUnit?: Record<string, string>; unit?: string }> }> };
}

/**
 * Prices per unit of the lines found in GetProducts answers' `PriceList` items (JSON text or parsed),
 * for one region.
 * @example parsePriceList(response.PriceList, 'eu-west-1') // { 'sqs.requests': 0.0000004, ... }
 */
export function parsePriceList(items: ReadonlyArray<string | object>, region: string): Partial<Record<PriceId, number>> {
  const found: Partial<Record<PriceId, number>> = {};
  for (const item of items) {
    const p = (typeof item === 'string' ? JSON.parse(item) : item) as PriceListProduct;
    const attributes = p.product?.attributes ?? {};
    if (attributes.regionCode && attributes.regionCode !== region) continue;
    const usageType = (attributes.usagetype ?? '').replace(REGION_PREFIX, '');
    const serviceCode = p.serviceCode ?? attributes.servicecode;
    for (const id of PRICE_IDS) {
      const want = PRICE_LIST_PRODUCTS[id];
      if (!want || want.serviceCode !== serviceCode || want.usageType !== usageType) continue;
      // S3 has a storage product per class: the line is S3 Standard's.
      if (id === 's3.storage' && attributes.volumeType && attributes.volumeType !== 'Standard') continue;
      const price = firstPaidTier(p);
      if (price !== undefined) found[id] = price;
    }
  }
  return found;
}

/** The price per unit of a product's first tier that is not free (free tiers are listed at 0). */
function firstPaidTier(p: PriceListProduct): number | undefined {
  const dimensions = Object.values(p.terms?.OnDemand ?? {}).flatMap((term) => Object.values(term.priceDimensions ?? {}));
  const paid = dimensions
    .map((d) => ({ begin: Number(d.beginRange ?? 0), usd: Number(d.pricePerUnit?.USD) }))
    .filter((d) => Number.isFinite(d.usd) && d.usd > 0)
    .sort((a, b) => a.begin - b.begin);
  return paid[0]?.usd;
}

/** A table from parsed prices: the API's lines, the shipped region's (or us-east-1's) for the rest. */
export function tableFromPriceList(region: string, prices: Partial<Record<PriceId, number>>, date: string): { table: PriceTable; fromApi: PriceId[] } {
  const base = SHIPPED_PRICES[region] ?? SHIPPED_PRICES['us-east-1']!;
  const lines = { ...base.lines };
  const fromApi: PriceId[] = [];
  for (const [id, perUnit] of Object.entries(prices) as Array<[PriceId, number]>) {
    const line: PriceLine = lines[id];
    lines[id] = { ...line, price: Number((perUnit * line.per).toPrecision(10)), source: `AWS Price List API (${PRICE_LIST_PRODUCTS[id]!.serviceCode}, ${PRICE_LIST_PRODUCTS[id]!.usageType})` };
    fromApi.push(id);
  }
  return { table: { region, currency: 'USD', date, origin: 'price-list-api', lines }, fromApi };
}

/**
 * Fetch a region's prices from the AWS Price List API.
 * @throws InputError `SLUICE_E_COST_REFRESH` without credentials, when denied, or when the API does not answer.
 */
export async function refreshPrices(region: string, onProgress?: (line: string) => void): Promise<{ table: PriceTable; fromApi: PriceId[] }> {
  const { PricingClient, GetProductsCommand } = await import('@aws-sdk/client-pricing');
  // The Price List Query API is served from us-east-1 (and ap-south-1), whatever region is priced.
  const client = new PricingClient({ region: 'us-east-1', maxAttempts: 2, requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 } });
  const items: string[] = [];
  try {
    for (const serviceCode of [...new Set(Object.values(PRICE_LIST_PRODUCTS).map((p) => p!.serviceCode))]) {
      onProgress?.(`reading ${serviceCode} prices for ${region}`);
      let NextToken: string | undefined;
      do {
        const page = await client.send(new GetProductsCommand({ ServiceCode: serviceCode, Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: region }], NextToken, MaxResults: 100 }));
        items.push(...(page.PriceList ?? []).map(String));
        NextToken = page.NextToken;
      } while (NextToken);
    }
  } catch (error) {
    const e = error as Error;
    throw new InputError('SLUICE_E_COST_REFRESH', `cannot read prices from the AWS Price List API: ${e.name}: ${e.message.split('\n')[0]}; configure AWS credentials allowed pricing:GetProducts, or use the shipped prices (sluice cost prices)`, { field: '--refresh', given: region });
  } finally {
    client.destroy();
  }
  return tableFromPriceList(region, parsePriceList(items, region), new Date().toISOString().slice(0, 10));
}
