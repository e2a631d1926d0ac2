/**
 * `route`: one step in front of many ingest pipelines (Tsdat's AWS template). Each incoming file is
 * routed, by its file name, to one pipeline (a pattern per pipeline) and one of that pipeline's
 * locations (a pattern per location), whose handler then runs with that location's configuration.
 *
 * A route is a function (`kind: 'fn'`): locally a worker, on AWS one Lambda function whose handler is a
 * small generated entry that imports every pipeline's handler (src/bundling/route-entry.ts), so it
 * takes every edge, grant, retry and failure destination a function has. The routing table itself
 * (`RouteTable`) is pure and precompiled: the CLI's dry run, the sample runner, the engine and the
 * Lambda entry all route with the same code.
 */
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fn, type FnProps } from './fn.js';
import { callerFile } from './caller.js';
import type { Problem } from './errors.js';

/** A file-name pattern: a regular expression, or its source text. */
export type RoutePattern = RegExp | string;

/** One pipeline behind a route. */
export interface RoutedPipelineProps {
  /** Which files this pipeline takes: tested against the file name (the key's last segment). */
  match: RoutePattern;
  /**
   * The pipeline's locations, each a pattern tested against the file name of a file the pipeline
   * takes; the first location that matches wins. A pipeline with one location may reuse `match`.
   */
  locations: Record<string, RoutePattern>;
  /**
   * The handler file (relative to the file declaring the route): a `component()` whose `config`
   * schema checks each location's configuration file.
   */
  handler: string | URL;
  /**
   * Each location's configuration file, YAML (`.yaml`, `.yml`) or JSON (`.json`), relative to the file
   * declaring the route; `{location}` stands for the location's name. Read at build time and bundled.
   * @default no configuration: the handler's `ctx.config` is `{}`
   */
  config?: string;
}

/** Props of a route: a function's (without `handler`, which the route generates) and its pipelines. */
export interface RouteProps extends Omit<FnProps, 'handler'> {
  /** The pipelines, by name (`a2e_buoy_ingest`); each file is routed to the first whose `match` matches. */
  pipelines: Record<string, RoutedPipelineProps>;
  /**
   * The sample data folder, laid out as `<samples>/<pipeline>/<location>/<files>`, relative to the file
   * declaring the route. Every sample must route to its own pipeline and location, and to no other.
   * @default 'data'
   */
  samples?: string;
}

/** Where a file goes: its pipeline and location. */
export interface RouteHit {
  readonly pipeline: string;
  readonly location: string;
}

/** Why a file goes nowhere: the patterns it was tried against. */
export interface RouteMiss {
  file: string;
  /** `pipeline` patterns when no pipeline took it; else the chosen pipeline's location patterns. */
  stage: 'pipeline' | 'location';
  pipeline?: string;
  tried: Array<{ name: string; pattern: string }>;
}

/** A compiled pattern: `test` never depends on a previous call (no `g`/`y` state). */
interface Compiled {
  name: string;
  regex: RegExp;
  source: string;
}

/** A location's compiled pattern, with the (frozen, shared) result of routing to it: no allocation per file. */
interface CompiledLocation extends Compiled {
  hit: RouteHit;
}

/** A pipeline's compiled patterns. */
interface CompiledPipeline extends Compiled {
  locations: CompiledLocation[];
}

/** The text of a pattern as users wrote it: `/buoy\..*\.csv$/`. */
export function patternText(pattern: RoutePattern): string {
  return pattern instanceof RegExp ? String(pattern) : `/${pattern}/`;
}

/** Compile one pattern; a string is a regular expression's source. `g` and `y` are dropped: they make `test` stateful. */
function compile(pattern: unknown): RegExp | string {
  if (pattern instanceof RegExp) return pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
  if (typeof pattern !== 'string' || pattern === '') return `must be a regular expression or its source text (given ${JSON.stringify(pattern) ?? String(pattern)})`;
  try {
    return new RegExp(pattern);
  } catch (error) {
    return `is not a valid regular expression (given ${JSON.stringify(pattern)}): ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

/**
 * A route's patterns, compiled once. `route(name)` is what runs per file: one test per pipeline until
 * one matches, then one per location of that pipeline.
 */
export class RouteTable {
  private readonly pipelines: CompiledPipeline[] = [];
  /** Problems found while compiling (invalid patterns), named by field. */
  readonly problems: Array<{ field: string; message: string }> = [];

  constructor(pipelines: Record<string, { match: unknown; locations: unknown }>) {
    for (const [name, p] of Object.entries(pipelines ?? {})) {
      const match = compile(p?.match);
      if (typeof match === 'string') this.problems.push({ field: `pipelines.${name}.match`, message: `pipelines.${name}.match ${match}` });
      const locations: CompiledLocation[] = [];
      const given = p?.locations;
      if (given === null || typeof given !== 'object' || Array.isArray(given) || Object.keys(given).length === 0) {
        this.problems.push({ field: `pipelines.${name}.locations`, message: `pipelines.${name}.locations must name at least one location and its pattern, e.g. { humboldt: /\\.z05\\./ }` });
      } else {
        for (const [location, pattern] of Object.entries(given as Record<string, unknown>)) {
          const regex = compile(pattern);
          if (typeof regex === 'string') this.problems.push({ field: `pipelines.${name}.locations.${location}`, message: `pipelines.${name}.locations.${location} ${regex}` });
          else locations.push({ name: location, regex, source: patternText(regex), hit: Object.freeze({ pipeline: name, location }) });
        }
      }
      if (typeof match !== 'string') this.pipelines.push({ name, regex: match, source: patternText(match), locations });
    }
  }

  /**
   * The pipeline and location of a file, by its name (a key's last segment), or why none.
   * @example new RouteTable({ buoy: { match: /^buoy\./, locations: { humboldt: /\.z05\./ } } }).route('buoy.z05.00.csv')
   */
  route(key: string): RouteHit | RouteMiss {
    const slash = key.lastIndexOf('/');
    const file = slash < 0 ? key : key.slice(slash + 1);
    for (const p of this.pipelines) {
      if (!p.regex.test(file)) continue;
      for (const l of p.locations) if (l.regex.test(file)) return l.hit;
      return { file, stage: 'location', pipeline: p.name, tried: p.locations.map((l) => ({ name: l.name, pattern: l.source })) };
    }
    return { file, stage: 'pipeline', tried: this.pipelines.map((p) => ({ name: p.name, pattern: p.source })) };
  }

  /** Every pipeline and, within each, every location that matches a file name: more than one of either is ambiguous. */
  allMatches(key: string): { pipelines: string[]; locations: Record<string, string[]> } {
    const file = basename(key);
    const pipelines: string[] = [];
    const locations: Record<string, string[]> = {};
    for (const p of this.pipelines) {
      if (!p.regex.test(file)) continue;
      pipelines.push(p.name);
      locations[p.name] = p.locations.filter((l) => l.regex.test(file)).map((l) => l.name);
    }
    return { pipelines, locations };
  }

  /** The pipelines and their locations, in routing order. */
  get names(): Array<{ pipeline: string; pattern: string; locations: Array<{ name: string; pattern: string }> }> {
    return this.pipelines.map((p) => ({ pipeline: p.name, pattern: p.source, locations: p.locations.map((l) => ({ name: l.name, pattern: l.source })) }));
  }
}

/** Whether a routing result found a pipeline and location. */
export function isRouteHit(result: RouteHit | RouteMiss): result is RouteHit {
  return 'location' in result && !('tried' in result);
}

/** A miss, in words: the file and every pattern it was tried against. */
export function describeMiss(miss: RouteMiss): string {
  const tried = miss.tried.map((t) => `${t.name} ${t.pattern}`).join(', ');
  return miss.stage === 'pipeline'
    ? `file '${miss.file}' matches no pipeline's pattern (tried ${tried || 'none'})`
    : `file '${miss.file}' matches pipeline '${miss.pipeline}' but none of its locations (tried ${tried || 'none'})`;
}

const NAME = /^[A-Za-z0-9_-]+$/;

/** A routed step: a function whose handler the route generates from its pipelines. */
export class Route extends Fn {
  /** The compiled routing table. */
  readonly table: RouteTable;

  constructor(name: string, readonly routeProps: RouteProps, declaredIn: string | undefined) {
    const { pipelines: _pipelines, samples: _samples, ...fnProps } = routeProps ?? ({} as RouteProps);
    // The handler is generated beside the declaring file (src/bundling/route-entry.ts writes it).
    super(name, { ...fnProps, handler: routeEntryPath(name, declaredIn) }, declaredIn);
    this.table = new RouteTable(routeProps?.pipelines ?? {});
  }

  /**
   * The generated entry, once written: its name carries a hash of its text, so two routes of one name
   * (tests) never share a file and an in-process import never sees a stale copy.
   */
  preparedEntry: string | undefined;

  override get handlerPath(): string {
    return this.preparedEntry ?? super.handlerPath;
  }

  /** The folder relative paths resolve against: the declaring file's. */
  get baseDir(): string {
    return this.declaredIn ? dirname(this.declaredIn) : process.cwd();
  }

  /** The sample data folder (absolute). */
  get samplesDir(): string {
    return resolve(this.baseDir, this.routeProps.samples ?? 'data');
  }

  /** A pipeline's handler file (absolute). */
  pipelineHandler(pipeline: string): string {
    const h = this.routeProps.pipelines[pipeline]?.handler;
    if (h instanceof URL) return fileURLToPath(h);
    if (typeof h !== 'string') return '';
    if (h.startsWith('file:')) return fileURLToPath(h);
    return isAbsolute(h) ? h : resolve(this.baseDir, h);
  }

  /** A location's configuration file (absolute), or undefined when the pipeline takes none. */
  configFile(pipeline: string, location: string): string | undefined {
    const template = this.routeProps.pipelines[pipeline]?.config;
    if (typeof template !== 'string') return undefined;
    const path = template.split('{location}').join(location);
    return isAbsolute(path) ? path : resolve(this.baseDir, path);
  }

  override problems(): Problem[] {
    const problems = super.problems().filter((p) => p.field !== 'handler');
    const add = (code: Problem['code'], field: string, message: string) => problems.push({ code, node: this.name, field, message: `${this}: ${message}` });
    const pipelines = this.routeProps?.pipelines;
    if (pipelines === null || typeof pipelines !== 'object' || Array.isArray(pipelines) || Object.keys(pipelines).length === 0) {
      add('SLUICE_E_ROUTE_PROPS', 'pipelines', `pipelines must name at least one pipeline, e.g. route('${this.name}', { pipelines: { buoy: { match: /^buoy\\./, locations: { humboldt: /\\.z05\\./ }, handler: './pipelines/buoy.ts' } } })`);
      return problems;
    }
    for (const [name, p] of Object.entries(pipelines)) {
      if (!NAME.test(name)) add('SLUICE_E_ROUTE_PROPS', `pipelines.${name}`, `pipeline name '${name}' must be letters, digits, hyphens and underscores (it names a sample folder and an output prefix)`);
      for (const location of Object.keys(p?.locations ?? {})) {
        if (!NAME.test(location)) add('SLUICE_E_ROUTE_PROPS', `pipelines.${name}.locations.${location}`, `location name '${location}' must be letters, digits, hyphens and underscores`);
      }
      if (typeof p?.handler !== 'string' && !(p?.handler instanceof URL)) add('SLUICE_E_ROUTE_PROPS', `pipelines.${name}.handler`, `pipelines.${name}.handler is required: the pipeline's handler file, e.g. './pipelines/${name}/pipeline.ts'`);
      if (p?.config !== undefined && (typeof p.config !== 'string' || !/\.(ya?ml|json)$/i.test(p.config))) {
        add('SLUICE_E_ROUTE_PROPS', `pipelines.${name}.config`, `pipelines.${name}.config must be a .yaml, .yml or .json path, with {location} for the location's name (given ${JSON.stringify(p.config)})`);
      }
    }
    for (const p of this.table.problems) add('SLUICE_E_ROUTE_PATTERN', p.field, p.message);
    return problems;
  }
}

/**
 * Where a route's generated handler entries live: beside the declaring file, under
 * `.sluice/cache/routes/`, as `<name>-<hash>.entry.ts` (see `Route.preparedEntry`); before the entry is
 * written, the route's handler names `<name>.entry.ts` there.
 */
export function routeEntryPath(name: string, declaredIn: string | undefined, hash?: string): string {
  return join(declaredIn ? dirname(declaredIn) : process.cwd(), '.sluice', 'cache', 'routes', `${name}${hash ? `-${hash}` : ''}.entry.ts`);
}

/** Whether a node is a route. */
export function isRoute(node: unknown): node is Route {
  return node instanceof Route;
}

/**
 * Declare a routed step: each file that reaches it runs the one pipeline and location its name matches,
 * with that location's configuration. Wire it like a function: `raw.to(ingest).to(curated)`.
 * @example
 * const ingest = route('ingest', {
 *   pipelines: {
 *     a2e_buoy_ingest: { match: /^buoy\..*\.csv$/, locations: { humboldt: /\.z05\./, morro: /\.z06\./ },
 *       handler: './pipelines/a2e_buoy_ingest/pipeline.ts', config: './pipelines/a2e_buoy_ingest/config/{location}.yaml' },
 *   },
 * });
 */
export function route(name: string, props: RouteProps): Route {
  return new Route(name, props, callerFile());
}
