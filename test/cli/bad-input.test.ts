/**
 * Bad input on the command line: each mistake a user can make is reported as one sentence that
 * names the file or node and says what to do, with a stable code, exit code 2 and no stack trace;
 * with --json the same error is a JSON document with its `code` on stdout. The cases are independent,
 * so each test starts its commands side by side.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers/cli.js';
import { assertUserError, EXAMPLE, EXAMPLE_DIR, fixture, parseJson, sluiceAwait } from './support.js';

describe('bad input is reported with the file or node, the fix, a code and exit 2', () => {
  let work: string;
  let state: string;
  let file: string;
  // `run` takes the state's engine lock, so runs started side by side each get their own state.
  let runs = 0;
  const runState = () => join(work, `run-state-${++runs}`);
  const onExample = (...args: string[]) => sluiceAwait([...args, '--entry', EXAMPLE, '--state', state]);

  before(() => {
    work = tempDir();
    state = join(work, 'state');
    file = join(work, 'note.txt');
    writeFileSync(file, 'a note\n');
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  test('pipeline files: a missing entry, an entry exporting no pipeline, an invalid pipeline, a missing handler', async () => {
    // GIVEN four broken pipeline files  WHEN the user runs each
    const [missing, noExport, invalid, noHandler] = await Promise.all([
      sluiceAwait(['run', 'test/fixtures/cli/no-such-folder/pipeline.ts', '--state', runState()]),
      sluiceAwait(['run', fixture('no-pipeline'), '--state', runState()]),
      sluiceAwait(['run', fixture('invalid'), '--state', runState()]),
      sluiceAwait(['run', fixture('missing-handler'), '--state', runState()]),
    ]);
    // THEN a missing file is named as given, with where it was looked for and how to pass one
    assertUserError(missing, 'SLUICE_E_ENTRY_MISSING', ["pipeline file 'test/fixtures/cli/no-such-folder/pipeline.ts' does not exist", join(ROOT, 'test/fixtures/cli/no-such-folder/pipeline.ts'), '--entry FILE']);
    // AND a file without a pipeline export is named, with the line that would fix it
    assertUserError(noExport, 'SLUICE_E_ENTRY_EXPORT', [fixture('no-pipeline'), 'does not export a pipeline', 'export default pipeline(']);
    // AND every problem of an invalid pipeline is listed at once, each naming its node and field
    assertUserError(invalid, 'SLUICE_E_PIPELINE_INVALID', [
      "pipeline 'Invalid_Name' has 4 problems",
      "pipeline name must be 2 to 40 lower-case letters, digits and hyphens, starting with a letter (given 'Invalid_Name')",
      "fn 'parse': memory must be between 128 and 10240 MB (given 64) [SLUICE_E_FN_MEMORY]",
      "queue 'orders': visibilityTimeout must be between 0 and 43200 seconds (given 50000) [SLUICE_E_QUEUE_VISIBILITY]",
      "fn 'parse' cannot connect to fn 'enrich'",
      'put a queue or topic between them',
    ]);
    // AND a missing handler names the function, the path as written and where it was looked for
    assertUserError(noHandler, 'SLUICE_E_HANDLER_MISSING', ["fn 'transform'", "handler file './handlers/transform.ts' does not exist", join(ROOT, 'test/fixtures/cli/missing-handler/handlers/transform.ts'), 'create it or fix the path']);
  });

  test('putting files: --put without "=", an unknown bucket (put and --put), a path that does not exist', async () => {
    // WHEN the user gets a put wrong in each way
    const [noEquals, unknownPut, unknownRunPut, missingPath] = await Promise.all([
      sluiceAwait(['run', EXAMPLE, '--put', 'raw', '--state', runState()]),
      onExample('put', 'landing', file),
      sluiceAwait(['run', EXAMPLE, '--put', `landing=${file}`, '--state', runState()]),
      onExample('put', 'raw', join(work, 'not-there')),
    ]);
    // THEN each says what was given and what is expected
    assertUserError(noEquals, 'SLUICE_E_PUT_SPEC', ['--put takes bucket=path', "(given 'raw')", '--put raw=./data']);
    assertUserError(unknownPut, 'SLUICE_E_UNKNOWN_NODE', ["bucket 'landing' is not in pipeline 'three-node-pipe'", '(its buckets: raw, curated)']);
    assertUserError(unknownRunPut, 'SLUICE_E_UNKNOWN_NODE', ["bucket 'landing' is not in pipeline 'three-node-pipe'", '(its buckets: raw, curated)']);
    assertUserError(missingPath, 'SLUICE_E_FILE_MISSING', [join(work, 'not-there'), 'does not exist', 'give a file or a folder']);
  });

  test('reading and sending: cat of a missing key or bucket, send to a bucket or with a bad attribute, dlq of a bucket', async () => {
    // WHEN the user points a command at the wrong thing
    const [missingKey, missingBucket, sendToBucket, badAttribute, dlqOfBucket] = await Promise.all([
      onExample('cat', 'curated', 'no/such/key.txt'),
      onExample('cat', 'archive', 'key.txt'),
      onExample('send', 'raw', '{"id":1}'),
      sluiceAwait(['send', 'orders', '{}', '--attribute', 'objectType', '--entry', fixture('messages'), '--state', state]),
      onExample('dlq', 'list', 'raw'),
    ]);
    // THEN each names the node or key and the way forward
    assertUserError(missingKey, 'SLUICE_E_NO_SUCH_KEY', ["object 'no/such/key.txt' does not exist in bucket 'curated'", 'sluice ls curated']);
    assertUserError(missingBucket, 'SLUICE_E_UNKNOWN_NODE', ["bucket 'archive' is not in pipeline 'three-node-pipe'", '(its buckets: raw, curated)']);
    assertUserError(sendToBucket, 'SLUICE_E_UNKNOWN_NODE', ["'raw' is a bucket, not a queue or topic", 'sluice put raw FILE']);
    assertUserError(badAttribute, 'SLUICE_E_ATTRIBUTE', ['--attribute takes name=value', "(given 'objectType')"]);
    assertUserError(dlqOfBucket, 'SLUICE_E_NO_DLQ', ["'raw' has no dead-letter queue", 'only queues and functions do', 'functions: copy']);
  });

  test('a pipeline file that throws, and option values out of range (worker --max-messages, logs --since)', async () => {
    // WHEN the user runs a pipeline whose file throws, and gives options values they do not take
    const [throws, maxMessages, since] = await Promise.all([
      sluiceAwait(['nodes', fixture('throws')]),
      sluiceAwait(['worker', 'copy', '--stage', 'dev', '--max-messages', '0', '--entry', EXAMPLE]),
      sluiceAwait(['logs', 'copy', '--stage', 'dev', '--since', 'yesterday', '--entry', EXAMPLE]),
    ]);
    // THEN each is one sentence with its code, before anything touches AWS
    assertUserError(throws, 'SLUICE_E_ENTRY_LOAD', ['failed to load', 'the pipeline file broke on purpose']);
    assertUserError(maxMessages, 'SLUICE_E_OPTION', ['--max-messages must be a whole number above 0', "(given '0')"]);
    assertUserError(since, 'SLUICE_E_SINCE', ['yesterday']);
  });

  test('a usage mistake (missing argument, unknown option, unknown command) exits 2, not the 1 that means dead letters', async () => {
    // WHEN the user leaves out an argument, misspells an option or a command
    const [missingArgument, unknownOption, unknownCommand] = await Promise.all([
      sluiceAwait(['cat', 'curated']),
      sluiceAwait(['run', EXAMPLE, '--stat', state]),
      sluiceAwait(['rn', EXAMPLE]),
    ]);
    // THEN each exits 2 with commander's message and a pointer to --help
    for (const [result, message] of [[missingArgument, "missing required argument 'key'"], [unknownOption, "unknown option '--stat'"], [unknownCommand, "unknown command 'rn'"]] as const) {
      assert.equal(result.status, 2, `${message}: ${result.stderr}`);
      assert.ok(result.stderr.includes(message), result.stderr);
      assert.ok(result.stderr.includes('--help'), result.stderr);
    }
  });

  test('with --json every error is a JSON document on stdout with its code, message and details', async () => {
    // WHEN the same kinds of mistakes are made with --json
    const [missing, invalid, missingKey, usage] = await Promise.all([
      sluiceAwait(['run', 'no-such-pipeline.ts', '--json', '--state', runState()]),
      sluiceAwait(['run', fixture('invalid'), '--json', '--state', runState()]),
      onExample('cat', 'curated', 'nope.txt', '--json'),
      sluiceAwait(['ls', '--json']),
    ]);
    // THEN each exits 2 with a parseable error carrying a stable code, and nothing for people on stderr
    for (const [result, code] of [[missing, 'SLUICE_E_ENTRY_MISSING'], [invalid, 'SLUICE_E_PIPELINE_INVALID'], [missingKey, 'SLUICE_E_NO_SUCH_KEY'], [usage, 'SLUICE_E_USAGE']] as const) {
      assert.equal(result.status, 2, `${code}: ${result.stdout}${result.stderr}`);
      const error = parseJson(result);
      assert.equal(error.code, code);
      assert.equal(typeof error.message, 'string');
      assert.equal(result.stderr, '', `${code}: stderr stays empty with --json`);
    }
    assert.match(parseJson(missingKey).message, /object 'nope\.txt' does not exist in bucket 'curated'/);
    assert.equal(parseJson(usage).message, "missing required argument 'bucket'");
    // AND an invalid pipeline's problems are listed as data, each with its code and node
    const problems = parseJson(invalid).problems.map((p: { code: string; node: string }) => `${p.code} ${p.node}`);
    assert.deepEqual(problems.sort(), ['SLUICE_E_EDGE_KIND parse', 'SLUICE_E_FN_MEMORY parse', 'SLUICE_E_PIPELINE_NAME Invalid_Name', 'SLUICE_E_QUEUE_VISIBILITY orders']);
  });

  test('the default entry is ./pipeline.ts: run in a folder without one says so and how to pass a file', async () => {
    // WHEN the user runs sluice in a folder that holds no pipeline.ts (the example's sample data)
    const result = await sluiceAwait(['run', '--state', runState()], { cwd: join(EXAMPLE_DIR, 'sample-data') });
    // THEN the message names the default file and the two ways to give one
    assertUserError(result, 'SLUICE_E_ENTRY_MISSING', ["pipeline file 'pipeline.ts' does not exist", 'sluice run path/to/pipeline.ts', '--entry FILE']);
  });
});
