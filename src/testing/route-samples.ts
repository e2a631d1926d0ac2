/**
 * The sample runner of a route (Tsdat's `tests/test_pipeline.py`, without a test per file): every file
 * under `data/<pipeline>/<location>/` runs through the routed step on the in-memory engine, and its
 * outputs are compared with the expected files checked in beside it, in `<sample>.expected/<bucket>/<key>`.
 * `update` rewrites the expected files (after a review of the differences). `sluice route test` runs it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { InputError, PipelineValidationError } from '../model/errors.js';
import { isRoute, type Route } from '../model/route.js';
import type { Pipeline } from '../model/pipeline.js';
import { EXPECTED_SUFFIX, routeSamples, sampleProblems } from '../bundling/route-entry.js';
import { localPipeline } from './local-pipeline.js';

/** Options of `runRouteSamples`. */
export interface RouteSamplesOptions {
  /** The route to test, by node name. @default the pipeline's only route */
  route?: string;
  /** Rewrite each sample's expected files with what it produced now. @default false */
  update?: boolean;
  /** Called after each sample. */
  onSample?: (result: SampleResult, done: number, total: number) => void;
  /** How the route's handler runs (see `localPipeline`); the CLI, which has no TypeScript loader, uses workers. @default 'in-process' */
  isolation?: 'in-process' | 'worker';
}

/** How one sample fared. */
export interface SampleResult {
  /** The sample, relative to the file declaring the route: `data/a2e_buoy_ingest/humboldt/buoy.z05….csv`. */
  sample: string;
  pipeline: string;
  location: string;
  /** `pass`: outputs equal the expected files; `fail`: they differ or the step failed; `updated`: expected files rewritten. */
  status: 'pass' | 'fail' | 'updated';
  /** The step's error, when it failed. */
  error?: string;
  /** Outputs as `<bucket>/<key>`. */
  outputs: string[];
  /** What differs from the expected files. */
  differences: Array<{ output: string; problem: 'missing' | 'unexpected' | 'changed' }>;
}

/** The whole run. */
export interface RouteSamplesReport {
  route: string;
  samples: SampleResult[];
  passed: number;
  failed: number;
  updated: number;
}

/** The route a command or test means: by name, or the only one. */
export function routeOf(pipeline: Pipeline, name?: string): Route {
  const routes = pipeline.nodesOf('fn').filter(isRoute);
  if (name !== undefined) {
    const found = routes.find((r) => r.name === name);
    if (!found) throw new InputError('SLUICE_E_ROUTE_NODE', `pipeline '${pipeline.name}' has no route '${name}' (its routes: ${routes.map((r) => r.name).join(', ') || 'none'}); pass --node with one of them`, { node: name });
    return found;
  }
  if (routes.length !== 1) {
    throw new InputError('SLUICE_E_ROUTE_NODE', routes.length === 0
      ? `pipeline '${pipeline.name}' has no route; declare one with route('ingest', { pipelines: { ... } })`
      : `pipeline '${pipeline.name}' has ${routes.length} routes (${routes.map((r) => r.name).join(', ')}); pass --node with one of them`);
  }
  return routes[0]!;
}

/** Every file under a folder, relative to it, sorted. */
function filesUnder(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), base) : [relative(base, join(dir, e.name))])).sort();
}

/** Whether two outputs are the same: JSON by value (formatting aside), anything else byte for byte. */
function same(output: string, actual: Buffer, expected: Buffer): boolean {
  if (actual.equals(expected)) return true;
  if (!output.endsWith('.json')) return false;
  try {
    return JSON.stringify(JSON.parse(actual.toString('utf8'))) === JSON.stringify(JSON.parse(expected.toString('utf8')));
  } catch {
    return false;
  }
}

/**
 * Run every sample of a route through it and compare the outputs with the expected files beside them.
 * @example const report = await runRouteSamples(pipe); assert.equal(report.failed, 0);
 */
export async function runRouteSamples(pipeline: Pipeline, options: RouteSamplesOptions = {}): Promise<RouteSamplesReport> {
  const route = routeOf(pipeline, options.route);
  const problems = sampleProblems(route);
  if (problems.length > 0) throw new PipelineValidationError(pipeline.name, problems);
  const source = pipeline.incoming(route).map((e) => e.from).find((n) => n.kind === 'bucket');
  if (!source) throw new InputError('SLUICE_E_ROUTE_NODE', `route '${route.name}' has no bucket upstream to put its samples into; wire one: bucket('incoming').to(${route.name})`, { node: route.name });
  const samples = routeSamples(route);
  const results: SampleResult[] = [];
  const local = await localPipeline(pipeline, { isolation: options.isolation ?? 'in-process' });
  try {
    for (const sample of samples) {
      await local.put(source.name, sample.file, readFileSync(sample.path));
      const report = await local.invoke(route.name, { object: { bucket: source.name, key: sample.file } });
      const produced = new Map<string, Buffer>((report.outputs ?? []).flatMap((o) => (o.type === 'object' ? [[`${o.bucket}/${o.key}`, o.body] as const] : [])));
      const expectedDir = `${sample.path}${EXPECTED_SUFFIX}`;
      const result: SampleResult = { sample: relative(route.baseDir, sample.path), pipeline: sample.pipeline, location: sample.location, status: 'pass', outputs: [...produced.keys()].sort(), differences: [] };
      if (!report.ok) {
        result.status = 'fail';
        result.error = report.error?.errorMessage ?? 'the step failed';
      } else if (options.update) {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const [output, body] of produced) {
          mkdirSync(dirname(join(expectedDir, output)), { recursive: true });
          writeFileSync(join(expectedDir, output), body);
        }
        result.status = 'updated';
      } else {
        const expected = new Set(filesUnder(expectedDir));
        for (const [output, body] of produced) {
          if (!expected.has(output)) result.differences.push({ output, problem: 'unexpected' });
          else if (!same(output, body, readFileSync(join(expectedDir, output)))) result.differences.push({ output, problem: 'changed' });
        }
        for (const output of expected) if (!produced.has(output)) result.differences.push({ output, problem: 'missing' });
        if (result.differences.length > 0) result.status = 'fail';
      }
      results.push(result);
      options.onSample?.(result, results.length, samples.length);
    }
  } finally {
    await local.close();
  }
  const count = (s: SampleResult['status']) => results.filter((r) => r.status === s).length;
  return { route: route.name, samples: results, passed: count('pass'), failed: count('fail'), updated: count('updated') };
}
