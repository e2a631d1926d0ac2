import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE, EXAMPLE_DIR, parseJson, sluiceAwait, type CliResult } from './support.js';

/** A digest of every file of main's state but SQLite's WAL side files: what "main is never written" compares. */
function digestOf(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (name === 'branches' || name.endsWith('-wal') || name.endsWith('-shm') || name === 'cache') continue;
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

const code = (r: CliResult) => (parseJson(r) as { code?: string }).code;

test('sluice branch: create, plan, deploy, trigger on a sample, list, deltas, destroy and delete a local branch; main\'s state is never written', async () => {
  const state = mkdtempSync(join(tmpdir(), 'sluice-branch-cli-'));
  const on = ['--entry', EXAMPLE, '--state', state];
  try {
    // GIVEN main has run on the sample data
    const run = await sluiceAwait(['run', EXAMPLE, '--state', state, '--put', `raw=${join(EXAMPLE_DIR, 'sample-data')}`]);
    assert.equal(run.status, 0, run.stderr);
    const before = digestOf(state);
    // WHEN a branch of copy is created THEN its plan names what is branched, read, replayed and compared
    const created = parseJson(await sluiceAwait(['branch', 'create', 'copy', 'try', ...on, '--json']));
    assert.deepEqual({ state: created.state, nodes: created.nodes, stage: created.stage, estimate: created.estimate }, { state: 'planned', nodes: ['copy', 'curated'], stage: 'local', estimate: { objects: 3, bytes: created.estimate.bytes } });
    assert.ok(existsSync(join(state, 'branches', 'try', 'branch.json')));
    const plan = await sluiceAwait(['branch', 'plan', 'try', ...on]);
    assert.match(plan.stdout, /created for the branch: copy, curated/);
    assert.match(plan.stdout, /read from main, never written: raw \(bucket, read by copy\)/);
    // WHEN it is deployed and triggered on a sample THEN some inputs are replayed and the rest left out
    const deployed = parseJson(await sluiceAwait(['branch', 'deploy', 'try', ...on, '--json']));
    assert.equal(deployed.state, 'deployed');
    const triggered = parseJson(await sluiceAwait(['branch', 'trigger', 'try', ...on, '--sample', '50', '--json']));
    assert.equal(triggered.replayed + triggered.skipped, 3);
    assert.equal(triggered.failed, 0);
    // AND list shows it triggered, with what it holds
    const [listed] = parseJson(await sluiceAwait(['branch', 'list', ...on, '--json']));
    assert.deepEqual({ name: listed.name, from: listed.from, state: listed.state, resources: listed.resources }, { name: 'try', from: 'copy', state: 'triggered', resources: 2 });
    assert.ok(listed.bytes > 0);
    // WHEN the deltas are read THEN nothing differs (same code), main's side restricted to the same sample, and the reports are kept
    const deltas = parseJson(await sluiceAwait(['branch', 'deltas', 'try', ...on, '--json']));
    assert.deepEqual(deltas.sample, { percent: 50 });
    assert.deepEqual(deltas.buckets[0].objects.added, []);
    assert.equal(deltas.buckets[0].objects.unchanged, triggered.replayed);
    assert.ok(existsSync(join(state, 'branches', 'try', 'deltas.json')) && existsSync(join(state, 'branches', 'try', 'deltas.html')));
    const out = join(state, '..', `${state.split('/').pop()}-report.html`);
    assert.equal((await sluiceAwait(['branch', 'deltas', 'try', ...on, '--format', 'html', '--out', out])).status, 0);
    assert.match(readFileSync(out, 'utf8'), /<html/i);
    // AND a --fail-on rule that is exceeded exits 1; one that holds exits 0
    assert.equal((await sluiceAwait(['branch', 'deltas', 'try', ...on, '--fail-on', 'objects-removed>0'])).status, 0);
    const gate = await sluiceAwait(['branch', 'deltas', 'try', ...on, '--fail-on', 'objects-added>=0']);
    assert.equal(gate.status, 1, gate.stderr);
    // AND main's state is byte-identical
    assert.equal(digestOf(state), before);
    // WHEN it is deleted while it holds data THEN that is refused; destroyed, then deleted, it is gone
    assert.equal(code(await sluiceAwait(['branch', 'delete', 'try', ...on, '--json'])), 'SLUICE_E_BRANCH_HOLDS');
    assert.equal((await sluiceAwait(['branch', 'destroy', 'try', ...on])).status, 0);
    assert.ok(!existsSync(join(state, 'branches', 'try', 'state')));
    assert.equal((await sluiceAwait(['branch', 'delete', 'try', ...on])).status, 0);
    assert.deepEqual(parseJson(await sluiceAwait(['branch', 'list', ...on, '--json'])), []);
    assert.equal(digestOf(state), before);
    rmSync(out);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test('sluice branch: each bad input is a coded error', async () => {
  const state = mkdtempSync(join(tmpdir(), 'sluice-branch-bad-'));
  const on = ['--entry', EXAMPLE, '--state', state, '--json'];
  try {
    // GIVEN no main state yet: a branch can be planned, but not deployed
    assert.equal(code(await sluiceAwait(['branch', 'create', 'cpy', 'x', ...on])), 'SLUICE_E_BRANCH_NODE');
    assert.equal(code(await sluiceAwait(['branch', 'create', 'copy', 'Bad_Name', ...on])), 'SLUICE_E_BRANCH_NAME');
    assert.equal(code(await sluiceAwait(['branch', 'create', 'copy', 'x', '--entry', EXAMPLE, '--stage', 'dev--x', '--json'])), 'SLUICE_E_BRANCH_STAGE_RESERVED');
    assert.equal((await sluiceAwait(['branch', 'create', 'copy', 'x', ...on])).status, 0);
    assert.equal(code(await sluiceAwait(['branch', 'create', 'copy', 'x', ...on])), 'SLUICE_E_BRANCH_TAKEN');
    assert.equal(code(await sluiceAwait(['branch', 'plan', 'nope', ...on])), 'SLUICE_E_BRANCH_UNKNOWN');
    assert.equal(code(await sluiceAwait(['branch', 'trigger', 'x', ...on])), 'SLUICE_E_BRANCH_NOT_DEPLOYED');
    assert.equal(code(await sluiceAwait(['branch', 'deltas', 'x', ...on])), 'SLUICE_E_BRANCH_NOT_TRIGGERED');
    assert.equal(code(await sluiceAwait(['branch', 'deploy', 'x', ...on])), 'SLUICE_E_BRANCH_NO_MAIN');
    // AND malformed options are refused before anything runs
    assert.equal(code(await sluiceAwait(['branch', 'trigger', 'x', ...on, '--sample', '0'])), 'SLUICE_E_BRANCH_OPTION');
    assert.equal(code(await sluiceAwait(['branch', 'trigger', 'x', ...on, '--since', 'yesterday-ish'])), 'SLUICE_E_BRANCH_OPTION');
    const badFormat = await sluiceAwait(['branch', 'deltas', 'x', '--entry', EXAMPLE, '--state', state, '--format', 'xml']);
    assert.match(badFormat.stderr, /SLUICE_E_BRANCH_OPTION/);
    assert.equal(code(await sluiceAwait(['branch', 'deltas', 'x', ...on, '--fail-on', 'rows-changed~1'])), 'SLUICE_E_DELTAS_FAIL_ON');
    // AND a stage named with the reserved '--' is refused by every stage command
    assert.equal(code(await sluiceAwait(['ls', 'raw', '--entry', EXAMPLE, '--stage', 'dev--x', '--json'])), 'SLUICE_E_BRANCH_STAGE_RESERVED');
    // AND a deploy that failed half way (no main) still leaves a branch that delete refuses until destroy
    assert.equal(code(await sluiceAwait(['branch', 'delete', 'x', ...on])), 'SLUICE_E_BRANCH_HOLDS');
    assert.equal((await sluiceAwait(['branch', 'destroy', 'x', ...on])).status, 0);
    assert.equal((await sluiceAwait(['branch', 'delete', 'x', ...on])).status, 0);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});
