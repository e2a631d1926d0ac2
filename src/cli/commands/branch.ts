/**
 * `sluice branch create|plan|deploy|trigger|deltas|list|destroy|delete`: develop a node on real
 * upstream data in isolation. A branch from a node copies it and everything downstream as a stage of
 * its own (`<stage>--<name>`), is fed by replaying main's upstream data (all or a sample), and its
 * outputs are compared with main's. Written once against the stage's `BranchBackend`.
 */
import type { Command } from 'commander';
import { action } from '../common.js';
import { emit, progress, table } from '../output.js';
import { withStageOptions } from '../stage.js';
import { branchContext, formatBytes, suffix, type BranchCliOptions } from '../branch-context.js';
import { registerBranchDeltas } from './branch-deltas.js';
import { BranchError } from '../../branch/errors.js';
import type { BranchPlan } from '../../branch/plan.js';
import type { Pipeline } from '../../model/pipeline.js';
import type { BranchRecord } from '../../branch/state.js';

interface TriggerCliOptions extends BranchCliOptions {
  sample?: string;
  keys?: string;
  since?: string;
  wait?: boolean;
}

/**
 * Register `sluice branch` and its subcommands.
 * @example sluice branch create clean dedup && sluice branch deploy dedup && sluice branch trigger dedup --sample 10
 */
export function registerBranch(program: Command): void {
  const branch = program.command('branch').description('develop a node on real upstream data in isolation: create, deploy, trigger, compare (deltas), destroy');

  withStageOptions(branch.command('create <node> <name>'))
    .description('plan a branch from NODE: it and every node downstream are copied; everything upstream is read from main')
    .action(action(async (node: string, name: string, options: BranchCliOptions) => {
      const ctx = await branchContext(options);
      const [{ planBranch }, { createBranchRecord }] = await Promise.all([import('../../branch/plan.js'), import('../../branch/state.js')]);
      const plan = planBranch(ctx.pipeline, node, name, ctx.stage);
      const record = createBranchRecord(ctx.branchesDir, plan);
      const estimate = await estimateReplay(ctx.stage, ctx.mainStateDir, ctx.pipeline, plan);
      emit(options, { ...record, estimate }, () => `${formatPlan(plan, estimate)}\nnext: sluice branch deploy ${name}${suffix(ctx.stage)}`);
    }));

  withStageOptions(branch.command('plan <name>'))
    .description('show what a branch creates, what it reads from main, what trigger replays and what deltas compares')
    .action(action(async (name: string, options: BranchCliOptions) => {
      const ctx = await branchContext(options);
      const { readBranchRecord } = await import('../../branch/state.js');
      const record = readBranchRecord(ctx.branchesDir, name, ctx.stage);
      const estimate = await estimateReplay(ctx.stage, ctx.mainStateDir, ctx.pipeline, record.plan);
      emit(options, { ...record.plan, state: record.state, estimate }, () => formatPlan(record.plan, estimate));
    }));

  withStageOptions(branch.command('deploy <name>'))
    .description("create the branch's resources on the stage (the working tree's handler code), beside main's and never touching them")
    .action(action(async (name: string, options: BranchCliOptions) => {
      const ctx = await branchContext(options);
      const { readBranchRecord, writeBranchRecord } = await import('../../branch/state.js');
      const record = readBranchRecord(ctx.branchesDir, name, ctx.stage);
      const backend = await ctx.backend(record.plan);
      // Recorded before the work: a deploy that fails half way leaves a branch destroy must clean.
      writeBranchRecord(ctx.branchesDir, { ...record, deployStartedAt: new Date().toISOString() });
      progress(options, `deploying branch '${name}' as stage '${record.plan.branchStage}'`);
      const holdings = await backend.deploy(record.plan, ctx.pipeline, (line) => progress(options, line));
      const next: BranchRecord = { ...readBranchRecord(ctx.branchesDir, name, ctx.stage), state: 'deployed', deployedAt: new Date().toISOString(), resources: holdings.resources, objects: holdings.objects, bytes: holdings.bytes };
      writeBranchRecord(ctx.branchesDir, next);
      emit(options, next, () => `✓ branch '${name}' deployed on stage '${record.plan.branchStage}': ${holdings.resources.length} resource(s)\nnext: sluice branch trigger ${name} [--sample PCT]${suffix(ctx.stage)}`);
    }));

  withStageOptions(branch.command('trigger <name>'))
    .description("feed the branch from main's real data: upstream objects or messages replayed as events; a job branch's flow over main's stages")
    .option('--sample <pct>', 'replay a deterministic sample of the root inputs, by key hash: a percentage above 0 up to 100')
    .option('--keys <prefix>', 'replay only root inputs whose key starts with PREFIX')
    .option('--since <time>', 'replay only inputs written since TIME: an ISO time or a duration back from now (2h, 1d)')
    .option('--wait', 'wait until the branch has processed everything (locally it always does)')
    .action(action(async (name: string, options: TriggerCliOptions) => {
      const filters = triggerFilters(options);
      const ctx = await branchContext(options);
      const { readBranchRecord, writeBranchRecord } = await import('../../branch/state.js');
      const record = readBranchRecord(ctx.branchesDir, name, ctx.stage);
      if (record.state === 'planned') throw new BranchError('SLUICE_E_BRANCH_NOT_DEPLOYED', `branch '${name}' is not deployed on stage '${ctx.stage}' (it is only planned); deploy it first: sluice branch deploy ${name}${suffix(ctx.stage)}`, { node: name });
      const backend = await ctx.backend(record.plan);
      progress(options, `replaying main's upstream data into branch '${name}'${filters.sample !== undefined ? ` (a ${filters.sample}% sample)` : ''}`);
      let shown = -1;
      const report = await backend.trigger(record.plan, ctx.pipeline, {
        ...filters, wait: options.wait === true,
        onProgress: (done, total) => {
          const step = Math.floor((done / Math.max(total, 1)) * 10);
          if (step !== shown) progress(options, `  replayed ${done} of ${total}`);
          shown = step;
        },
      });
      const holdings = await backend.holdings(record.plan, ctx.pipeline);
      const sample = { ...(filters.sample !== undefined ? { percent: filters.sample } : {}), ...(filters.keys !== undefined ? { keys: filters.keys } : {}), ...(filters.since ? { since: filters.since.toISOString() } : {}) };
      const next: BranchRecord = { ...record, state: 'triggered', triggeredAt: new Date().toISOString(), lastTrigger: report, resources: holdings.resources, objects: holdings.objects, bytes: holdings.bytes, ...(Object.keys(sample).length ? { sample } : {}) };
      if (!Object.keys(sample).length) delete next.sample;
      writeBranchRecord(ctx.branchesDir, next);
      emit(options, { branch: name, stage: ctx.stage, ...report }, () => `${report.failed ? '✗' : '✓'} branch '${name}': ${report.replayed} input(s) replayed, ${report.skipped} left out${report.executions ? `, ${report.executions.length} flow execution(s)` : ''}, ${report.failed} failed\nnext: sluice branch deltas ${name}${suffix(ctx.stage)}`);
      if (report.failed > 0) process.exitCode = 1;
    }));

  registerBranchDeltas(branch);

  withStageOptions(branch.command('list'))
    .description('list the branches of the stage: from which node, state, when created, resources and bytes held')
    .action(action(async (options: BranchCliOptions) => {
      const ctx = await branchContext(options);
      const { listBranchRecords } = await import('../../branch/state.js');
      const records = listBranchRecords(ctx.branchesDir);
      const rows = records.map((r) => ({ name: r.name, stage: r.stage, from: r.from, state: r.state, createdAt: r.createdAt, resources: r.resources.length, objects: r.objects, bytes: r.bytes }));
      emit(options, rows, () => rows.length === 0 ? `stage '${ctx.stage}' has no branches; make one with: sluice branch create <node> <name>${suffix(ctx.stage)}` : table(rows.map((r) => [r.name, r.from, r.state, r.createdAt, r.resources, r.objects, formatBytes(r.bytes)]), ['branch', 'from', 'state', 'created', 'resources', 'objects', 'bytes']));
    }));

  withStageOptions(branch.command('destroy <name>'))
    .description('remove every resource and byte the branch created on the stage (also after a failed deploy), and nothing of main\'s')
    .action(action(async (name: string, options: BranchCliOptions) => {
      const ctx = await branchContext(options);
      const { readBranchRecord, writeBranchRecord } = await import('../../branch/state.js');
      const record = readBranchRecord(ctx.branchesDir, name, ctx.stage);
      const backend = await ctx.backend(record.plan);
      await backend.destroy(record.plan, ctx.pipeline, (line) => progress(options, line));
      const next: BranchRecord = { ...record, state: 'planned', resources: [], objects: 0, bytes: 0 };
      for (const field of ['deployStartedAt', 'deployedAt', 'triggeredAt', 'lastTrigger', 'sample'] as const) delete next[field];
      writeBranchRecord(ctx.branchesDir, next);
      emit(options, { branch: name, stage: ctx.stage, destroyed: true }, () => `✓ branch '${name}' destroyed: it holds nothing on stage '${ctx.stage}'; forget it with: sluice branch delete ${name}${suffix(ctx.stage)}`);
    }));

  withStageOptions(branch.command('delete <name>'))
    .description('forget a branch that holds nothing (destroy it first)')
    .action(action(async (name: string, options: BranchCliOptions) => {
      const ctx = await branchContext(options);
      const { readBranchRecord, deleteBranchRecord } = await import('../../branch/state.js');
      const record = readBranchRecord(ctx.branchesDir, name, ctx.stage);
      if (record.state !== 'planned' || record.deployStartedAt !== undefined || record.resources.length > 0) {
        throw new BranchError('SLUICE_E_BRANCH_HOLDS', `branch '${name}' still holds ${record.resources.length} resource(s) and ${record.objects} object(s) on stage '${ctx.stage}' (it is ${record.state}${record.deployStartedAt && record.state === 'planned' ? ', after a deploy that did not finish' : ''}); remove them first: sluice branch destroy ${name}${suffix(ctx.stage)}`, { node: name });
      }
      deleteBranchRecord(ctx.branchesDir, name);
      emit(options, { branch: name, stage: ctx.stage, deleted: true }, () => `✓ branch '${name}' forgotten`);
    }));
}

/** What trigger's filters are, checked. */
function triggerFilters(options: TriggerCliOptions): { sample?: number; keys?: string; since?: Date } {
  const filters: { sample?: number; keys?: string; since?: Date } = {};
  if (options.sample !== undefined) {
    const pct = Number(String(options.sample).replace(/%$/, ''));
    if (!Number.isFinite(pct) || pct <= 0 || pct > 100) throw new BranchError('SLUICE_E_BRANCH_OPTION', `--sample takes a percentage above 0 up to 100, such as 10 or 0.5 (given '${options.sample}')`, { field: '--sample', given: options.sample });
    filters.sample = pct;
  }
  if (options.keys !== undefined) {
    if (options.keys === '') throw new BranchError('SLUICE_E_BRANCH_OPTION', "--keys takes a key prefix such as 'orders/2026-01' (given an empty one); leave it out to replay every key", { field: '--keys', given: options.keys });
    filters.keys = options.keys;
  }
  if (options.since !== undefined) filters.since = sinceDate(options.since);
  return filters;
}

/** `--since`: an ISO time, or a duration back from now. */
function sinceDate(value: string): Date {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(value.trim());
  if (match) return new Date(Date.now() - Number(match[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[match[2] as 's' | 'm' | 'h' | 'd']);
  const at = Date.parse(value);
  if (Number.isFinite(at)) return new Date(at);
  throw new BranchError('SLUICE_E_BRANCH_OPTION', `--since takes an ISO time such as 2026-01-05T00:00:00Z or a duration back from now such as 2h or 1d (given '${value}')`, { field: '--since', given: value });
}

/** What a full trigger would replay: main's objects in the buckets it replays (local stage; AWS: unknown until listed). */
async function estimateReplay(stage: string, mainStateDir: string, pipeline: Pipeline, plan: BranchPlan): Promise<{ objects: number; bytes: number } | null> {
  if (stage !== 'local') return null;
  const [{ hasState, openReadOnlyState }, { localRunOf }] = await Promise.all([import('../../engine/store/read-only.js'), import('../../branch/local-run.js')]);
  if (!hasState(mainStateDir)) return null;
  const state = openReadOnlyState(mainStateDir);
  try {
    let objects = 0;
    let bytes = 0;
    for (const bucket of localRunOf(pipeline, plan).roots) {
      for (const o of state.objects(bucket)) {
        objects++;
        bytes += o.size;
      }
    }
    return { objects, bytes };
  } finally {
    state.close();
  }
}

/** A plan for people. */
function formatPlan(plan: BranchPlan, estimate: { objects: number; bytes: number } | null): string {
  const lines = [
    `branch '${plan.name}' of pipeline '${plan.pipeline}' from '${plan.from}', on stage '${plan.stage}' (runs as '${plan.branchStage}')`,
    `  created for the branch: ${plan.branched.join(', ')}`,
    `  read from main, never written: ${plan.upstream.map((u) => `${u.node} (${u.kind}, read by ${u.readers.join(', ')})`).join('; ') || 'nothing'}`,
    `  replayed by trigger: ${plan.inputs.map((i) => `${i.from} -> ${i.to}`).join(', ') || 'nothing'}`,
    ...plan.flows.map((f) => `  flow '${f.flow}' runs only: ${f.levels.map((l) => l.join(' + ')).join(' -> ')}`),
    ...plan.coWriters.map((c) => `  copied from main into '${c.node}': what ${c.writers.join(', ')} wrote there`),
    `  compared by deltas: ${plan.outputs.join(', ') || 'nothing'}`,
    `  data to replay: ${estimate ? `${estimate.objects} object(s), ${formatBytes(estimate.bytes)} (a --sample PCT replays about PCT% of them)` : 'unknown until main is listed'}`,
  ];
  return lines.join('\n');
}
