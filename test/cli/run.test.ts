/**
 * `sluice run` on the three-node example (raw -> copy -> curated), the way a user drives it: a folder
 * of files in, copies out under the same keys, the per-node summary, state that carries over between
 * runs and lives where --state says, `sluice put` feeding the next run, and --json for programs.
 * One state folder is shared by the tests, in order, as a user's session would.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluice, tempDir } from '../helpers/cli.js';
import { EXAMPLE, parseJson, type CliResult } from './support.js';

const BINARY = Buffer.from([0, 1, 2, 254, 255, 0x80, 0x0a]);

describe('sluice run on the three-node example', () => {
  let work: string;
  let state: string;
  let firstRun: CliResult;
  const data = (...args: string[]) => sluice([...args, '--entry', EXAMPLE, '--state', state]);

  before(() => {
    // GIVEN a folder of files: one at the top, one in nested folders, one whose name has a space
    // (in a folder whose name has one too), and one that is not text
    work = tempDir();
    state = join(work, 'state');
    const input = join(work, 'input');
    mkdirSync(join(input, 'nested', 'deep'), { recursive: true });
    mkdirSync(join(input, 'with space'));
    writeFileSync(join(input, 'orders.csv'), 'id,total\n1,9.50\n');
    writeFileSync(join(input, 'nested', 'deep', 'customer.json'), '{"id":1}');
    writeFileSync(join(input, 'with space', 'q3 summary.txt'), 'all good\n');
    writeFileSync(join(input, 'image.bin'), BINARY);
    // WHEN the user runs the pipeline with the folder put into raw, state in a folder of their choosing
    firstRun = sluice(['run', EXAMPLE, '--put', `raw=${input}`, '--state', state]);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  test('copies every file into curated, keyed by its path relative to the folder with / separators', () => {
    // THEN the run succeeds AND curated holds one object per file, under the same keys as raw
    assert.equal(firstRun.status, 0, firstRun.stderr);
    const curated = parseJson(data('ls', 'curated', '--json'));
    const keys = curated.objects.map((o: { key: string }) => o.key).sort();
    assert.deepEqual(keys, ['image.bin', 'nested/deep/customer.json', 'orders.csv', 'with space/q3 summary.txt']);
  });

  test('prints a per-node summary: invocations, successes, failures, retries, dead letters and object counts', () => {
    // THEN each node has its line AND the totals line counts puts and invocations
    assert.match(firstRun.stdout, /^node\s+kind\s+invocations\s+ok\s+failed\s+retries\s+dlq'd/m);
    assert.match(firstRun.stdout, /^raw\s+bucket\s+4 object\(s\)$/m);
    assert.match(firstRun.stdout, /^copy\s+fn\s+4\s+4\s+0\s+0\s+0$/m);
    assert.match(firstRun.stdout, /^curated\s+bucket\s+4 object\(s\)$/m);
    assert.match(firstRun.stdout, /three-node-pipe: 4 object\(s\) put, 4 invocation\(s\) in [\d.]+ s$/m);
    assert.doesNotMatch(firstRun.stdout, /dead-lettered/);
    // AND progress goes to stderr, keeping stdout for the result
    assert.match(firstRun.stderr, /put 4 file\(s\) into 'raw'/);
  });

  test('cat prints the copied bytes exactly, for a key with a space and for a binary object', () => {
    // WHEN the user prints a copied text object
    const text = data('cat', 'curated', 'with space/q3 summary.txt');
    // THEN stdout is its content, byte for byte
    assert.equal(text.status, 0, text.stderr);
    assert.equal(text.stdout, 'all good\n');
    // AND with --json a binary object comes back as base64 with its metadata
    const binary = parseJson(data('cat', 'curated', 'image.bin', '--json'));
    assert.equal(binary.bucket, 'curated');
    assert.equal(binary.key, 'image.bin');
    assert.equal(binary.size, BINARY.length);
    assert.equal(Buffer.from(binary.bodyBase64, 'base64').toString('hex'), BINARY.toString('hex'));
    assert.equal(binary.body, undefined);
  });

  test('a second run on the same state continues: earlier objects stay listed, only new work is done', () => {
    // GIVEN one more file
    const extra = join(work, 'late.txt');
    writeFileSync(extra, 'arrived late\n');
    // WHEN the pipeline is run again on the same state, with --json
    const second = sluice(['run', EXAMPLE, '--put', `raw=${extra}`, '--state', state, '--json']);
    // THEN it exits 0 AND only the new file was invoked on (the earlier four are not redone)
    assert.equal(second.status, 0, second.stderr);
    const report = parseJson(second);
    assert.equal(report.put, 1);
    assert.equal(report.invocations, 1);
    const copy = report.nodes.find((n: { node: string }) => n.node === 'copy');
    assert.equal(copy.invocations, 1);
    // AND the objects of the first run are still listed next to the new one
    const listing = data('ls', 'curated');
    assert.equal(listing.status, 0, listing.stderr);
    for (const key of ['orders.csv', 'nested/deep/customer.json', 'with space/q3 summary.txt', 'image.bin', 'late.txt']) {
      assert.match(listing.stdout, new RegExp(`\\s${key.replace(/[.]/g, '\\.')}$`, 'm'), `'${key}' listed`);
    }
  });

  test('--json on run gives one document with per-node invocations, successes, failures, retries and deadLettered', () => {
    // WHEN nothing is pending and the user asks for JSON
    const run = sluice(['run', EXAMPLE, '--state', state, '--json']);
    // THEN stdout parses as one document describing the run
    assert.equal(run.status, 0, run.stderr);
    const report = parseJson(run);
    assert.equal(report.pipeline, 'three-node-pipe');
    assert.equal(report.entry, EXAMPLE);
    assert.equal(report.state, state);
    assert.equal(report.deadLettered, 0);
    assert.equal(typeof report.seconds, 'number');
    assert.deepEqual(report.nodes.map((n: { node: string; kind: string }) => `${n.kind} ${n.node}`), ['bucket raw', 'fn copy', 'bucket curated']);
    for (const node of report.nodes) {
      for (const field of ['invocations', 'successes', 'failures', 'retries', 'deadLettered']) assert.equal(typeof node[field], 'number', `${node.node}.${field}`);
    }
    assert.equal(report.nodes.find((n: { node: string }) => n.node === 'curated').objects, 5);
    // AND progress lines stay off stderr, so a program reads stdout only
    assert.equal(run.stderr, '');
  });

  test('put then run: a file put with sluice put is processed by the next run, under the key given', () => {
    // GIVEN a file put into raw under a chosen key
    const file = join(work, 'invoice.txt');
    writeFileSync(file, 'invoice 42\n');
    const put = data('put', 'raw', file, '--key', 'inbox/invoice-42.txt');
    assert.equal(put.status, 0, put.stderr);
    assert.match(put.stdout, /put 1 object\(s\) into 'raw': inbox\/invoice-42\.txt/);
    assert.match(put.stdout, /next 'sluice run'/);
    // AND it is waiting in raw, not yet copied
    assert.deepEqual(parseJson(data('ls', 'raw', 'inbox/', '--json')).objects.map((o: { key: string }) => o.key), ['inbox/invoice-42.txt']);
    // WHEN the pipeline runs
    const run = sluice(['run', EXAMPLE, '--state', state]);
    // THEN it processed that one file AND the copy is in curated with the same bytes
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^copy\s+fn\s+1\s+1\s+0\s+0\s+0$/m);
    assert.equal(data('cat', 'curated', 'inbox/invoice-42.txt').stdout, 'invoice 42\n');
  });

  test('--state keeps everything in the folder given: a different state folder sees none of it', () => {
    // THEN the state database lives in the folder the user named
    assert.ok(existsSync(join(state, 'state.db')), 'state.db in the --state folder');
    // AND another state folder for the same pipeline starts empty
    const elsewhere = sluice(['ls', 'curated', '--entry', EXAMPLE, '--state', join(work, 'other-state')]);
    assert.equal(elsewhere.status, 0, elsewhere.stderr);
    assert.equal(elsewhere.stdout.trim(), "bucket 'curated' has no objects");
  });

  test('put of a folder with --key puts its files under that key as a folder, joined with a /', () => {
    // GIVEN a folder holding deep/customer.json
    const folder = join(work, 'input', 'nested');
    // WHEN it is put with --key nos, and again with --key in/ (given with its slash)
    const put = parseJson(data('put', 'raw', folder, '--key', 'nos', '--json'));
    const slashed = parseJson(data('put', 'raw', folder, '--key', 'in/', '--json'));
    // THEN the keys are nos/deep/customer.json and in/deep/customer.json, never nosdeep/customer.json or in//deep/...
    assert.deepEqual(put.objects, ['nos/deep/customer.json']);
    assert.deepEqual(slashed.objects, ['in/deep/customer.json']);
    // AND --help says so
    assert.match(sluice(['put', '--help']).stdout, /--key in puts dir\/a\.csv as in\/a\.csv/);
  });
});
