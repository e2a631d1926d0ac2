/**
 * `sluice plot [entry] [--format svg|png|dot|mermaid] [--out FILE] [--branch NAME... | --branches]
 * [--stage S]`: draw the pipeline, every node with its kind and every edge with its meaning, flows
 * around their jobs, and the branches asked for beside main (src/console/branch-graph.ts). SVG and PNG are laid out by ELK
 * (src/console/layout.ts, the same layout the console draws); PNG is rendered from the SVG by resvg,
 * without a browser; DOT and Mermaid are text for Graphviz and Markdown.
 */
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { InputError } from '../../model/errors.js';
import { action, withJson } from '../common.js';
import { emit } from '../output.js';

/** The formats `sluice plot` writes. */
export const PLOT_FORMATS = ['svg', 'png', 'dot', 'mermaid'] as const;
type PlotFormat = (typeof PLOT_FORMATS)[number];

const BY_EXTENSION: Record<string, PlotFormat> = { '.svg': 'svg', '.png': 'png', '.dot': 'dot', '.gv': 'dot', '.mmd': 'mermaid', '.mermaid': 'mermaid' };

interface PlotOptions {
  entry?: string;
  format?: string;
  out?: string;
  json?: boolean;
  branch?: string[];
  branches?: boolean;
  stage?: string;
  state?: string;
}

/** Commander's collector for a repeatable option. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * The branch plans to draw beside main: each `--branch NAME` (SLUICE_E_BRANCH_UNKNOWN, listing the
 * stage's branches, for one it has not recorded), or every recorded branch of the stage with `--branches`.
 */
async function branchPlans(entry: string, options: PlotOptions): Promise<Array<import('../../branch/plan.js').BranchPlan>> {
  if (!options.branches && !options.branch?.length) return [];
  const stage = options.stage ?? 'local';
  const [{ checkStageNotBranch }, { readBranchRecord, listBranchRecords }, { branchesDirFor }] = await Promise.all([import('../../branch/names.js'), import('../../branch/state.js'), import('../branch-context.js')]);
  checkStageNotBranch(stage);
  const dir = branchesDirFor(entry, stage, options.state);
  if (options.branches) return listBranchRecords(dir).map((r) => r.plan);
  return [...new Set(options.branch)].map((name) => readBranchRecord(dir, name, stage).plan);
}

/** The format asked for: `--format`, else the `--out` file's extension, else SVG. */
function formatOf(options: PlotOptions): PlotFormat {
  const given = options.format ?? (options.out ? BY_EXTENSION[extname(options.out).toLowerCase()] ?? extname(options.out) : 'svg');
  if (!(PLOT_FORMATS as readonly string[]).includes(given)) {
    throw new InputError('SLUICE_E_PLOT_FORMAT', `sluice plot draws svg, png, dot or mermaid (given ${options.format ? `--format '${options.format}'` : `--out '${options.out}', whose extension says none of them`}); pass --format svg|png|dot|mermaid`, { field: '--format', given, expected: PLOT_FORMATS.join(' | ') });
  }
  return given as PlotFormat;
}

/**
 * Register `sluice plot`.
 * @example sluice plot examples/medallion/pipeline.ts --out medallion.png
 */
export function registerPlot(program: Command): void {
  withJson(program.command('plot [entry]'))
    .description('draw the pipeline: nodes with their kind, edges with their meaning, flows around their jobs')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--format <format>', 'svg, png, dot (Graphviz) or mermaid (default: from --out\'s extension, else svg)')
    .option('--out <file>', 'write the drawing to this file (default: print it; redirect a png to a file)')
    .option('--branch <name>', 'also draw this branch of the stage beside main (its copies in a box, dashed edges from what it reads of main); repeat for more', collect)
    .option('--branches', 'also draw every recorded branch of the stage beside main')
    .option('--stage <name>', "the stage whose branches --branch names ('local' or an AWS stage)", 'local')
    .option('--state <dir>', 'the local state folder holding the branches (default: .sluice/local beside the pipeline file)')
    .action(action(async (entryArg: string | undefined, options: PlotOptions) => {
      const format = formatOf(options);
      const [{ loadPipeline }, { pipelineGraph }, { withBranches }] = await Promise.all([import('../load.js'), import('../../console/graph.js'), import('../../console/branch-graph.js')]);
      const { pipeline, entry } = await loadPipeline(entryArg ?? options.entry);
      const plans = await branchPlans(entry, options);
      if (options.branches && plans.length === 0) process.stderr.write(`stage '${options.stage ?? 'local'}' has no branches to draw; make one with: sluice branch create <node> <name>\n`);
      const graph = withBranches(pipelineGraph(pipeline), plans);
      const bytes = await draw(graph, format);
      const summary = { pipeline: pipeline.name, entry, format, nodes: graph.nodes.length, edges: graph.edges.length, flows: graph.groups.filter((g) => !g.branch).length, branches: plans.map((p) => p.name) };
      if (!options.out) {
        if (options.json && format !== 'png') emit(options, { ...summary, drawing: bytes.toString('utf8') }, () => '');
        else process.stdout.write(bytes);
        return;
      }
      const out = resolve(options.out);
      writeFileSync(out, bytes);
      emit(options, { ...summary, out, bytes: bytes.byteLength }, () => `${pc.bold(pipeline.name)}: ${graph.nodes.length} nodes, ${graph.edges.length} edges drawn to ${out} (${format}, ${(bytes.byteLength / 1024).toFixed(1)} KB)`);
    }));
}

/** The drawing's bytes in a format. */
async function draw(graph: import('../../console/graph.js').PipelineGraph, format: PlotFormat): Promise<Buffer> {
  if (format === 'dot') return Buffer.from((await import('../../console/text-formats.js')).renderDot(graph));
  if (format === 'mermaid') return Buffer.from((await import('../../console/text-formats.js')).renderMermaid(graph));
  const [{ layoutGraph }, { renderSvg }] = await Promise.all([import('../../console/layout.js'), import('../../console/svg.js')]);
  const svg = renderSvg(await layoutGraph(graph));
  if (format === 'svg') return Buffer.from(svg);
  const { svgToPng } = await import('../../console/png.js');
  return svgToPng(svg);
}
