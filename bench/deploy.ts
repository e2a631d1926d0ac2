/**
 * Deploy speed against moto_server: for each example (and the every-kind test fixture), the wall time
 * of `sluice deploy --yes` (first deploy), a no-change redeploy and `sluice destroy --yes`, each as a
 * whole CLI process, as a user runs it; and each function bundle's size.
 * Goals: every example function bundle under 100 KB (the AWS SDK v3 comes with the Lambda runtime and
 * is not bundled), and a no-change redeploy that uploads nothing in under 2 s.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { synthesize } from '../src/cloud/synth/synth.js';
import { loadPipeline } from '../src/cli/load.js';
import { motoUnavailable, startMoto } from '../test/helpers/moto.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'sluice.js');
const GOAL_BUNDLE_KB = 100;
const GOAL_REDEPLOY_MS = 2000;

function entries(): Array<{ label: string; file: string }> {
  const examples = spawnSync('ls', [join(ROOT, 'examples')], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)
    .map((name) => ({ label: `examples/${name}`, file: join(ROOT, 'examples', name, 'pipeline.ts') }));
  return [...examples, { label: 'test fixture every-kind', file: join(ROOT, 'test/cloud/deploy/fixtures/every-kind.pipeline.ts') }];
}

export default async function bench(): Promise<void> {
  const skip = motoUnavailable();
  if (skip) {
    console.log(`skipped: ${skip}`);
    return;
  }
  const moto = await startMoto();
  const env = { ...process.env, ...moto.env, NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true' };
  const run = (args: string[]) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (r.status !== 0) throw new Error(`sluice ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
    return { ms, out: r.stdout };
  };
  try {
    const rows: string[][] = [];
    const bundles: string[][] = [];
    let worstBundleKb = 0;
    let worstRedeploy = 0;
    for (const { label, file } of entries()) {
      const deploy = run(['deploy', file, '--stage', 'bench', '--yes', '--json']);
      const redeploy = run(['deploy', file, '--stage', 'bench', '--json']);
      const again = JSON.parse(redeploy.out);
      const destroy = run(['destroy', file, '--stage', 'bench', '--yes', '--json']);
      worstRedeploy = Math.max(worstRedeploy, redeploy.ms);
      rows.push([label, `${(deploy.ms / 1000).toFixed(2)} s`, `${(redeploy.ms / 1000).toFixed(2)} s (${again.result}, ${again.uploaded.length} uploaded)`, `${(destroy.ms / 1000).toFixed(2)} s`]);
      const { pipeline } = await loadPipeline(file);
      const s = await synthesize(pipeline, { stage: 'bench', cacheDir: join(dirname(file), '.sluice', 'cache') });
      for (const fn of pipeline.nodesOf('fn')) {
        const asset = s.assets.find((a) => a.handler === fn.handlerPath)!;
        const kb = asset.zip.byteLength / 1024;
        if (label.startsWith('examples/')) worstBundleKb = Math.max(worstBundleKb, kb);
        const code = Object.values(unzipSync(asset.zip))[0]!;
        bundles.push([label, fn.name, `${kb.toFixed(1)} KB zipped`, `${(code.byteLength / 1024).toFixed(1)} KB`]);
      }
    }
    const print = (table: string[][], header: string[]) => {
      const all = [header, ...table];
      const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
      for (const r of all) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    };
    print(rows, ['pipeline', 'deploy', 'no-change redeploy', 'destroy']);
    console.log('');
    print(bundles, ['pipeline', 'function', 'bundle', 'index.mjs']);
    console.log('');
    console.log(`largest example bundle: ${worstBundleKb.toFixed(1)} KB (goal < ${GOAL_BUNDLE_KB} KB): ${worstBundleKb < GOAL_BUNDLE_KB ? 'met' : 'MISSED'}`);
    console.log(`slowest no-change redeploy: ${(worstRedeploy / 1000).toFixed(2)} s (goal < ${GOAL_REDEPLOY_MS / 1000} s): ${worstRedeploy < GOAL_REDEPLOY_MS ? 'met' : 'MISSED'}`);
  } finally {
    await moto.stop();
  }
}
