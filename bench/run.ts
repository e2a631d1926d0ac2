/**
 * `npm run bench [-- name...]`: runs every benchmark (or those named), each printing its figures
 * beside a baseline measured in the same run. Never part of `npm test`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_')).sort();
for (const file of files) {
  const name = file.replace(/\.ts$/, '');
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  const mod = await import(pathToFileURL(join(dir, file)).href);
  await mod.default();
}
