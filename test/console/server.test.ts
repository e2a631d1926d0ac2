/**
 * The console's server without a browser: what it refuses (a wrong Host, paths outside the state's
 * branch reports), the branches it lists and the deltas report it serves sandboxed, the previews it
 * gives for tables a page at a time (CSV, JSON lines, Parquet), and objects served as downloads, never
 * as pages. Started in process over the test harness's local stage.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { bucket, pipeline } from 'sluice';
import { startLocal, tempDir } from '../helpers/local.js';
import { startConsole } from '../../src/console/server.js';

const pipe = () => pipeline('console-server', [bucket('data')]);

/** A GET with a Host header of our choosing (fetch does not let a caller set it). */
function getWithHost(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject).end();
  });
}

describe('the console server', () => {
  test('answers only to its own Host name', async (t) => {
    const local = await startLocal(t, pipe());
    const c = await startConsole({ stage: local.stage });
    t.after(() => c.close());
    // WHEN a page asks under another name (DNS rebinding), even with the token THEN it is refused
    assert.equal(await getWithHost(c.port, `/api/status?token=${c.token}`, `evil.example:${c.port}`), 403);
    assert.equal(await getWithHost(c.port, `/api/status?token=${c.token}`, `127.0.0.1:${c.port}`), 200);
    assert.equal(await getWithHost(c.port, `/api/status?token=${c.token}`, `localhost:${c.port}`), 200);
  });

  test("lists the stage's branches and serves their deltas report sandboxed, and nothing outside", async (t) => {
    // GIVEN a project folder with one branch that has a deltas report and one that has none yet
    const sluiceDir = tempDir(t);
    const branches = join(sluiceDir, 'local', 'branches');
    mkdirSync(join(branches, 'fix-dates'), { recursive: true });
    writeFileSync(join(branches, 'fix-dates', 'branch.json'), JSON.stringify({ name: 'fix-dates', from: 'clean', state: 'triggered' }));
    writeFileSync(join(branches, 'fix-dates', 'deltas.html'), '<html><body>deltas</body></html>');
    mkdirSync(join(branches, 'new-rule'));
    writeFileSync(join(branches, 'new-rule', 'branch.json'), JSON.stringify({ name: 'new-rule', from: 'clean', state: 'planned' }));
    writeFileSync(join(sluiceDir, 'secret.txt'), 'not for the console');
    const local = await startLocal(t, pipe());
    const c = await startConsole({ stage: local.stage, sluiceDir });
    t.after(() => c.close());
    const base = `http://127.0.0.1:${c.port}`;
    // WHEN the branches are listed THEN both show, with whether a report exists
    const listed = await (await fetch(`${base}/api/branches?token=${c.token}`)).json() as { branches: Array<{ name: string; deltas: boolean; record: { state: string } }> };
    assert.deepEqual(listed.branches.map((b) => [b.name, b.deltas, b.record.state]).sort(), [['fix-dates', true, 'triggered'], ['new-rule', false, 'planned']]);
    // AND the report is served in a sandbox (no script of it runs in the console's origin)
    const report = await fetch(`${base}/branches/fix-dates/deltas.html?token=${c.token}`);
    assert.equal(report.status, 200);
    assert.match(report.headers.get('content-security-policy') ?? '', /^sandbox allow-scripts;/);
    assert.equal(await report.text(), '<html><body>deltas</body></html>');
    // AND no path reaches anything else of the folder
    for (const path of ['/branches/..%2F..%2Fsecret.txt%00/deltas.html', '/branches/%2E%2E/deltas.html', '/branches/new-rule/deltas.html', '/secret.txt', '/branches/fix-dates/branch.json']) {
      const r = await fetch(`${base}${path}?token=${c.token}`);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(await r.text(), /not for the console/);
    }
  });

  test('previews CSV, JSON lines and Parquet as tables a page at a time, and serves objects as downloads', async (t) => {
    const local = await startLocal(t, pipe());
    const rows = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, name: `row ${i + 1}` }));
    await local.put('data', 'rows.csv', `id,name\n${rows.map((r) => `${r.id},${r.name}`).join('\n')}\n`);
    await local.put('data', 'rows.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'));
    const parquet = parquetWriteBuffer({ columnData: [{ name: 'id', data: rows.map((r) => r.id), type: 'INT32' }, { name: 'name', data: rows.map((r) => r.name), type: 'STRING' }] });
    await local.put('data', 'rows.parquet', new Uint8Array(parquet));
    await local.put('data', 'page.html', '<script>alert(1)</script>');
    const c = await startConsole({ stage: local.stage });
    t.after(() => c.close());
    const preview = async (key: string, page: number): Promise<any> => ((await (await fetch(`http://127.0.0.1:${c.port}/api/preview?bucket=data&key=${key}&page=${page}&token=${c.token}`)).json()) as { preview: unknown }).preview;
    for (const key of ['rows.csv', 'rows.jsonl', 'rows.parquet']) {
      // WHEN the third page of 120 rows is asked for THEN it holds rows 101..120 of 3 pages
      const p = await preview(key, 2);
      assert.equal(p.type, 'table', key);
      assert.deepEqual([p.total, p.pages, p.page, p.rows.length], [120, 3, 2, 20], key);
      assert.deepEqual(p.columns, ['id', 'name'], key);
      assert.equal(String(p.rows[0][0]), '101', key);
      assert.equal(p.rows[19][1], 'row 120', key);
    }
    // AND an HTML object is downloaded as bytes, never rendered as a page
    const download = await fetch(`http://127.0.0.1:${c.port}/api/download?bucket=data&key=page.html&token=${c.token}`);
    assert.equal(download.headers.get('content-type'), 'application/octet-stream');
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename\*=UTF-8''page\.html$/);
    assert.equal(await download.text(), '<script>alert(1)</script>');
  });
});
