/**
 * The DuckDB session deltas run in: offline (the readers it uses are built into the binary, and
 * extension autoinstall and autoload are off, so nothing is fetched at run time), names and strings
 * quoted for SQL, and its spill folder removed when it closes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DuckSession, ident, literal } from '../../../src/branch/deltas/duckdb.js';

test('the CSV, JSON and Parquet readers are built in, and DuckDB never installs or loads an extension by itself', async (t) => {
  const db = await DuckSession.open();
  t.after(() => db.close());
  // GIVEN a session: the settings that would fetch extensions are off (checked first: the query after it must not reach out)
  const [settings] = await db.all(`SELECT current_setting('autoinstall_known_extensions') AS install, current_setting('autoload_known_extensions') AS load`);
  assert.deepEqual(settings, { install: false, load: false });
  // THEN json and parquet are linked into the binary (csv is core)
  const built = await db.all(`SELECT extension_name AS name, install_mode AS mode FROM duckdb_extensions() WHERE extension_name IN ('json', 'parquet') AND loaded ORDER BY 1`);
  assert.deepEqual(built, [{ name: 'json', mode: 'STATICALLY_LINKED' }, { name: 'parquet', mode: 'STATICALLY_LINKED' }]);
  // AND a reader that needs an extension fails at once, naming it, instead of downloading it
  await assert.rejects(db.all(`SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')`), /Missing Extension Error: .*requires the extension httpfs/);
});

test('identifiers and literals survive quotes, spaces and SQL in them', async (t) => {
  const db = await DuckSession.open();
  t.after(() => db.close());
  const name = `a "b" c'; DROP TABLE x; --`;
  const value = `it's "quoted" \\ and -- not a comment`;
  const [row] = await db.all(`SELECT ${literal(value)} AS ${ident(name)}`);
  assert.deepEqual(row, { [name]: value });
});

test('closing a session removes its spill folder', async () => {
  const queries: string[] = [];
  const db = await DuckSession.open((sql) => queries.push(sql));
  const [row] = await db.all(`SELECT current_setting('temp_directory') AS dir`);
  const dir = String(row!.dir);
  assert.ok(existsSync(dir) && /sluice-deltas-/.test(dir), dir);
  db.close();
  assert.equal(existsSync(dir), false);
  assert.deepEqual(queries, [`SELECT current_setting('temp_directory') AS dir`]);
});
