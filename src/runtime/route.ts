/**
 * The router a route's generated entry runs (src/bundling/route-entry.ts writes the entry): for each
 * object it routes the file name to a pipeline and location (`RouteTable`, compiled once per cold
 * start), checks that location's configuration against the schema the pipeline's handler exports
 * (once per location), and runs the pipeline's step with that configuration as `ctx.config` and the
 * route's choice as `ctx.route`. A file that matches nothing fails the invocation, so it is retried and
 * then kept in the route's failure destination (`sluice dlq list`), never dropped.
 */
import { InputError } from '../model/errors.js';
import { RouteTable, describeMiss, isRouteHit } from '../model/route.js';
import { standardValidate } from '../envelope/codec.js';
import { issuePath, preview } from '../envelope/errors.js';
import { component, isHandlerDescriptor } from './handler.js';
import type { Ctx, HandlerDescriptor, StepInput } from './types.js';

/** A pipeline as the generated entry gives it: patterns as sources, the handler module, each location's config. */
export interface RouterPipeline {
  name: string;
  match: { source: string; flags: string };
  locations: Array<{ name: string; source: string; flags: string; config?: { file: string; value: unknown } }>;
  /** The pipeline handler's module (its default export, or `handler`, is a `component()`). */
  module: Record<string, unknown>;
}

/** The route's choice, as the pipeline's step sees it: `ctx.route`. */
export interface RouteChoice {
  pipeline: string;
  location: string;
  /** The configuration file used, relative to the pipeline folder, if any. */
  configFile?: string;
}

/** The context a routed pipeline's step receives: `ctx` with the location's config and the route's choice. */
export type RoutedCtx<Config = Record<string, unknown>> = Ctx<Config> & { readonly route: RouteChoice };

/** The step of a pipeline module, or a clear error naming the route and pipeline. */
function stepOf(route: string, p: RouterPipeline): HandlerDescriptor {
  const exported = p.module.default ?? p.module.handler;
  if (!isHandlerDescriptor(exported)) {
    throw new InputError('SLUICE_E_ROUTE_PROPS', `route '${route}': pipeline '${p.name}''s handler exports no component(); add: export default component(async (input, ctx) => ..., { config: schema })`, { node: route, field: `pipelines.${p.name}.handler` });
  }
  return exported;
}

/**
 * Check one location's configuration against its pipeline's `config` schema; the error names the
 * file, the key and the value given.
 */
export async function checkLocationConfig(route: string, pipeline: string, location: string, step: HandlerDescriptor, config: { file: string; value: unknown } | undefined): Promise<Record<string, unknown>> {
  const value = config?.value ?? {};
  const schema = step.options.config;
  if (!schema) return value as Record<string, unknown>;
  const result = await standardValidate(schema, value);
  if (!result.issues) return result.value as Record<string, unknown>;
  const where = config ? config.file : `pipeline '${pipeline}' (it has no config file for location '${location}')`;
  const lines = result.issues.map((issue) => {
    const key = issuePath(issue) || '(the whole file)';
    const given = 'input' in issue && issue.input !== undefined ? ` (given ${preview(issue.input)})` : ' (missing)';
    return `key '${key}': ${issue.message}${given}`;
  });
  throw new InputError('SLUICE_E_ROUTE_CONFIG', `route '${route}', pipeline '${pipeline}', location '${location}': ${where}: ${lines.join('; ')}; fix the file or the pipeline's config schema`, { node: route, field: config?.file, given: value });
}

/**
 * The router step of a route: a `component()` that runs, for each object, the pipeline and location
 * its file name matches.
 * @example export default router('ingest', [{ name: 'buoy', match: { source: '^buoy\\.', flags: '' }, locations: [...], module: buoy }]);
 */
export function router(route: string, pipelines: RouterPipeline[]): HandlerDescriptor {
  const table = new RouteTable(Object.fromEntries(pipelines.map((p) => [p.name, {
    match: new RegExp(p.match.source, p.match.flags),
    locations: Object.fromEntries(p.locations.map((l) => [l.name, new RegExp(l.source, l.flags)])),
  }])));
  const byName = new Map(pipelines.map((p) => [p.name, p]));
  // One check per location per cold start: a broken file fails only the files routed to it.
  const checked = new Map<string, Promise<Record<string, unknown>>>();
  return component(async (input: StepInput, ctx: Ctx) => {
    if (input.kind !== 'object') {
      throw new InputError('SLUICE_E_ROUTE_INPUT', `route '${route}' got a ${input.kind} (routes choose by file name, so they take objects); wire a bucket to it: bucket('raw').to(${route})`, { node: route });
    }
    const hit = table.route(input.key);
    if (!isRouteHit(hit)) {
      throw new InputError('SLUICE_E_ROUTE_NO_MATCH', `route '${route}': ${describeMiss(hit)}; add a pattern that matches it, then redrive it from the dead letters (sluice dlq redrive)`, { node: route, field: 'pipelines', given: input.key });
    }
    const p = byName.get(hit.pipeline)!;
    const step = stepOf(route, p);
    const location = p.locations.find((l) => l.name === hit.location)!;
    const id = `${hit.pipeline}\0${hit.location}`;
    let config = checked.get(id);
    if (!config) checked.set(id, (config = checkLocationConfig(route, hit.pipeline, hit.location, step, location.config)));
    // A failed check is kept: every file for that location fails the same way until the file is fixed and redeployed.
    const routed = Object.create(ctx, {
      config: { value: Object.freeze(await config), enumerable: true },
      route: { value: Object.freeze({ pipeline: hit.pipeline, location: hit.location, ...(location.config ? { configFile: location.config.file } : {}) }), enumerable: true },
    }) as RoutedCtx;
    ctx.log(`routed to ${hit.pipeline}/${hit.location}`, { file: input.key });
    return step.step(input, routed);
  });
}
