/**
 * Secrets never leave the step that reads them, by any way out: log lines and their fields, what the
 * handler prints, errors (message, stack, properties, thrown non-Error values), dead letters, the run
 * report, and the state on disk. Outputs that would carry one to another step (message bodies,
 * attributes, subjects, envelopes, objects and their metadata) are refused with SLUICE_E_SECRET_LEAK.
 * Each way is tried with a plain secret and with one full of JSON and shell metacharacters, which a
 * search of serialized text would miss.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sluice, tempDir } from '../helpers/cli.js';

const SECRETS = { plain: 'plain-s3cr3t-value-42', nasty: 'q"u\\o\'te $(rm -rf ~) `id` {"k":[1]} \u00e9\n<&>' };
const REFUSED = ['message', 'attribute', 'subject', 'envelope', 'object', 'metadata'];
const REDACTED = ['log', 'console', 'throw', 'throw-string', 'throw-object', 'throw-code'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('GIVEN a step with a plain and a metacharacter-laden secret WHEN it tries every way out THEN no byte of either leaves it, and outputs carrying one are refused', { timeout: 120_000 }, () => {
  const work = tempDir();
  try {
    // GIVEN the pipeline with its secrets file, and one command message per way out and secret
    cpSync(join(ROOT, 'test/fixtures/cli/secret-leaks'), work, { recursive: true });
    mkdirSync(join(work, '.sluice'), { recursive: true });
    writeFileSync(join(work, '.sluice', 'secrets.json'), JSON.stringify({ '/t/plain': SECRETS.plain, '/t/nasty': SECRETS.nasty }));
    const entry = join(work, 'pipeline.ts');
    const state = join(work, 'state');
    const commands = [...REFUSED, ...REDACTED].flatMap((way) => [`${way}:plain`, `${way}:nasty`]);
    for (const body of commands) assert.equal(sluice(['send', 'commands', body, '--entry', entry, '--state', state]).status, 0);

    // WHEN the pipeline runs
    const run = sluice(['run', entry, '--state', state, '--json']);
    // THEN every command failed and was dead-lettered but the two that only print and log
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as Record<string, unknown>; // stdout is the report alone: what the handler printed went to stderr
    assert.ok(report);
    const dlq = sluice(['dlq', 'list', 'commands', '--entry', entry, '--state', state, '--json']);
    const letters = (JSON.parse(dlq.stdout) as { deadLetters: Array<{ body: string; error?: { code?: string; errorMessage: string } }> }).deadLetters;
    const failed = new Map(letters.map((l) => [l.body, l.error]));
    assert.deepEqual([...failed.keys()].sort(), commands.filter((c) => !c.startsWith('log:') && !c.startsWith('console:')).sort());
    // AND each output that would carry a secret was refused, naming the rule
    for (const way of REFUSED) for (const which of ['plain', 'nasty']) {
      assert.equal(failed.get(`${way}:${which}`)?.code, 'SLUICE_E_SECRET_LEAK', `${way}:${which}: ${JSON.stringify(failed.get(`${way}:${which}`))}`);
    }
    // AND the errors that quoted a secret say *** instead
    assert.match(failed.get('throw:nasty')!.errorMessage, /the API refused \*\*\*/);
    assert.match(failed.get('throw-string:plain')!.errorMessage, /refused \*\*\*/);
    // AND the printed lines and log fields were redacted where they stood
    assert.match(run.stderr, /the key is \*\*\*/);
    assert.match(run.stderr, /inline \*\*\*/);

    // AND neither secret appears anywhere: stdout, stderr, the dead letters, the lineage, the state on disk
    const places: Array<[string, Buffer | string]> = [['stdout', run.stdout], ['stderr', run.stderr], ['dlq list', dlq.stdout]];
    for (const file of filesUnder(state)) places.push([file, readFileSync(file)]);
    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const probe of [secret, JSON.stringify(secret).slice(1, -1)]) {
        for (const [where, content] of places) {
          assert.ok(!(typeof content === 'string' ? content.includes(probe) : content.includes(probe)), `the ${name} secret (${JSON.stringify(probe)}) leaked into ${where}`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
