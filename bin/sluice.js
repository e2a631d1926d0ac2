#!/usr/bin/env node
// The sluice CLI: sluice's JavaScript, built into dist/ by `npm ci` (the `prepare` script). In a
// checkout of sluice (src/ beside dist/), dist/ is rebuilt first when a source file changed since the
// last build, so the CLI never runs stale code. With SLUICE_FROM_SOURCE=1 it runs the TypeScript
// sources through tsx instead (slower to start; for debugging sluice itself). An installed package
// ships dist/ and no src/ (package.json `files`): it runs dist/ as it is, with no build tool needed.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
const checkout = existsSync(new URL('../src/cli/main.ts', import.meta.url));
if (process.env.SLUICE_FROM_SOURCE === '1' && checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
} else {
  if (process.env.SLUICE_FROM_SOURCE === '1') process.stderr.write('sluice: SLUICE_FROM_SOURCE=1 needs a checkout of sluice (this installed copy has no src/); running dist/\n');
  if (checkout) {
    const { distIsFresh, build } = await import('../scripts/build.mjs');
    if (!distIsFresh()) {
      const { files, ms } = await build();
      process.stderr.write(`sluice: rebuilt dist/ from changed sources (${files} files, ${ms} ms)\n`);
    }
  }
  await import(built.href);
}
