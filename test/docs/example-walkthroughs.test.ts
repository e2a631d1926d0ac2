/**
 * The examples' README walkthroughs run as written: each shell block marked `<!-- run: examples -->` in
 * examples/<name>/README.md runs, command by command, in a copy of examples/ inside the repository (so
 * the examples' imports resolve), with `npx sluice` this checkout's CLI; each command exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { readmeBlocks } from './readme-blocks.js';

const examples = readdirSync(join(ROOT, 'examples')).filter((e) => existsSync(join(ROOT, 'examples', e, 'README.md')));

for (const example of examples) {
  const blocks = readmeBlocks(readFileSync(join(ROOT, 'examples', example, 'README.md'), 'utf8')).filter((b) => b.lang === 'sh' && b.marker === 'run: examples');
  if (blocks.length === 0) continue;
  test(`examples/${example}/README.md: its walkthroughs run as written`, { timeout: 600_000 }, () => {
    // GIVEN a copy of examples/ inside the repository and `npx sluice` as this checkout's CLI
    const work = mkdtempSync(join(ROOT, '.walkthrough-'));
    try {
      cpSync(join(ROOT, 'examples'), join(work, 'examples'), { recursive: true, filter: (src) => !/\/(\.sluice|node_modules)(\/|$)/.test(src) });
      writeFileSync(join(work, 'npx'), `#!/bin/sh\nif [ "$1" = sluice ]; then shift; exec "${process.execPath}" "${BIN}" "$@"; fi\nexit 127\n`);
      chmodSync(join(work, 'npx'), 0o755);
      const env = { ...process.env, PATH: `${work}:${process.env.PATH}`, NO_COLOR: '1' };
      for (const block of blocks) {
        for (const command of block.text.split('\n').filter((l) => l.trim() && !l.startsWith('#'))) {
          // WHEN each command runs THEN it exits 0
          const r = spawnSync('bash', ['-c', command], { cwd: work, env, encoding: 'utf8', timeout: 180_000 });
          assert.equal(r.status, 0, `examples/${example}/README.md:${block.line}: '${command}' exited ${r.status}\n${r.stdout}\n${r.stderr}`);
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
