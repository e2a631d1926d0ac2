/**
 * Each example's README shows what the example costs: its `<!-- run: cost -->` command, run here as
 * written, must print the totals its `<!-- output: totals -->` block shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sluice } from '../helpers/cli.js';

const examples = readdirSync(join(ROOT, 'examples')).filter((e) => existsSync(join(ROOT, 'examples', e, 'README.md')));

for (const example of examples) {
  test(`examples/${example}/README.md: its cost command prints the totals it shows`, () => {
    // GIVEN the README's cost command and the totals it shows
    const readme = readFileSync(join(ROOT, 'examples', example, 'README.md'), 'utf8');
    const command = /<!-- run: cost -->\n```sh\n(.+)\n```/.exec(readme);
    const totals = /<!-- output: totals -->\n```\n([\s\S]+?)\n```/.exec(readme);
    assert.ok(command && totals, `examples/${example}/README.md has a cost command and its totals`);
    const [npx, name, ...args] = command[1]!.split(' ');
    assert.deepEqual([npx, name], ['npx', 'sluice']);
    // WHEN it runs from the repository's root
    const r = sluice(args);
    // THEN it succeeds and prints each line shown
    assert.equal(r.status, 0, r.stderr);
    const printed = r.stdout.split('\n');
    for (const line of totals[1]!.split('\n')) assert.ok(printed.includes(line), `prints '${line}'\n${r.stdout}`);
  });
}
