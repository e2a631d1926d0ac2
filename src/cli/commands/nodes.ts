/**
 * `sluice nodes [entry] [--stage NAME]`: every node of the pipeline with its kind, edges, settings and
 * grants, and whether the pipeline is valid; with `--stage`, also what the stage holds for each node
 * (on AWS, its deployed resources with their physical ids).
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { action, withJson } from '../common.js';
import { emit, table } from '../output.js';
import { onStage, type StageOptions } from '../stage.js';
import type { StageStatus } from '../../stage/index.js';
import type { Job } from '../../model/job.js';
import type { Fn as FnNode } from '../../model/fn.js';
import type { GlueJob } from '../../model/glue-job.js';
import type { Flow } from '../../model/flow.js';

export function registerNodes(program: Command): void {
  withJson(program.command('nodes [entry]'))
    .description('list the nodes of the pipeline, their edges and grants, and any validation problem; with --stage, what the stage holds for each')
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--stage <name>', "also show what this stage holds for each node: 'local', or an AWS stage (its physical ids)")
    .option('--state <dir>', 'the local state folder (default: .sluice/local beside the pipeline file)')
    .action(action(async (entryArg: string | undefined, options: StageOptions) => {
      const [{ loadPipeline }, { grantsOf }, { Fn }, { missingHandlerFile }] = await Promise.all([
        import('../load.js'), import('../../model/permissions.js'), import('../../model/fn.js'), import('../../bundling/handler-file.js'),
      ]);
      const { pipeline, entry } = await loadPipeline(entryArg ?? options.entry);
      const status: StageStatus | undefined = options.stage ? await onStage(options, (stage) => stage.status(), entryArg) : undefined;
      const held = new Map(status?.nodes.map((n) => [n.node, n]));
      const nodes = [...pipeline.nodes.values()].map((n) => ({
        name: n.name,
        kind: n.kind,
        to: pipeline.outgoing(n).map((e) => ({ node: e.to.name, ...(Object.keys(e.options).length ? { options: e.options } : {}) })),
        from: pipeline.incoming(n).map((e) => e.from.name),
        ...(n instanceof Fn || n.kind === 'job' ? { handler: (n as FnNode | Job).handlerPath } : {}),
        ...(n instanceof Fn || n.kind === 'job' || n.kind === 'glueJob' || n.kind === 'flow' ? { grants: grantsOf(pipeline, n as FnNode | Job | GlueJob | Flow).map((g) => ({ node: g.node.name, use: g.use, actions: g.actions })) } : {}),
        ...(status ? { resources: (held.get(n.name)?.resources ?? []).map((r) => ({ part: r.part, type: r.type, physicalId: r.physicalId ?? null })) } : {}),
      }));
      // A missing handler file is a problem `run` and `dev` refuse to start with; without it here,
      // `nodes` called such a pipeline valid. (Only the file's existence: building it is run's job.)
      const problems = [...pipeline.validate(), ...[...pipeline.nodesOf('fn'), ...pipeline.nodesOf('job')].flatMap((fn) => (typeof fn.props?.handler === 'string' || fn.props?.handler instanceof URL ? missingHandlerFile(fn) ?? [] : []))];
      const stageFields = status ? { stage: status.stage, ...(status.stack ? { stack: status.stack.name, stackStatus: status.stack.status ?? null } : {}) } : {};
      emit(options, { pipeline: pipeline.name, entry, ...stageFields, nodes, problems }, () => {
        const lines = [`${pc.bold(pipeline.name)} ${pc.dim(entry)}${status ? pc.dim(` · stage ${status.stage} · ${status.where}${status.deployed ? '' : ' (not deployed)'}`) : ''}`];
        if (status) {
          const rows = nodes.flatMap((n) => ((n.resources ?? []).length ? n.resources! : [{ part: '', physicalId: status.deployed ? '' : pc.dim('(not deployed)') }]).map((r, i) => [i === 0 ? n.name : '', i === 0 ? n.kind : '', i === 0 ? n.to.map((t) => t.node).join(', ') : '', r.part, r.physicalId ?? '']));
          lines.push(table(rows, ['node', 'kind', 'to', 'resource', 'physical id']));
        } else {
          const rows = nodes.map((n) => [n.name, n.kind, n.from.join(', '), n.to.map((t) => t.node + (t.options ? ` ${JSON.stringify(t.options)}` : '')).join(', '), 'grants' in n ? n.grants!.map((g) => `${g.use} ${g.node}`).join(', ') : '']);
          lines.push(table(rows, ['node', 'kind', 'from', 'to', 'grants']));
        }
        lines.push(problems.length ? `\n${pc.red(`${problems.length} problem(s):`)}\n${problems.map((p) => `  - ${p.message} [${p.code}]`).join('\n')}` : `\n${pc.green('valid')}`);
        return lines.join('\n');
      });
      if (problems.length) process.exitCode = 2;
    }));
}
