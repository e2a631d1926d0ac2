/**
 * CLI start-up: whole `sluice` processes against a bare `node -e 0` in the same run, so the ratios
 * hold across machines. Each command runs as a user runs it (bin/sluice.js, sluice's JavaScript from
 * dist/, the pipeline file compiled and cached on first use), warmed once, then timed 7 times; the
 * median is shown. Beside it, the same commands with SLUICE_FROM_SOURCE=1: sluice's own sources
 * through tsx, as every command ran before dist/ existed.
 * Goals (issue 9): `--version` within 2x of `node -e 0`, `nodes` on an example within 3x, `synth` of
 * an example within 4x.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLUICE = join(ROOT, 'bin/sluice.js');
const EXAMPLE = join(ROOT, 'examples/three-node-copy/pipeline.ts');
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall time of a whole process, after one warm-up run (which fills the caches a user's second run finds). */
function time(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const run = () => {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
    const ms = performance.now() - start;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return ms;
  };
  run();
  return median(Array.from({ length: RUNS }, run));
}

export default async function startup(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'sluice-bench-startup-'));
  // Child processes get none of the bench's own loader flags: they start as a user's shell starts them.
  const env = { NODE_OPTIONS: '' };
  const bare = time(['-e', '0'], env);
  const commands: Array<{ name: string; args: string[]; goal: number }> = [
    { name: 'sluice --version', args: [SLUICE, '--version'], goal: 2 },
    { name: 'sluice nodes (three-node example)', args: [SLUICE, 'nodes', EXAMPLE], goal: 3 },
    { name: 'sluice synth (three-node example)', args: [SLUICE, 'synth', EXAMPLE, '--out', out], goal: 4 },
  ];
  const rows = commands.map((c) => {
    const ms = time(c.args, env);
    const fromSource = time(c.args, { ...env, SLUICE_FROM_SOURCE: '1' });
    return { ...c, ms, fromSource };
  });
  const table = [
    ['command', 'dist/', 'x node -e 0', 'from sources (tsx)', 'x node -e 0', 'goal'],
    ['node -e 0', `${bare.toFixed(0)} ms`, '1.0x', '', '', ''],
    ...rows.map((r) => [r.name, `${r.ms.toFixed(0)} ms`, `${(r.ms / bare).toFixed(1)}x`, `${r.fromSource.toFixed(0)} ms`, `${(r.fromSource / bare).toFixed(1)}x`, `<= ${r.goal}x`]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  console.log('');
  for (const r of rows) console.log(`${r.ms / bare <= r.goal ? 'met ' : 'MISS'}  ${r.name} within ${r.goal}x of node -e 0 (${(r.ms / bare).toFixed(1)}x)`);
  rmSync(out, { recursive: true, force: true });
}
