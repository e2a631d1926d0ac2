/**
 * `sluice synth` as a user runs it: templates, assets and a manifest on disk, a short summary, JSON
 * for programs, YAML on request, and nothing written when the pipeline has a problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

function sluice(...args: string[]) {
  const run = spawnSync(process.execPath, [join(REPO, 'bin/sluice.js'), 'synth', ...args], { encoding: 'utf8', cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('GIVEN a pipeline file WHEN sluice synth runs for two stages THEN it writes a template, bundle and manifest per stage and prints a summary', () => {
  const out = mkdtempSync(join(tmpdir(), 'sluice-synth-cli-'));
  const run = sluice(join(FIXTURES, 'three-node.pipeline.ts'), '--stage', 'dev', '--stage', 'prod', '--out', out);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /three-node-pipe-dev .*three-node-pipe-dev\.template\.json\n  13 resources: .*2 S3::Bucket/);
  assert.match(run.stdout, /three-node-pipe-prod/);
  assert.match(run.stdout, /1 function bundle/);
  for (const stage of ['dev', 'prod']) {
    const template = JSON.parse(readFileSync(join(out, `three-node-pipe-${stage}.template.json`), 'utf8'));
    assert.equal(template.Resources.RawBucket.Properties.BucketName, `three-node-pipe-${stage}-raw`);
    const manifest = JSON.parse(readFileSync(join(out, 'assets', `three-node-pipe-${stage}.manifest.json`), 'utf8'));
    assert.equal(manifest.assets.length, 1);
    assert.ok(existsSync(join(out, manifest.assets[0].file)));
    assert.ok(template.Resources.CopyFunction.Properties.Code.S3Key['Fn::Sub'].endsWith(manifest.assets[0].key));
  }
  // one bundle shared by both stages (same content hash), beside the two manifests
  assert.deepEqual(readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.zip')).length, 1);
});

test('GIVEN --json and --format yaml WHEN sluice synth runs THEN it prints JSON for programs and writes YAML', () => {
  const out = mkdtempSync(join(tmpdir(), 'sluice-synth-cli-'));
  const run = sluice('--entry', join(FIXTURES, 'three-node.pipeline.ts'), '--format', 'yaml', '--out', out, '--json');
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.pipeline, 'three-node-pipe');
  assert.equal(result.stacks[0].stackName, 'three-node-pipe-dev');
  assert.equal(result.stacks[0].byType['AWS::Lambda::Function'], 1);
  const template = YAML.parse(readFileSync(join(out, 'three-node-pipe-dev.template.yaml'), 'utf8'));
  assert.equal(template.Resources.CopyFunction.Properties.Runtime, 'nodejs22.x');
});

test('GIVEN a pipeline that cannot deploy in the stage WHEN sluice synth runs THEN it exits 2 naming the node and the fix, and writes nothing', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'sluice-synth-cli-')), 'out');
  const run = sluice(join(FIXTURES, 'too-long.pipeline.ts'), '--stage', 'dev', '--stage', 'production', '--out', out);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /node 'landing-zone-raw': its S3 bucket name .* over AWS's limit of 63 in stage 'production'; shorten/);
  assert.match(run.stderr, /SLUICE_E_NAME_TOO_LONG/);
  assert.equal(existsSync(out), false);
});

test('GIVEN an unknown format WHEN sluice synth runs THEN it says which formats exist', () => {
  const run = sluice(join(FIXTURES, 'three-node.pipeline.ts'), '--format', 'xml', '--json');
  assert.equal(run.code, 2);
  assert.equal(JSON.parse(run.stdout).code, 'SLUICE_E_SYNTH_FORMAT');
});
