/**
 * A pipeline in a bare folder: no package.json, no node_modules, no tsconfig, as a user's first
 * try in a scratch directory. The CLI compiles the TypeScript itself and binds `sluice` and
 * `sluice/runtime` to the sluice that runs it, so nothing needs installing beside the file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluice, tempDir } from '../helpers/cli.js';
import { EXAMPLE_DIR, parseJson } from './support.js';

let work: string;

before(() => {
  // GIVEN a folder outside any package with a pipeline file, a handler and an input file
  work = tempDir();
  mkdirSync(join(work, 'handlers'));
  mkdirSync(join(work, 'in'));
  writeFileSync(join(work, 'pipeline.ts'), [
    "import { bucket, fn, pipeline } from 'sluice';",
    "const copy = fn('copy', { handler: './handlers/copy.ts' });",
    "export default pipeline('scratch', [bucket('raw').to(copy).to(bucket('out'))]);",
    '',
  ].join('\n'));
  copyFileSync(join(EXAMPLE_DIR, 'handlers/copy.ts'), join(work, 'handlers/copy.ts'));
  writeFileSync(join(work, 'in', 'hello.txt'), 'hello\n');
});

after(() => rmSync(work, { recursive: true, force: true }));

test('GIVEN a pipeline in a folder with no package.json WHEN run and synthesized THEN it runs end to end and synthesizes', () => {
  assert.ok(!existsSync(join(work, 'package.json')) && !existsSync(join(work, 'node_modules')));
  // WHEN the user runs it with a file put into raw
  const run = sluice(['run', 'pipeline.ts', '--put', 'raw=in', '--json'], { cwd: work });
  // THEN the copy lands in out, byte for byte
  assert.equal(run.status, 0, run.stderr);
  const cat = sluice(['cat', 'out', 'hello.txt', '--entry', 'pipeline.ts'], { cwd: work });
  assert.equal(cat.status, 0, cat.stderr);
  assert.equal(cat.stdout, 'hello\n');
  // AND synth bundles the handler for Lambda from the same folder
  const synth = parseJson(sluice(['synth', 'pipeline.ts', '--out', 'synth', '--json'], { cwd: work }));
  assert.equal(synth.stacks[0].byType['AWS::Lambda::Function'], 1);
  assert.ok(existsSync(join(work, 'synth', 'scratch-dev.template.json')));
});
