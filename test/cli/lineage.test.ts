/**
 * The Pylon components example from the command line: `sluice run --json` with heartbeats and timings,
 * config from `.env` beside the pipeline, the secret from `.sluice/secrets.json`, and
 * `sluice lineage` walking a lake file back to the request that started it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sluice } from '../helpers/cli.js';
import { assertUserError, copyPipeline, parseJson, removeRepoTempDir } from './support.js';

const SECRET = 'cli-test-key-4711';

describe('the Pylon components example on the command line', () => {
  let dir: string;
  let report: any;
  const cli = (...args: string[]) => sluice(args, { cwd: dir });

  before(() => {
    // GIVEN a copy of the example with its sample data, the local secret, and a .env overriding one step's country
    const example = join(ROOT, 'examples/pylon-components');
    dir = copyPipeline(example);
    cpSync(join(example, 'sample-data'), join(dir, 'sample-data'), { recursive: true });
    mkdirSync(join(dir, '.sluice'), { recursive: true });
    writeFileSync(join(dir, '.sluice', 'secrets.json'), JSON.stringify({ '/incidents/api-key': SECRET }));
    writeFileSync(join(dir, '.env'), '# per-node override\nparse-incidents.country=NZ\n');
    // WHEN the user runs it with the sample requests and --json
    const run = cli('run', '--put', 'requests=sample-data/requests', '--json');
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    report = parseJson(run);
  });

  after(() => removeRepoTempDir(dir));

  test('run --json reports a start heartbeat per started worker, a core_process heartbeat and timings per input', () => {
    // Each worker thread is a sandbox of its own, so a step with two busy workers starts twice.
    const starts = report.log.filter((l: any) => l.type === 'heartbeat' && l.name === 'start');
    assert.deepEqual([...new Set(starts.map((l: any) => l.fn))].sort(), ['fetch-resource', 'parse-incidents', 'record-updates', 'write-assets']);
    assert.ok(starts.every((l: any) => l.execution === 'run_once' && l.message === 'heartbeat start'));
    const beats = report.log.filter((l: any) => l.type === 'heartbeat' && l.name === 'core_process');
    const timings = report.log.filter((l: any) => l.type === 'timed_execution');
    assert.equal(beats.length, 8, 'two requests through four steps');
    assert.deepEqual(timings.map((l: any) => l.ingestionId), beats.map((l: any) => l.ingestionId));
    assert.match(timings[0].message, /^timed_execution core_process [\d.]+ total [\d.]+$/);
    // AND per step, how many inputs it ran and its average and longest times
    assert.equal(report.timings['parse-incidents'].executions, 2);
    assert.ok(report.timings['parse-incidents'].totalMs.avg >= report.timings['parse-incidents'].coreMs.avg);
  });

  test('.env beside the pipeline overrides a step\'s config; the secret comes from .sluice/secrets.json and is never printed', () => {
    const lake = parseJson(cli('ls', 'lake', '--json')).objects.map((o: { key: string }) => o.key);
    assert.equal(lake.length, 3);
    assert.ok(lake.every((k: string) => k.includes('/country=NZ/')), lake.join('\n'));
    assert.ok(!JSON.stringify(report).includes(SECRET));
  });

  test('sluice lineage prints the chain from a lake file back to the request, each step with its time and metadata', () => {
    const lake = parseJson(cli('ls', 'lake', '--json')).objects.map((o: { key: string }) => o.key);
    const key = lake.find((k: string) => k.includes('day=2026-01-06'))!;
    const human = cli('lineage', 'lake', key);
    assert.equal(human.status, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`^lake/${key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, written by:\n1\\. write-assets \\(sink\\) at \\S+Z\n`));
    assert.match(human.stdout, /\n2\. parse-incidents \(component\) at .*\n.*ingestion [0-9a-f-]{36}  version [0-9a-f]{12}  core [\d.]+ ms, total [\d.]+ ms\n\s+metadata  \{"resource":"file:.*incidents-2026-01-06\.csv","rows":3\}\n\s+input     message \S+ from queue 'to-parse' \(urlResource\)\n/);
    assert.match(human.stdout, /\n3\. fetch-resource \(source\) at /);
    assert.match(human.stdout, /\nroot input: object 'incidents-2026-01-06\.json' in bucket 'requests'\n$/);
    // AND --json gives the chain as data
    const json = parseJson(cli('lineage', 'lake', key, '--json'));
    assert.deepEqual(json.steps.map((s: any) => s.artifactName), ['write-assets', 'parse-incidents', 'fetch-resource']);
    assert.deepEqual(json.root.map((r: any) => [r.bucket, r.key]), [['requests', 'incidents-2026-01-06.json']]);
  });

  test('lineage of a root input or a missing object is a user error naming what to do', () => {
    assertUserError(cli('lineage', 'requests', 'incidents-2026-01-05.json'), 'SLUICE_E_NO_LINEAGE', ["object 'incidents-2026-01-05.json' in bucket 'requests' carries no ingestion id"]);
    assertUserError(cli('lineage', 'lake', 'nope'), 'SLUICE_E_NO_SUCH_KEY', ["object 'nope' does not exist in bucket 'lake'"]);
  });
});
