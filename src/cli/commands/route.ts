/**
 * `sluice route <filename>... [--json]`: a dry run of a route: for each file name, the pipeline, the
 * location and the configuration file that would be used, or why none (the patterns it was tried
 * against). `sluice route test [--update]`: every sample under `data/<pipeline>/<location>/` through
 * the route on the in-memory engine, outputs compared with the expected files checked in beside them.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { emit, progress, table, type GlobalOptions } from '../output.js';
import { InputError } from '../../model/errors.js';

interface RouteOptions extends GlobalOptions {
  entry?: string;
  node?: string;
  update?: boolean;
}

/** One file's dry run. */
interface RoutedFile {
  file: string;
  pipeline: string | null;
  location: string | null;
  configFile: string | null;
  /** Why the file goes nowhere, or why its config file cannot be used. */
  problem?: string;
  /** Every pipeline (and its locations) the name matches, when more than one would: only the first is used. */
  alsoMatches?: string[];
}

export function registerRoute(program: Command): void {
  const routeCommand = withJson(program.command('route'))
    .argument('<files...>', 'file names (or keys) to route')
    .description('dry run of a route: the pipeline, location and config file each file name would use, or why none')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--node <name>', "the route to use, when the pipeline has several (default: its only route)")
    .action(action(async (files: string[], options: RouteOptions) => {
      const [{ loadPipeline }, { routeOf }, { isRouteHit, describeMiss }, { readLocationConfig }] = await Promise.all([
        import('../load.js'), import('../../testing/route-samples.js'), import('../../model/route.js'), import('../../bundling/route-entry.js'),
      ]);
      const { pipeline } = await loadPipeline(options.entry);
      const route = routeOf(pipeline, options.node);
      const results: RoutedFile[] = files.map((file) => {
        const hit = route.table.route(file);
        if (!isRouteHit(hit)) return { file, pipeline: null, location: null, configFile: null, problem: describeMiss(hit) };
        const config = readLocationConfig(route, hit.pipeline, hit.location);
        const all = route.table.allMatches(file);
        const others = all.pipelines.flatMap((p) => all.locations[p]!.map((l) => `${p}/${l}`)).filter((m) => m !== `${hit.pipeline}/${hit.location}`);
        return {
          file, pipeline: hit.pipeline, location: hit.location,
          configFile: config ? ('code' in config ? relative(process.cwd(), route.configFile(hit.pipeline, hit.location)!) : config.file) : null,
          ...(config && 'code' in config ? { problem: config.message } : {}),
          ...(others.length ? { alsoMatches: others } : {}),
        };
      });
      emit(options, { route: route.name, files: results }, () => {
        const rows = results.map((r) => [r.file, r.pipeline ?? pc.red('none'), r.location ?? '', r.configFile ?? '', [r.problem, r.alsoMatches ? `also matches ${r.alsoMatches.join(', ')} (the first pipeline wins)` : ''].filter(Boolean).join('; ')]);
        return table(rows, ['file', 'pipeline', 'location', 'config', 'note']);
      });
      if (results.some((r) => r.problem)) process.exitCode = 1;
    }));

  withJson(routeCommand.command('test'))
    .description('run every sample under data/<pipeline>/<location>/ through the route and compare its outputs with the expected files beside it (<sample>.expected/)')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--node <name>', 'the route to test, when the pipeline has several (default: its only route)')
    .option('--update', "rewrite each sample's expected files with what it produces now (review the differences first)")
    .action(action(async (own: RouteOptions, command: Command) => {
      // `--entry`, `--node` and `--json` given after `test` may be parsed by `route` itself.
      const options = command.optsWithGlobals<RouteOptions>();
      const [{ loadPipeline }, { runRouteSamples }] = await Promise.all([import('../load.js'), import('../../testing/route-samples.js')]);
      const { pipeline } = await loadPipeline(options.entry);
      const report = await runRouteSamples(pipeline, {
        route: options.node, update: options.update, isolation: 'worker',
        onSample: (r, done, total) => progress(options, `[${done}/${total}] ${r.status} ${r.sample}`),
      });
      emit(options, report, () => {
        const lines = report.samples.map((s) => {
          const mark = s.status === 'pass' ? pc.green('pass') : s.status === 'updated' ? pc.yellow('updated') : pc.red('FAIL');
          const details = s.error ? [`    ${s.error}`] : s.differences.map((d) => `    ${d.problem} ${d.output}`);
          return [`${mark} ${s.sample} -> ${s.pipeline}/${s.location} (${s.outputs.length} outputs)`, ...details].join('\n');
        });
        lines.push(`${report.samples.length} samples: ${report.passed} passed, ${report.failed} failed${report.updated ? `, ${report.updated} updated` : ''}`);
        if (report.failed && !options.update) lines.push(pc.dim('after reviewing the differences, sluice route test --update rewrites the expected files'));
        return lines.join('\n');
      });
      if (report.failed > 0) {
        const first = report.samples.find((s) => s.status === 'fail')!;
        if (options.json) process.exitCode = 1;
        else throw new InputError('SLUICE_E_ROUTE_EXPECTED', `route '${report.route}': ${report.failed} sample(s) did not produce their expected outputs, first ${first.sample}${first.error ? `: ${first.error}` : ''}`);
      }
    }));
}
