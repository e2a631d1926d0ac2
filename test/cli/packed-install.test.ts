/**
 * sluice as a user gets it: packed with `npm pack` (from a copy of this checkout, so the pack builds
 * dist/ and the declarations from nothing and never touches the repository's own dist/), installed
 * with `npm install <tarball>` into a new folder outside the repository, then `npx sluice init`,
 * `npm install`, `npx sluice run`, `npm test` and `npm run typecheck` there, as the README's "Start a
 * project of your own" says. Nothing of the repository is reachable from that folder: not its
 * node_modules (nor their .bin on the PATH), not its sources.
 *
 * It needs npm and the npm registry (the packages' metadata; their tarballs come from the npm cache
 * the repository's own `npm ci` filled). Offline, outside CI, it skips as NPM_REGISTRY_UNREACHABLE;
 * in CI (SLUICE_REQUIRE_AWS_PEERS=1) it fails instead. About 15 s when the seed below takes; about
 * 1.5 min more when better-sqlite3 compiles.
 */
import { before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'sluice-packed-'));
});

/**
 * The environment of a user's shell: none of the npm_* variables `npm test` sets for this process (its
 * package, its config), no NODE_TEST_CONTEXT (with it, the project's `node --test` would report to
 * this test runner instead of printing), and no folder of this repository on the PATH (npm puts
 * node_modules/.bin there).
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && key !== 'NODE_TEST_CONTEXT') env[key] = value;
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => p && !p.startsWith(ROOT)).join(delimiter);
  return env;
}

interface Ran { status: number; stdout: string; stderr: string; ms: number }

function run(t: TestContext, command: string, args: string[], cwd: string, timeoutMs = 120_000): Ran {
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, env: userEnv(), encoding: 'utf8', timeout: timeoutMs });
  const ms = Math.round(performance.now() - started);
  t.diagnostic(`${command} ${args.join(' ')}: exit ${r.status ?? r.signal} in ${ms} ms`);
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms };
}

const ok = (r: Ran, what: string) => assert.equal(r.status, 0, `${what} exited ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);

/**
 * better-sqlite3 downloads a prebuilt binary from github.com when it installs, and compiles itself
 * (about a minute of CPU) when it cannot. This offers the binary the repository's own `npm ci` got as
 * that download, through prebuild-install's `local-prebuilds` setting in a .prebuild-installrc above
 * the project (it looks in every parent folder). With another version of better-sqlite3 than the
 * repository's, it is not taken and the install compiles, as it would for a user offline.
 */
function seedSqliteBinary(at: string): string {
  const dir = dirname(createRequire(join(ROOT, 'package.json')).resolve('better-sqlite3/package.json'));
  const binary = join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return 'no binary in the repository to seed';
  const { version: v } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  const musl = process.platform === 'linux' && !(process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
  const seeds = join(at, 'prebuilds');
  mkdirSync(seeds);
  const name = `better-sqlite3-v${v}-node-v${process.versions.modules}-${process.platform}${musl ? 'musl' : ''}-${process.arch}.tar.gz`;
  const tar = spawnSync('tar', ['-czf', join(seeds, name), '-C', dir, 'build/Release/better_sqlite3.node']);
  if (tar.status !== 0) return `tar failed: ${tar.stderr}`;
  writeFileSync(join(at, '.prebuild-installrc'), `local-prebuilds = ${seeds}\n`);
  return `seeded ${name}`;
}

const REGISTRY_UNREACHABLE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH)\b/;

test('GIVEN sluice packed and installed into a new folder outside the repository WHEN sluice init, npm install, sluice run and npm test run there THEN the project works from the installed package alone', { timeout: 600_000 }, async (t) => {
  // Removed as the test ends, not in a file-level after(): deleting the installed project (thousands of
  // files) can take longer than the exit guard's 5 s, which starts with the file-level after() hooks.
  t.after(() => rmSync(work, { recursive: true, force: true }));
  // GIVEN a copy of this checkout (sources, no build output) sharing its node_modules, packed by npm
  const checkout = join(work, 'checkout');
  const skip = /^(node_modules|dist|dist-types|dist\..*|dist-types\..*|\.git|\.sluice|\.tmp-.*|sluice-.*\.tgz)$/;
  cpSync(ROOT, checkout, { recursive: true, filter: (src) => src === ROOT || !skip.test(src.slice(src.lastIndexOf('/') + 1)) });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const packs = join(work, 'packs');
  mkdirSync(packs);
  ok(run(t, NPM, ['pack', '--pack-destination', packs], checkout), 'npm pack');
  const tarball = join(packs, `sluice-${version}.tgz`);
  assert.ok(existsSync(tarball), `npm pack wrote ${readdirSync(packs).join(', ')}`);
  t.diagnostic(seedSqliteBinary(work));

  // WHEN sluice is installed from the tarball into a new, empty folder
  const project = join(work, 'my-pipeline');
  mkdirSync(project);
  const install = run(t, NPM, ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], project, 600_000);
  if (install.status !== 0 && REGISTRY_UNREACHABLE.test(install.stderr) && process.env.SLUICE_REQUIRE_AWS_PEERS !== '1') {
    t.skip(`NPM_REGISTRY_UNREACHABLE: npm install needs the registry for package metadata: ${REGISTRY_UNREACHABLE.exec(install.stderr)![0]}`);
    return;
  }
  ok(install, 'npm install <tarball>');
  // THEN it is a copy of its own, with its runtime dependencies and none of the repository's tools
  const installed = join(project, 'node_modules', 'sluice');
  assert.equal(realpathSync(installed), installed, 'installed as files, not linked to the repository');
  assert.deepEqual(readdirSync(installed).sort(), ['README.md', 'bin', 'dist', 'dist-types', 'docs', 'package.json', 'templates']);
  for (const runtime of ['esbuild', 'better-sqlite3', 'commander', 'zod', '@aws-sdk/client-s3']) assert.ok(existsSync(join(project, 'node_modules', runtime)), `${runtime} installed`);
  for (const dev of ['tsx', 'typescript', 'eslint', 'aws-cdk-lib']) assert.ok(!existsSync(join(project, 'node_modules', dev)), `${dev} not installed with sluice`);
  assert.ok(existsSync(join(project, 'node_modules', '.bin', 'sluice')), 'npx sluice is on the PATH');

  // WHEN npx sluice init writes the project there
  const init = run(t, NPX, ['sluice', 'init'], project);
  ok(init, 'npx sluice init');
  // THEN it kept the dependency npm wrote, on the tarball
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
  assert.match(pkg.dependencies.sluice!, /^file:.*sluice-[\d.]+\.tgz$/);
  assert.equal(pkg.name, 'my-pipeline');
  assert.match(init.stdout, /kept from the package\.json 'npm install' wrote/);
  assert.match(init.stdout, /^next:\n {2}npm install\n {2}npm test\n {2}npx sluice run --put raw=sample-data$/m);

  // WHEN the project's own dependencies are installed, and the pipeline runs on the local engine
  ok(run(t, NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund'], project, 600_000), 'npm install');
  const sluiceRun = run(t, NPX, ['sluice', 'run', '--put', 'raw=sample-data', '--json'], project);
  ok(sluiceRun, 'npx sluice run');
  // THEN the copy function copied both sample files into curated, byte for byte
  const summary = JSON.parse(sluiceRun.stdout) as { pipeline: string; put: number; nodes: Array<{ node: string; successes: number; objects?: number }> };
  assert.equal(summary.pipeline, 'my-pipeline');
  assert.equal(summary.put, 2);
  assert.equal(summary.nodes.find((n) => n.node === 'copy')?.successes, 2);
  assert.equal(summary.nodes.find((n) => n.node === 'curated')?.objects, 2);
  const cat = run(t, NPX, ['sluice', 'cat', 'curated', 'orders.csv'], project);
  ok(cat, 'npx sluice cat');
  assert.equal(cat.stdout, readFileSync(join(project, 'sample-data', 'orders.csv'), 'utf8'));

  // WHEN the project's unit tests run
  const npmTest = run(t, NPM, ['test'], project);
  // THEN they pass, on the installed sluice/testing
  ok(npmTest, 'npm test');
  assert.match(npmTest.stdout, /^# pass 2$/m);
  assert.match(npmTest.stdout, /^# fail 0$/m);

  // WHEN tsc checks the project with a file that misuses sluice's API on purpose
  writeFileSync(join(project, 'types-probe.ts'), [
    "import { bucket, fn, pipeline } from 'sluice';",
    "import { component } from 'sluice/runtime';",
    "import { localPipeline } from 'sluice/testing';",
    '// @ts-expect-error a bucket name is a string',
    'bucket(42);',
    "// @ts-expect-error 'handle' is no prop of fn",
    "fn('f', { handle: './handlers/copy.ts' });",
    "export const step = component(async (input, ctx) => (input.kind === 'object' ? [ctx.object(input.key, await ctx.body(input))] : []));",
    "const local = await localPipeline(pipeline('probe', [bucket('a')]));",
    '// @ts-expect-error settle() takes no argument',
    'await local.settle(1);',
    '',
  ].join('\n'));
  // THEN it passes: the types are sluice's declarations (were they missing, each @ts-expect-error would be unused)
  ok(run(t, NPM, ['run', 'typecheck'], project), 'npm run typecheck');
});
