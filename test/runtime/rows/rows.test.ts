/**
 * The streamed row helpers on their own: CSV, JSON Lines and Parquet round trips, the Parquet schema
 * (given and inferred), the errors a bad row or file gives, and that writing streams (a source of rows
 * is pulled as the bytes are consumed, not drained first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { SluiceError } from 'sluice';
import { csvStream, jsonlStream, parquetStream, readCsv, readJsonl, readParquet, type RowCount } from '../../../src/runtime/rows/index.js';

const where = { bucket: 'bronze', key: 'orders.x' };

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

async function all<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

/** A stream of `text` in chunks of `size` bytes, so records straddle chunk boundaries. */
function chunked(text: string | Buffer, size = 7): Readable {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

test('CSV: records keyed by the header, quoted fields and a BOM handled, across chunk boundaries', async () => {
  // GIVEN a CSV with a BOM, a quoted comma, a quoted newline and an empty line
  const text = '\uFEFFid,name,note\n1,"Smith, Ann","two\nlines"\n\n2,Bob,\n';
  // WHEN it is read
  const rows = await all(readCsv(chunked(text), where));
  // THEN each record is an object of strings
  assert.deepEqual(rows, [{ id: '1', name: 'Smith, Ann', note: 'two\nlines' }, { id: '2', name: 'Bob', note: '' }]);
});

test('CSV: a malformed record fails the read naming the object and line, or is skipped and reported with onMalformed', async () => {
  const text = 'id,name\n1,a\n2,b,extra\n3,c\n';
  // WHEN read without onMalformed THEN the error names the object and line
  await assert.rejects(all(readCsv(chunked(text), where)), (e: SluiceError) => {
    assert.equal(e.code, 'SLUICE_E_ROWS_PARSE');
    assert.match(e.message, /CSV object 'orders.x' in bucket 'bronze' line 3 cannot be parsed/);
    assert.match(e.message, /onMalformed/);
    return true;
  });
  // WHEN read with onMalformed THEN the good rows come through and the bad one is reported
  const bad: number[] = [];
  const rows = await all(readCsv(chunked(text), where, { onMalformed: (r) => bad.push(r.line) }));
  assert.deepEqual(rows.map((r) => r.id), ['1', '3']);
  assert.deepEqual(bad, [3]);
});

test('CSV: written with a header from the first row; dates as ISO 8601, objects as JSON; rows counted', async () => {
  const count: RowCount = { rows: 0 };
  const text = (await bytesOf(csvStream([{ id: 1, at: new Date(Date.UTC(2026, 0, 2)), tags: ['a', 'b'], note: 'x,y' }, { id: 2, at: null, tags: [], note: '' }], {}, count))).toString();
  assert.equal(text, 'id,at,tags,note\n1,2026-01-02T00:00:00.000Z,"[""a"",""b""]","x,y"\n2,,[],\n');
  assert.equal(count.rows, 2);
});

test('JSON Lines: round trip, blank lines skipped, a bad line named by number', async () => {
  const count: RowCount = { rows: 0 };
  const rows = [{ id: 1, n: 2n, nested: { a: [1, 2] } }, { id: 2, s: 'é' }];
  const text = (await bytesOf(jsonlStream(rows, count))).toString();
  assert.equal(text, '{"id":1,"n":"2","nested":{"a":[1,2]}}\n{"id":2,"s":"é"}\n');
  assert.equal(count.rows, 2);
  assert.deepEqual(await all(readJsonl(chunked(text + '\n\r\n'), where)), [{ id: 1, n: '2', nested: { a: [1, 2] } }, { id: 2, s: 'é' }]);
  await assert.rejects(all(readJsonl(chunked('{"a":1}\n{oops\n'), where)), (e: SluiceError) => e.code === 'SLUICE_E_ROWS_PARSE' && /line 2 is not JSON/.test(e.message));
});

test('Parquet: an inferred schema round-trips strings, numbers, booleans, bigints, dates, JSON and nulls over several row groups', async () => {
  // GIVEN 25 rows of mixed types, one column appearing only from the third row, written in groups of 10
  const rows = Array.from({ length: 25 }, (_, i) => ({
    id: `o-${i}`, amount: i + 0.5, paid: i % 2 === 0, big: BigInt(i) * 10_000_000_000n, at: new Date(Date.UTC(2026, 0, 1, i)), meta: { i }, ...(i >= 2 ? { late: 'yes' } : {}),
  }));
  const count: RowCount = { rows: 0 };
  const bytes = await bytesOf(parquetStream(rows, where, { rowGroupSize: 10 }, count));
  assert.equal(count.rows, 25);
  // WHEN it is read back
  const back = await all(readParquet(chunked(bytes, 1000), where));
  // THEN every value comes back with its type; the missing cells are nulls
  assert.equal(back.length, 25);
  assert.deepEqual(back[3], { id: 'o-3', amount: 3.5, paid: false, big: 30_000_000_000n, at: new Date(Date.UTC(2026, 0, 1, 3)), meta: { i: 3 }, late: 'yes' });
  assert.equal(back[0]!.late, null);
});

test('Parquet: a given schema types the columns (INT32, INT64 from numbers, TIMESTAMP) and only the columns asked for are read', async () => {
  const bytes = await bytesOf(parquetStream([{ qty: 3, total: 12, at: new Date(0), name: 'a' }, { qty: null, total: 7, at: null, name: 'b' }], where, { schema: { name: 'STRING', qty: 'INT32', total: 'INT64', at: 'TIMESTAMP' } }, { rows: 0 }));
  const back = await all(readParquet(chunked(bytes, 100), where));
  assert.deepEqual(back, [{ name: 'a', qty: 3, total: 12n, at: new Date(0) }, { name: 'b', qty: null, total: 7n, at: null }]);
  assert.deepEqual(await all(readParquet(chunked(bytes), where, { columns: ['name'] })), [{ name: 'a' }, { name: 'b' }]);
});

test('Parquet: zero rows with a schema make a valid empty file', async () => {
  const bytes = await bytesOf(parquetStream([], where, { schema: { id: 'STRING' } }, { rows: 0 }));
  assert.deepEqual(await all(readParquet(chunked(bytes), where)), []);
});

test('Parquet: a value of the wrong type, a column not in the schema, and a bad schema fail with SLUICE_E_ROWS_SCHEMA naming row and column', async () => {
  const write = (rows: object[], options: object) => bytesOf(parquetStream(rows, where, options, { rows: 0 }));
  await assert.rejects(write([{ qty: 1 }, { qty: 'two' }], { schema: { qty: 'INT32' } }), (e: SluiceError) => {
    assert.equal(e.code, 'SLUICE_E_ROWS_SCHEMA');
    assert.match(e.message, /row 2 has the string "two" in column 'qty' of type INT32/);
    return true;
  });
  // An inferred DOUBLE column then meeting a string in a later row group
  await assert.rejects(write([{ x: 1 }, { x: 'a' }], { rowGroupSize: 1 }), (e: SluiceError) => e.code === 'SLUICE_E_ROWS_SCHEMA' && /row 2 .* column 'x' of type DOUBLE/.test(e.message));
  await assert.rejects(write([{ a: 1 }, { a: 2, b: 3 }], { rowGroupSize: 1 }), (e: SluiceError) => e.code === 'SLUICE_E_ROWS_SCHEMA' && /row 2 has column 'b', which is not in the schema \(a\)/.test(e.message));
  await assert.rejects(write([{ a: 1 }], { schema: { a: 'NUMBER' } }), (e: SluiceError) => e.code === 'SLUICE_E_ROWS_SCHEMA' && /column 'a' has type "NUMBER"/.test(e.message));
});

test('Parquet: a file that is not Parquet fails the read with SLUICE_E_ROWS_PARSE', async () => {
  await assert.rejects(all(readParquet(chunked('id,name\n1,a\n'), where)), (e: SluiceError) => e.code === 'SLUICE_E_ROWS_PARSE' && /Parquet object 'orders.x' in bucket 'bronze' cannot be read/.test(e.message));
});

test('Parquet writing streams: a row group is on its way out before later rows are produced', async () => {
  // GIVEN a row source that records how many rows it produced when each output chunk was seen
  let produced = 0;
  async function* rows() {
    for (let i = 0; i < 50; i++) {
      produced++;
      yield { i };
    }
  }
  const seenAt: number[] = [];
  for await (const _chunk of parquetStream(rows(), where, { rowGroupSize: 10 }, { rows: 0 })) seenAt.push(produced);
  // THEN the first bytes left after the first group (10 rows, plus the one that closed it at most), long before all 50
  assert.ok(seenAt[0]! <= 11, `first chunk seen after ${seenAt[0]} rows`);
  assert.equal(seenAt.at(-1), 50);
});
