/**
 * `sluice branch deltas <name>`: compare every output of a triggered branch with main's (main's side
 * restricted by lineage to the trigger's sample), print the report (a table, JSON or one HTML file),
 * keep the last one beside the branch record (deltas.json, deltas.html), and with `--fail-on` exit 1
 * when a rule is exceeded (a CI gate).
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { action } from '../common.js';
import { emit, progress } from '../output.js';
import { withStageOptions } from '../stage.js';
import { branchContext, suffix, type BranchCliOptions } from '../branch-context.js';
import { BranchError } from '../../branch/errors.js';

interface DeltasCliOptions extends BranchCliOptions {
  keys?: string;
  format?: string;
  out?: string;
  failOn?: string[];
}

/** Register `sluice branch deltas` on the `branch` command. */
export function registerBranchDeltas(branch: Command): void {
  withStageOptions(branch.command('deltas <name>'))
    .description("compare the branch's outputs with main's: objects added, removed, changed; rows, columns and schema of tabular objects")
    .option('--keys <columns>', "row key columns, comma-separated (win over each bucket's declared keys)")
    .option('--format <format>', 'table (for people), json (stable, for CI) or html (one self-contained file)', 'table')
    .option('--out <file>', 'write the report to FILE instead of printing it')
    .option('--fail-on <rule>', 'exit 1 when a rule is exceeded, e.g. rows-changed>0.5% or objects-removed>0 (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .addHelpText('after', `
The last report is kept beside the branch record: .sluice/<stage>/branches/<name>/deltas.json and
deltas.html. With a branch triggered on a sample (--sample, --keys), main's side holds only the outputs
whose lineage roots are in the same sample. --json prints the report as JSON (as --format json).`)
    .action(action(async (name: string, options: DeltasCliOptions) => {
      const format = options.json ? 'json' : options.format ?? 'table';
      if (!['table', 'json', 'html'].includes(format)) throw new BranchError('SLUICE_E_BRANCH_OPTION', `--format takes table, json or html (given '${options.format}')`, { field: '--format', given: options.format });
      const keys = options.keys === undefined ? undefined : options.keys.split(',').map((k) => k.trim()).filter(Boolean);
      if (keys !== undefined && keys.length === 0) throw new BranchError('SLUICE_E_BRANCH_OPTION', `--keys takes column names separated by commas, such as order_id or order_id,line (given '${options.keys}')`, { field: '--keys', given: options.keys });
      const ctx = await branchContext(options);
      const [{ readBranchRecord, branchDir }, { branchDeltas }, deltas] = await Promise.all([import('../../branch/state.js'), import('../../branch/report.js'), import('../../branch/deltas/index.js')]);
      // Rules are checked before the (long) comparison: a typo fails at once.
      const rules = (options.failOn ?? []).map((spec) => deltas.parseFailOn(spec));
      const record = readBranchRecord(ctx.branchesDir, name, ctx.stage);
      if (record.state !== 'triggered') throw new BranchError('SLUICE_E_BRANCH_NOT_TRIGGERED', `branch '${name}' has never been triggered on stage '${ctx.stage}' (it is ${record.state}), so it has no outputs to compare; feed it first: sluice branch trigger ${name} [--sample PCT]${suffix(ctx.stage)}`, { node: name });
      const backend = await ctx.backend(record.plan);
      const sample = record.sample ? { ...(record.sample.percent !== undefined ? { sample: record.sample.percent } : {}), ...(record.sample.keys !== undefined ? { keys: record.sample.keys } : {}), ...(record.sample.since ? { since: new Date(record.sample.since) } : {}) } : undefined;
      const report = await branchDeltas(backend, record.plan, ctx.pipeline, { ...(keys ? { keys } : {}), ...(sample ? { sample } : {}), onProgress: (line) => progress(options, line) });
      const dir = branchDir(ctx.branchesDir, name);
      writeFileSync(join(dir, 'deltas.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(dir, 'deltas.html'), deltas.renderDeltasHtml(report));
      const failed = deltas.failedRules(report, rules);
      const text = format === 'json' ? `${JSON.stringify(options.json ? { ...report, failed } : report, null, 2)}\n` : format === 'html' ? deltas.renderDeltasHtml(report) : deltas.renderDeltasTable(report);
      if (options.out) {
        writeFileSync(options.out, text);
        emit(options, { branch: name, out: options.out, failed }, () => `✓ deltas of branch '${name}' written to ${options.out}`);
      } else if (options.json) process.stdout.write(text);
      else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      for (const f of failed) progress(options, `✗ --fail-on ${f.rule}: ${f.actual}`);
      if (failed.length > 0) process.exitCode = 1;
    }));
}
