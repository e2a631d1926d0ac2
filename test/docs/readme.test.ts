/**
 * The README is executable documentation: every TypeScript block type-checks where it says it lives,
 * a block labelled with a file is that file (or an excerpt of it, in order), every shell block says
 * whether it runs, each one that runs does (in a copy of examples/, a scratch folder, or against
 * moto_server), and the output the README shows is what the commands print. See readme-blocks.ts for
 * the markers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { BIN, ROOT } from '../helpers/cli.js';
import { motoUnavailable, startMoto, type Moto } from '../helpers/moto.js';
import { codeOf, inOrder, labelOf, normalizeOutput, readmeBlocks, type Block } from './readme-blocks.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = readmeBlocks(README);
const where = (b: Block) => `README.md:${b.line} (${b.section})`;

/** Where a TypeScript block compiles: in the scratch folder's place, or at the root. */
function compiledAt(block: Block): string {
  // A scratch folder holds the three-node example's handler, as examples/three-node-copy does.
  if (block.marker?.startsWith('scratch:')) return join(ROOT, 'examples/three-node-copy', `__readme_${block.line}.ts`);
  return join(ROOT, `__readme_${block.line}.ts`);
}

test('every TypeScript block of the README that is not a file of the repository type-checks where it says it lives', () => {
  // A block labelled with a file is that file or lines of it (next test), and npm run typecheck compiles the file.
  const tsBlocks = blocks.filter((b) => b.lang === 'ts' && !labelOf(b));
  assert.ok(tsBlocks.length >= 3, `found ${tsBlocks.length} TypeScript blocks`);
  const virtual = new Map(tsBlocks.map((b) => [compiledAt(b), b]));
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) })!;
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file)?.text ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const block = virtual.get(file);
    return block ? ts.createSourceFile(file, block.text, language) : getSourceFile.call(host, file, language, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], { ...config.options, noEmit: true }, host);
  const problems = ts.getPreEmitDiagnostics(program).filter((d) => d.file && virtual.has(d.file.fileName)).map((d) => {
    const block = virtual.get(d.file!.fileName)!;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    return `README.md:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  assert.deepEqual(problems, [], `TypeScript blocks that do not compile:\n${problems.join('\n')}`);
});

test('a block labelled with a file is that file, or an excerpt of it in order', () => {
  const labelled = blocks.filter((b) => b.lang === 'ts' && labelOf(b));
  assert.ok(labelled.length >= 4);
  for (const block of labelled) {
    const { path, excerpt } = labelOf(block)!;
    const file = readFileSync(join(ROOT, path), 'utf8');
    const shown = block.text.split('\n').slice(1).join('\n');
    if (excerpt) {
      const check = inOrder(shown, file);
      assert.ok(check.ok, `${where(block)}: this line of the excerpt is not in ${path} (in order): ${check.ok ? '' : check.missing}`);
    } else {
      assert.equal(shown.trim(), codeOf(file), `${where(block)} shows ${path}, which differs: copy the file into the README or mark the block (excerpt)`);
    }
  }
});

test('npm start runs the walkthrough: the same command as its first shell block', () => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  const walkthrough = blocks.find((b) => b.lang === 'sh' && b.section.startsWith('Walkthrough'))!;
  assert.equal(`npx ${start}`, walkthrough.text.split('\n')[0]);
});

test('every shell block says whether it runs', () => {
  const unmarked = blocks.filter((b) => b.lang === 'sh' && !/^(run: (examples|scratch|moto)( \(exits \d+\))?|not run: .+)$/.test(b.marker ?? ''));
  assert.deepEqual(unmarked.map(where), [], 'mark each shell block <!-- run: examples|scratch|moto --> or <!-- not run: why -->');
});

/** Commands that cannot run against moto, with the gap by its name in test/cloud/deploy/helpers.ts. */
const MOTO_SKIPS: Array<[RegExp, string]> = [
  [/^npx sluice lineage /, 'MOTO_LAMBDA_NO_DOCKER: the function never runs on moto, so curated holds nothing to trace'],
];

describe('the README walkthroughs, run as written', () => {
  const sections = [...new Set(blocks.filter((b) => b.lang === 'sh' && b.marker?.startsWith('run:')).map((b) => b.section))];
  const motoSkip = motoUnavailable();
  let moto: Moto | undefined;
  const shims = mkdtempSync(join(tmpdir(), 'sluice-readme-bin-'));

  before(async () => {
    // `npx sluice` in a block runs this checkout's CLI; anything else npx is given fails the test.
    writeFileSync(join(shims, 'npx'), `#!/bin/sh\nif [ "$1" = sluice ]; then shift; exec "${process.execPath}" "${BIN}" "$@"; fi\necho "the README runs npx $1, which the doc test does not provide" >&2; exit 127\n`);
    chmodSync(join(shims, 'npx'), 0o755);
    if (!motoSkip && blocks.some((b) => b.marker?.startsWith('run: moto'))) moto = await startMoto();
  });
  after(async () => {
    rmSync(shims, { recursive: true, force: true });
    await moto?.stop();
  });

  for (const section of sections) {
    const needsMoto = blocks.some((b) => b.section === section && b.marker?.startsWith('run: moto'));
    test(`section '${section}': its commands succeed and print what the README shows`, { skip: needsMoto ? motoSkip ?? false : false }, () => {
      // GIVEN a copy of examples/ as the working directory, and a scratch folder with the example's handler
      const work = mkdtempSync(join(tmpdir(), 'sluice-readme-'));
      const scratch = join(work, 'orders');
      try {
        cpSync(join(ROOT, 'examples'), join(work, 'examples'), { recursive: true, filter: (src) => !/\/(\.sluice|node_modules)(\/|$)/.test(src) });
        mkdirSync(join(scratch, 'handlers'), { recursive: true });
        cpSync(join(ROOT, 'examples/three-node-copy/handlers/copy.ts'), join(scratch, 'handlers/copy.ts'));
        const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${shims}:${process.env.PATH}`, NO_COLOR: '1', ...(moto ? { ...moto.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {}) };
        delete env.AWS_PROFILE;
        delete env.SLUICE_ASSETS_BUCKET;
        const ran = { stdout: '', stderr: '' };
        for (const block of blocks.filter((b) => b.section === section)) {
          const marker = block.marker ?? '';
          if (block.lang === 'ts' && marker.startsWith('scratch:')) writeFileSync(join(scratch, marker.slice('scratch:'.length).trim()), block.text);
          if (block.lang === 'sh' && marker.startsWith('run:')) {
            // WHEN each command of the block runs as written
            const cwd = marker.startsWith('run: scratch') ? scratch : work;
            const exits = Number(/\(exits (\d+)\)/.exec(marker)?.[1] ?? 0);
            ran.stdout = '';
            ran.stderr = '';
            for (const command of block.text.split('\n').filter((l) => l.trim() && !l.startsWith('#'))) {
              const skipped = marker.startsWith('run: moto') ? MOTO_SKIPS.find(([pattern]) => pattern.test(command)) : undefined;
              if (skipped) continue;
              const r = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 120_000 });
              // THEN it exits as the README says
              assert.equal(r.status, exits, `${where(block)}: '${command}' exited ${r.status}\n${r.stdout}\n${r.stderr}`);
              ran.stdout += r.stdout;
              ran.stderr += r.stderr;
            }
          }
          if (block.lang === '' && marker.startsWith('output')) {
            // AND prints what the README shows
            const printed = marker === 'output: stderr' ? ran.stderr : ran.stdout;
            const shown = (text: string) => normalizeOutput(text.replaceAll(scratch, '~/orders'));
            assert.equal(shown(printed), shown(block.text), `${where(block)}: the output shown differs from what the commands print`);
          }
        }
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  }
});
