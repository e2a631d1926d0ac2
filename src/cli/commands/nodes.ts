/**
 * `sluice nodes [entry]`: every node of the pipeline with its kind, edges and settings, and whether
 * the pipeline is valid.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { emit, table } from '../output.js';
import { loadPipeline } from '../load.js';
import { grantsOf } from '../../model/permissions.js';
import { Fn } from '../../model/fn.js';
import { missingHandlerFile } from '../../engine/invoker.js';
import { withStage } from '../common.js';
import { remoteNodes } from '../remote.js';

export function registerNodes(program: Command): void {
  withStage(withJson(program.command('nodes [entry]')))
    .description('list the nodes of the pipeline, their edges and grants, and any validation problem')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .action(action(async (entryArg: string | undefined, options: { entry?: string; stage?: string; json?: boolean }) => {
      if (options.stage && options.stage !== 'local') return remoteNodes(entryArg, options);
      const { pipeline, entry } = await loadPipeline(entryArg ?? options.entry);
      const nodes = [...pipeline.nodes.values()].map((n) => ({
        name: n.name,
        kind: n.kind,
        to: pipeline.outgoing(n).map((e) => ({ node: e.to.name, ...(Object.keys(e.options).length ? { options: e.options } : {}) })),
        from: pipeline.incoming(n).map((e) => e.from.name),
        ...(n instanceof Fn ? { handler: n.handlerPath, grants: grantsOf(pipeline, n).map((g) => ({ node: g.node.name, use: g.use, actions: g.actions })) } : {}),
      }));
      // A missing handler file is a problem `run` and `dev` refuse to start with; without it here,
      // `nodes` called such a pipeline valid. (Only the file's existence: building it is run's job.)
      const problems = [...pipeline.validate(), ...pipeline.nodesOf('fn').flatMap((fn) => (typeof fn.props?.handler === 'string' || fn.props?.handler instanceof URL ? missingHandlerFile(fn) ?? [] : []))];
      emit(options, { pipeline: pipeline.name, entry, nodes, problems }, () => {
        const rows = nodes.map((n) => [n.name, n.kind, n.from.join(', '), n.to.map((t) => t.node + (t.options ? ` ${JSON.stringify(t.options)}` : '')).join(', '), 'grants' in n ? n.grants!.map((g) => `${g.use} ${g.node}`).join(', ') : '']);
        const lines = [`${pc.bold(pipeline.name)} ${pc.dim(entry)}`, table(rows, ['node', 'kind', 'from', 'to', 'grants'])];
        lines.push(problems.length ? `\n${pc.red(`${problems.length} problem(s):`)}\n${problems.map((p) => `  - ${p.message} [${p.code}]`).join('\n')}` : `\n${pc.green('valid')}`);
        return lines.join('\n');
      });
      if (problems.length) process.exitCode = 2;
    }));
}
