/**
 * Failures as a user meets them on the CLI: a function that always throws makes `sluice run` exit 1
 * with its error; `sluice dlq list` shows the dead letter and why; `sluice dlq redrive` sends it back,
 * and once the handler is fixed the next run drains it. The same for a queue's dead-letter queue.
 * The function case runs on a copy of test/fixtures/cli/failing, so its handler can be fixed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sluice, tempDir } from '../helpers/cli.js';
import { copyPipeline, fixture, parseJson, removeRepoTempDir, sluiceAwait, type CliResult } from './support.js';

const ERROR_MESSAGE = "cannot validate 'orders.csv': no customer column";

describe('a function that always throws', () => {
  let dir: string;
  let failedRun: CliResult;
  const cli = (...args: string[]) => sluice(args, { cwd: dir });

  before(() => {
    // GIVEN a copy of a pipeline whose function 'validate' throws for every object
    dir = copyPipeline(dirname(fixture('failing')));
    writeFileSync(join(dir, 'orders.csv'), 'id,total\n1,9.50\n');
    // WHEN a file is put and the pipeline run (from the pipeline's folder, so every default applies)
    failedRun = cli('run', '--put', 'raw=orders.csv');
  });

  after(() => removeRepoTempDir(dir));

  test('run exits 1, names the failing function and prints its error message', () => {
    // THEN the exit code says something was dead-lettered
    assert.equal(failedRun.status, 1, failedRun.stdout + failedRun.stderr);
    // AND the summary counts 3 attempts (1 + 2 async retries), all failed, one dead letter
    assert.match(failedRun.stdout, /^validate\s+fn\s+3\s+0\s+3\s+2\s+1$/m);
    assert.match(failedRun.stdout, /1 dead-lettered \(see: sluice dlq list <node>\)/);
    // AND the error is shown with the function it came from, on stdout and as progress on stderr
    assert.ok(failedRun.stdout.includes(`✗ fn 'validate': Error: ${ERROR_MESSAGE}`), failedRun.stdout);
    assert.ok(failedRun.stderr.includes(`✗ validate: Error: ${ERROR_MESSAGE}`), failedRun.stderr);
    assert.doesNotMatch(failedRun.stderr, /internal error/);
  });

  test('a run with nothing new to fail exits 0: old dead letters do not fail every later run', () => {
    // WHEN the pipeline is run again with nothing pending
    const again = cli('run');
    // THEN it succeeds AND reports no new dead letter
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^validate\s+fn\s+0\s+0\s+0\s+0\s+0$/m);
  });

  test('dlq list shows the dead letter with its error, its attempts and the event that failed', () => {
    // WHEN the user lists the function's dead letters
    const human = cli('dlq', 'list', 'validate');
    // THEN each is shown with the condition, the attempts and the error
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /✗ \S+ RetriesExhausted after 3 attempt\(s\) at \S+/);
    assert.ok(human.stdout.includes(`Error: ${ERROR_MESSAGE}`), human.stdout);
    // AND --json gives the same as data, with the original event
    const listed = parseJson(cli('dlq', 'list', 'validate', '--json'));
    assert.equal(listed.node, 'validate');
    assert.equal(listed.deadLetters.length, 1);
    const [letter] = listed.deadLetters;
    assert.equal(letter.condition, 'RetriesExhausted');
    assert.equal(letter.attempts, 3);
    assert.equal(letter.error.errorMessage, ERROR_MESSAGE);
    assert.equal(letter.event.Records[0].s3.object.key, 'orders.csv');
  });

  test('redrive sends the dead letter back, and after the handler is fixed the next run processes it', () => {
    // WHEN the user redrives the function's dead letters
    const redrive = cli('dlq', 'redrive', 'validate', '--json');
    // THEN one was sent back AND none is left
    assert.equal(redrive.status, 0, redrive.stderr);
    assert.deepEqual(parseJson(redrive), { node: 'validate', stage: 'local', redriven: 1 });
    // WHEN the handler is fixed and the pipeline run
    writeFileSync(
      join(dir, 'handlers', 'validate.ts'),
      "import { component } from 'sluice/runtime';\nexport default component(async (input, ctx) => (input.kind === 'object' ? [ctx.object(input.key, await ctx.body(input))] : []));\n",
    );
    const fixed = cli('run', '--json');
    // THEN the redriven event succeeds in one invocation AND nothing is dead-lettered
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    const report = parseJson(fixed);
    const validate = report.nodes.find((n: { node: string }) => n.node === 'validate');
    assert.deepEqual({ invocations: validate.invocations, successes: validate.successes, failures: validate.failures }, { invocations: 1, successes: 1, failures: 0 });
    assert.equal(report.deadLettered, 0);
    // AND the object reached curated
    assert.equal(cli('cat', 'curated', 'orders.csv').stdout, 'id,total\n1,9.50\n');
    assert.equal(cli('dlq', 'list', 'validate').stdout.trim(), "'validate' has no dead letters");
  });
});

describe("a queue consumer that throws for one message", () => {
  const entry = fixture('messages');
  let state: string;
  const cli = (...args: string[]) => sluice([...args, '--entry', entry, '--state', state]);

  before(() => {
    state = tempDir();
  });

  after(() => rmSync(state, { recursive: true, force: true }));

  test("moves the message to the queue's DLQ after maxReceiveCount receives; dlq list shows its body and error, redrive returns it", async () => {
    // GIVEN a poison message and a good one sent to 'jobs' (maxReceiveCount 2)
    const sends = await Promise.all(['poison-pill', 'fine'].map((body) => sluiceAwait(['send', 'jobs', body, '--entry', entry, '--state', state])));
    for (const send of sends) assert.equal(send.status, 0, send.stderr);
    // WHEN the pipeline runs
    const run = sluice(['run', entry, '--state', state]);
    // THEN it exits 1 AND the queue's row counts one redelivery and one dead letter
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^jobs\s+queue\s+1\s+1\s+0 waiting$/m);
    assert.ok(run.stdout.includes("✗ fn 'work': Error: cannot process 'poison-pill'"), run.stdout);
    // AND the good message went through
    assert.match(run.stdout, /^seen\s+bucket\s+1 object\(s\)$/m);
    // WHEN the user lists the queue's dead letters
    const human = cli('dlq', 'list', 'jobs');
    // THEN the poison message is shown with its receive count, the consumer's error and its body
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, /received 2 time\(s\)/);
    assert.ok(human.stdout.includes("Error: cannot process 'poison-pill'"), human.stdout);
    assert.match(human.stdout, /^\s+poison-pill$/m);
    const listed = parseJson(cli('dlq', 'list', 'jobs', '--json'));
    assert.equal(listed.deadLetters.length, 1);
    assert.equal(listed.deadLetters[0].body, 'poison-pill');
    assert.equal(listed.deadLetters[0].attempts, 2);
    // WHEN it is redriven
    const redrive = cli('dlq', 'redrive', 'jobs');
    // THEN it is back in the queue, waiting for the next run
    assert.equal(redrive.status, 0, redrive.stderr);
    assert.equal(redrive.stdout.trim(), "redrove 1 message(s) of 'jobs'");
    // AND the next run receives it again (and, still poison, dead-letters it again)
    const rerun = parseJson(sluice(['run', entry, '--state', state, '--json']));
    assert.equal(rerun.nodes.find((n: { node: string }) => n.node === 'work').invocations, 2, 'the redriven message is received again');
    assert.equal(rerun.deadLettered, 1);
  });
});
