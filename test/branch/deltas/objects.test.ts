/**
 * Object-level deltas: keys only one side has, keys whose bytes differ (by MD5 when both sides know
 * it, else by size and bytes), and the count of unchanged ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketDeltas } from '../../../src/branch/deltas/index.js';
import { files } from './support.js';

test('objects added, removed, changed and unchanged are found by key and content', async (t) => {
  const f = files();
  t.after(f.remove);
  // GIVEN main and a branch sharing two keys (one rewritten), each with one key of its own
  const main = [f.object('logs/a.txt', 'same'), f.object('logs/b.txt', 'before'), f.object('logs/gone.txt', 'x')];
  const branch = [f.object('logs/a.txt', 'same'), f.object('logs/b.txt', 'after!'), f.object('logs/new.txt', 'y')];
  // WHEN the bucket is compared
  const delta = await bucketDeltas({ bucket: 'out', main, branch });
  // THEN each key lands in its list, and no text object makes a table
  assert.deepEqual(delta.objects, { added: ['logs/new.txt'], removed: ['logs/gone.txt'], changed: ['logs/b.txt'], unchanged: 1, unreadable: [] });
  assert.deepEqual(delta.tables, []);
});

test('without MD5s (or with multipart ETags) objects compare by bytes, also at equal sizes', async (t) => {
  const f = files();
  t.after(f.remove);
  // GIVEN objects of equal size, one pair differing in its last byte, one with multipart ETags
  const main = [f.object('a.bin', 'abcdef', { etag: false }), f.object('b.bin', 'abcdef', { etag: false }), { ...f.object('c.bin', 'multi'), etag: '"0cc175b9c0f1b6a831c399e269772661-2"' }];
  const branch = [f.object('a.bin', 'abcdef', { etag: false }), f.object('b.bin', 'abcdeg', { etag: false }), { ...f.object('c.bin', 'multi'), etag: '"92eb5ffee6ae2fec3ad71c777531578f-3"' }];
  // WHEN compared
  const delta = await bucketDeltas({ bucket: 'out', main, branch });
  // THEN only the pair whose bytes differ has changed
  assert.deepEqual(delta.objects.changed, ['b.bin']);
  assert.equal(delta.objects.unchanged, 2);
});

test('equal MD5s mean unchanged, different MD5s changed, without reading the files', async (t) => {
  const f = files();
  t.after(f.remove);
  // GIVEN two objects whose files say otherwise than their MD5s (the MD5s win: S3 computed them)
  const main = [{ ...f.object('x.txt', 'one'), etag: 'd41d8cd98f00b204e9800998ecf8427e' }, { ...f.object('y.txt', 'two'), etag: '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"' }];
  const branch = [{ ...f.object('x.txt', 'uno'), etag: 'D41D8CD98F00B204E9800998ECF8427E' }, { ...f.object('y.txt', 'two'), etag: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' }];
  const delta = await bucketDeltas({ bucket: 'out', main, branch });
  assert.deepEqual(delta.objects.changed, ['y.txt']);
  assert.equal(delta.objects.unchanged, 1);
});

test('progress counts every object and table up to the total', async (t) => {
  const f = files();
  t.after(f.remove);
  const main = [f.object('t/a.csv', 'id\n1\n'), f.object('gone.txt', 'x')];
  const branch = [f.object('t/a.csv', 'id\n2\n'), f.object('new.txt', 'y')];
  const seen: Array<[number, number]> = [];
  await bucketDeltas({ bucket: 'out', main, branch }, { onProgress: (done, total) => seen.push([done, total]) });
  assert.deepEqual(seen.at(-1), [5, 5]);
  assert.ok(seen.every(([done, total], i) => total === 5 && (i === 0 || done > seen[i - 1]![0])));
});
