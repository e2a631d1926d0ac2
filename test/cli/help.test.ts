/**
 * `sluice --help`: the commands a user can discover, and the options every command shares.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sluiceAwait } from './support.js';

const COMMANDS = ['run', 'dev', 'put', 'send', 'ls', 'cat', 'nodes', 'dlq', 'synth', 'lineage', 'invoke'];

test('the top-level help lists every command with a description, and exits 0', async () => {
  // WHEN the user asks for help, and for the dlq command's help
  const [help, dlq] = await Promise.all([sluiceAwait(['--help']), sluiceAwait(['dlq', '--help'])]);
  // THEN every command is listed with a line saying what it does
  assert.equal(help.status, 0, help.stderr);
  for (const command of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${command}\\b.*\\S\\s{2,}\\S`, 'm'), `'${command}' listed with a description`);
  // AND dlq's help lists its two subcommands
  assert.equal(dlq.status, 0, dlq.stderr);
  assert.match(dlq.stdout, /^  list \[options\] <node>/m);
  assert.match(dlq.stdout, /^  redrive \[options\] <node>/m);
});

test('every command that reads a pipeline takes --json and the pipeline file; local ones take --state', async () => {
  // WHEN the user asks each command for its help
  const helps = await Promise.all(COMMANDS.filter((c) => c !== 'dlq').map(async (command) => [command, await sluiceAwait([command, '--help'])] as const));
  // THEN each documents --json and --entry AND those on the local engine document --state
  for (const [command, help] of helps) {
    assert.equal(help.status, 0, `${command}: ${help.stderr}`);
    assert.ok(help.stdout.includes('--json'), `${command} --help mentions --json`);
    assert.ok(help.stdout.includes('--entry <file>'), `${command} --help mentions --entry`);
    if (command !== 'synth' && command !== 'nodes') assert.ok(help.stdout.includes('--state <dir>'), `${command} --help mentions --state`);
  }
});
