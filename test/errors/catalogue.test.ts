/**
 * The error catalogue holds: docs/errors.md is what the catalogue renders to; every code sluice raises
 * is in the catalogue (the compiler checks the error classes; this checks every literal in src/), every
 * catalogued code is still raised, and every code is asserted by some test, or named below with why
 * no test reaches it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, type ErrorCode } from '../../src/model/error-codes.js';
import { ERRORS_DOC, renderErrorsDoc } from '../../scripts/errors-doc.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/** Codes no test asserts, each with the reason. */
const NOT_ASSERTED: Partial<Record<ErrorCode, string>> = {
  SLUICE_E_BUNDLE: 'synth bundles and imports each handler for Node (to read its options) before bundling it for Lambda, so a file that does not build fails there first, as SLUICE_E_HANDLER_LOAD; BUNDLE is left for a file that builds for Node but not for Lambda',
  SLUICE_E_DEPLOY_DESTROY_FAILED: 'needs a stack CloudFormation fails to delete; moto deletes every stack it created (the deploy tests destroy stacks holding data, retained buckets and protected tables)',
  SLUICE_E_DEPLOY_STACK_STATE: 'needs a stack left in a *_FAILED state; moto never leaves one (MOTO_CFN_NO_ROLLBACK in test/cloud/deploy/helpers.ts)',
};

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, keep));
    else if (keep(full)) out.push(full);
  }
  return out;
}

const codesIn = (files: string[]) => new Set(files.flatMap((f) => readFileSync(f, 'utf8').match(/SLUICE_E_[A-Z0-9_]*[A-Z0-9](?![A-Z0-9_*])/g) ?? []));
const catalogue = new Set(Object.keys(ERROR_CODES));

test('docs/errors.md is the catalogue rendered (npm run docs:errors rewrites it)', () => {
  assert.equal(readFileSync(ERRORS_DOC, 'utf8'), renderErrorsDoc());
});

test('every code in src/ is in the catalogue, and every catalogued code is raised in src/', () => {
  const src = filesUnder(join(ROOT, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('error-codes.ts'));
  const used = codesIn(src);
  assert.deepEqual([...used].filter((c) => !catalogue.has(c)), [], 'codes raised but not catalogued');
  assert.deepEqual([...catalogue].filter((c) => !used.has(c)), [], 'catalogued codes nothing raises');
});

test('every code is asserted by a test, or named here with why not', () => {
  const tests = filesUnder(join(ROOT, 'test'), (f) => f.endsWith('.ts') && f !== THIS_FILE).concat(filesUnder(join(ROOT, 'examples'), (f) => f.endsWith('.test.ts')));
  const asserted = codesIn(tests);
  const missing = [...catalogue].filter((c) => !asserted.has(c) && !(c in NOT_ASSERTED));
  assert.deepEqual(missing, [], `codes no test in ${tests.length} files asserts (add a test, or a reason to NOT_ASSERTED in ${relative(ROOT, THIS_FILE)})`);
  const stale = Object.keys(NOT_ASSERTED).filter((c) => asserted.has(c));
  assert.deepEqual(stale, [], 'codes listed as not asserted that a test now asserts: remove them from NOT_ASSERTED');
});

test('each entry says where it is raised, what it means and how to fix it, in one line each', () => {
  for (const [code, e] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^SLUICE_E_[A-Z0-9_]+$/);
    for (const text of [e.meaning, e.fix]) assert.ok(text.length > 10 && !text.includes('\n'), `${code}: ${text}`);
  }
});
