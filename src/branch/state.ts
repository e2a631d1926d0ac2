/**
 * Branch records: `.sluice/<stage>/branches/<name>/branch.json`, one per branch of a stage, with the
 * plan, where the branch is in its life (planned, deployed, triggered), when it was made and what it
 * holds. `deltas` writes its last report beside it (deltas.json, deltas.html); the local stage keeps
 * the branch's own state in the same folder (`state/`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BranchHoldings, BranchTriggerReport } from './backend.js';
import type { BranchPlan } from './plan.js';
import { BranchError } from './errors.js';

/** Where a branch is in its life. */
export type BranchState = 'planned' | 'deployed' | 'triggered';

/** What `branch.json` holds. */
export interface BranchRecord {
  name: string;
  stage: string;
  pipeline: string;
  from: string;
  /** The branched nodes (`plan.branched`). */
  nodes: string[];
  state: BranchState;
  /** ISO-8601. */
  createdAt: string;
  /** When a deploy started: set until destroy, so a deploy that failed half way is still destroyed before delete. */
  deployStartedAt?: string;
  deployedAt?: string;
  triggeredAt?: string;
  /** The resources the branch holds on its stage (`BranchBackend.holdings`), as last counted. */
  resources: BranchHoldings['resources'];
  objects: number;
  bytes: number;
  /** The last trigger's filters, which `deltas` applies to main's side by lineage. */
  sample?: { percent?: number; keys?: string; since?: string };
  lastTrigger?: BranchTriggerReport;
  plan: BranchPlan;
}

/** The folder of one branch's record (and, locally, its state). */
export function branchDir(branchesDir: string, name: string): string {
  return join(branchesDir, name);
}

/** A new record for a planned branch; fails with SLUICE_E_BRANCH_TAKEN when the name is in use on the stage. */
export function createBranchRecord(branchesDir: string, plan: BranchPlan, now = new Date()): BranchRecord {
  if (existsSync(join(branchDir(branchesDir, plan.name), 'branch.json'))) {
    const other = readBranchRecord(branchesDir, plan.name);
    throw new BranchError('SLUICE_E_BRANCH_TAKEN', `stage '${plan.stage}' already has a branch '${plan.name}' (from '${other.from}', ${other.state}); choose another name, or remove it first with: sluice branch destroy ${plan.name} then sluice branch delete ${plan.name}`, { node: plan.name, field: 'name', given: plan.name });
  }
  const record: BranchRecord = { name: plan.name, stage: plan.stage, pipeline: plan.pipeline, from: plan.from, nodes: plan.branched, state: 'planned', createdAt: now.toISOString(), resources: [], objects: 0, bytes: 0, plan };
  writeBranchRecord(branchesDir, record);
  return record;
}

/** Write a record (to a temporary name, then renamed: a reader never sees half of one). */
export function writeBranchRecord(branchesDir: string, record: BranchRecord): void {
  const dir = branchDir(branchesDir, record.name);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.branch.json.${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, join(dir, 'branch.json'));
}

/** A branch's record; fails with SLUICE_E_BRANCH_UNKNOWN, listing the stage's branches, when there is none. */
export function readBranchRecord(branchesDir: string, name: string, stage = 'local'): BranchRecord {
  const file = join(branchDir(branchesDir, String(name)), 'branch.json');
  if (!existsSync(file)) {
    const known = listBranchRecords(branchesDir).map((r) => r.name);
    throw new BranchError('SLUICE_E_BRANCH_UNKNOWN', `stage '${stage}' has no branch '${name}' (${known.length ? `its branches: ${known.join(', ')}` : 'it has none'}); make one with: sluice branch create <node> ${name}${stage === 'local' ? '' : ` --stage ${stage}`}`, { node: String(name), given: name });
  }
  return JSON.parse(readFileSync(file, 'utf8')) as BranchRecord;
}

/** Every branch of a stage, by name. */
export function listBranchRecords(branchesDir: string): BranchRecord[] {
  if (!existsSync(branchesDir)) return [];
  return readdirSync(branchesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(branchesDir, e.name, 'branch.json')))
    .map((e) => JSON.parse(readFileSync(join(branchesDir, e.name, 'branch.json'), 'utf8')) as BranchRecord)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Forget a branch: its record and its reports (after destroy, which removed what it held). */
export function deleteBranchRecord(branchesDir: string, name: string): void {
  rmSync(branchDir(branchesDir, name), { recursive: true, force: true });
}
