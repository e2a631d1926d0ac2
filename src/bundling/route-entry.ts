/**
 * A route's handler entry: a small generated module that imports every pipeline's handler statically
 * and carries each location's configuration (read from its YAML or JSON file now, so the Lambda bundle
 * needs no file at run time), and exports the router (src/runtime/route.ts). Written beside the
 * declaring file, under `.sluice/cache/routes/<route>.entry.ts`, only when its text changed, so the
 * bundle cache keeps working. Preparing it also checks the route's sample data: every file under
 * `data/<pipeline>/<location>/` must route to that pipeline and location, and be matched by no other.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Problem } from '../model/errors.js';
import { isRouteHit, describeMiss, routeEntryPath, type Route } from '../model/route.js';
import { createHash } from 'node:crypto';

/** One sample file of a route: where it lives and where its folder says it belongs. */
export interface RouteSample {
  pipeline: string;
  location: string;
  /** Absolute path. */
  path: string;
  /** The file's name. */
  file: string;
}

/** Folders beside samples that hold expected outputs, not samples: `<sample>.expected/`. */
export const EXPECTED_SUFFIX = '.expected';

/** Every sample file of a route, `<samples>/<pipeline>/<location>/<file>` (expected-output folders excluded). */
export function routeSamples(route: Route): RouteSample[] {
  const root = route.samplesDir;
  const samples: RouteSample[] = [];
  if (!existsSync(root)) return samples;
  const dirs = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  for (const pipeline of dirs(root)) {
    for (const location of dirs(join(root, pipeline))) {
      const folder = join(root, pipeline, location);
      for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (!entry.isFile() || entry.name.startsWith('.')) continue;
        samples.push({ pipeline, location, path: join(folder, entry.name), file: entry.name });
      }
    }
  }
  return samples;
}

/**
 * The problems of a route's samples: a sample matched by two pipelines or two locations, or routed
 * elsewhere than its folder, or nowhere.
 */
export function sampleProblems(route: Route): Problem[] {
  const problems: Problem[] = [];
  for (const sample of routeSamples(route)) {
    const where = relative(route.baseDir, sample.path);
    const all = route.table.allMatches(sample.file);
    const add = (message: string) => problems.push({ code: 'SLUICE_E_ROUTE_SAMPLE', node: route.name, field: where, message: `${route}: sample '${where}' ${message}` });
    if (all.pipelines.length > 1) {
      add(`is matched by ${all.pipelines.length} pipelines (${all.pipelines.join(', ')}); narrow their patterns so one file goes to one pipeline`);
      continue;
    }
    const ambiguous = Object.entries(all.locations).find(([, ls]) => ls.length > 1);
    if (ambiguous) {
      add(`is matched by ${ambiguous[1].length} locations of pipeline '${ambiguous[0]}' (${ambiguous[1].join(', ')}); narrow their patterns so one file has one location`);
      continue;
    }
    const hit = route.table.route(sample.file);
    if (!isRouteHit(hit)) add(`routes nowhere: ${describeMiss(hit)}`);
    else if (hit.pipeline !== sample.pipeline || hit.location !== sample.location) add(`lies under ${sample.pipeline}/${sample.location}/ but routes to ${hit.pipeline}/${hit.location}; fix the patterns or move the file`);
  }
  return problems;
}

/** A location's configuration read from its file, or the problem with it. */
export function readLocationConfig(route: Route, pipeline: string, location: string): { file: string; value: unknown } | Problem | undefined {
  const path = route.configFile(pipeline, location);
  if (!path) return undefined;
  const file = relative(route.baseDir, path);
  const problem = (message: string): Problem => ({ code: 'SLUICE_E_ROUTE_CONFIG_FILE', node: route.name, field: `pipelines.${pipeline}.config`, message: `${route}: ${message}` });
  if (!existsSync(path)) return problem(`the configuration file of pipeline '${pipeline}', location '${location}' does not exist (looked at ${path}); create ${file}`);
  const text = readFileSync(path, 'utf8');
  try {
    return { file, value: /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text) ?? {} };
  } catch (error) {
    return problem(`${file} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The entry module's text: static imports of every pipeline handler and the router over them. */
export function routeEntrySource(route: Route, configs: Map<string, { file: string; value: unknown } | undefined>): string {
  const names = route.table.names;
  const imports = names.map((p, i) => `import * as pipeline${i} from ${JSON.stringify(route.pipelineHandler(p.pipeline))};`);
  const regex = (text: string) => {
    const end = text.lastIndexOf('/');
    return { source: text.slice(1, end), flags: text.slice(end + 1) };
  };
  const table = names.map((p, i) => `  { name: ${JSON.stringify(p.pipeline)}, match: ${JSON.stringify(regex(p.pattern))}, module: pipeline${i}, locations: [\n${p.locations.map((l) => {
    const config = configs.get(`${p.pipeline}\0${l.name}`);
    return `    { name: ${JSON.stringify(l.name)}, ...${JSON.stringify(regex(l.pattern))}${config ? `, config: ${JSON.stringify(config)}` : ''} },`;
  }).join('\n')}\n  ] },`);
  return [
    `// Generated by sluice from route '${route.name}' (${route.declaredIn ?? 'unknown file'}): do not edit.`,
    `import { router } from 'sluice/runtime';`,
    ...imports,
    '',
    `export default router(${JSON.stringify(route.name)}, [`,
    ...table,
    ']);',
    '',
  ].join('\n');
}

/**
 * Write a route's entry (when its text changed) after checking its pipelines' handler and config
 * files and its samples; the problems found, none when the entry is ready.
 */
export function prepareRouteEntry(route: Route): Problem[] {
  const problems: Problem[] = route.problems().filter((p) => p.code.startsWith('SLUICE_E_ROUTE_'));
  if (problems.length > 0) return problems;
  const configs = new Map<string, { file: string; value: unknown } | undefined>();
  for (const p of route.table.names) {
    const handler = route.pipelineHandler(p.pipeline);
    if (!existsSync(handler)) problems.push({ code: 'SLUICE_E_HANDLER_MISSING', node: route.name, field: `pipelines.${p.pipeline}.handler`, message: `${route}: the handler file of pipeline '${p.pipeline}' does not exist (looked at ${handler}); create it or fix the path, which is relative to the file declaring the route` });
    for (const l of p.locations) {
      const config = readLocationConfig(route, p.pipeline, l.name);
      if (config && 'code' in config) problems.push(config);
      else configs.set(`${p.pipeline}\0${l.name}`, config);
    }
  }
  problems.push(...sampleProblems(route));
  if (problems.length > 0) return problems;
  const text = routeEntrySource(route, configs);
  const entry = routeEntryPath(route.name, route.declaredIn, createHash('sha256').update(text).digest('hex').slice(0, 12));
  if (!existsSync(entry) || readFileSync(entry, 'utf8') !== text) {
    mkdirSync(dirname(entry), { recursive: true });
    const temp = `${entry}.${process.pid}.tmp`;
    writeFileSync(temp, text);
    renameSync(temp, entry);
  }
  route.preparedEntry = entry;
  return [];
}
