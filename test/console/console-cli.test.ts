/**
 * `sluice console`'s command line: a bad --port is refused with its code before anything starts;
 * `sluice dev --console` serves the console beside the running engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sluice, sluiceAsync, tempDir } from '../helpers/cli.js';
import { createServer } from 'node:net';
import { EXAMPLE_DIR, sluiceAwait } from '../cli/support.js';

test('sluice console refuses a --port that is not 0..65535', () => {
  // WHEN the console is asked for port 70000
  const r = sluice(['console', '--port', '70000', '--json'], { cwd: EXAMPLE_DIR });
  // THEN it exits 2 with SLUICE_E_CONSOLE_PORT, naming the option and what it takes
  assert.equal(r.status, 2);
  const error = JSON.parse(r.stdout);
  assert.equal(error.code, 'SLUICE_E_CONSOLE_PORT');
  assert.match(error.message, /--port must be a whole number from 0 to 65535 \(given '70000'\)/);
});

test('sluice dev --console serves the console beside the running engine, which shows its work', async (t) => {
  // GIVEN sluice dev --console on the three-node example with a fresh state
  const state = tempDir();
  const dev = sluiceAsync(['dev', '--console', '--json', '--state', state], { cwd: EXAMPLE_DIR });
  t.after(() => {
    if (dev.exitCode === null) dev.kill('SIGTERM');
  });
  let out = '';
  dev.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const started = Date.now();
  let consoleLine: { url: string; port: number; token: string } | undefined;
  while (!consoleLine && Date.now() - started < 60_000) {
    consoleLine = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.type === 'console');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(consoleLine, `no console line printed: ${out}`);
  // WHEN an object is put from another shell
  assert.equal(sluice(['put', 'raw', 'sample-data', '--state', state], { cwd: EXAMPLE_DIR }).status, 0);
  // THEN the console reports what dev did with it: the copies in curated and copy's invocations
  const api = async (path: string): Promise<any> => (await fetch(`http://127.0.0.1:${consoleLine.port}${path}`, { headers: { 'x-sluice-token': consoleLine.token } })).json();
  let status: { nodes: Array<{ node: string; objects?: number; activity?: { invocations: number } }> } | undefined;
  const curatedObjects = () => status?.nodes.find((n) => n.node === 'curated')?.objects ?? 0;
  const raw = (JSON.parse(sluice(['ls', 'raw', '--json', '--state', state], { cwd: EXAMPLE_DIR }).stdout) as { objects: unknown[] }).objects.length;
  assert.ok(raw > 0);
  for (const until = Date.now() + 30_000; Date.now() < until && curatedObjects() < raw;) {
    status = await api('/api/status');
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(curatedObjects(), raw);
  assert.ok((status!.nodes.find((n) => n.node === 'copy')?.activity?.invocations ?? 0) >= 1);
  const node = await api('/api/node?name=copy');
  assert.ok(node.activity.invocations.length >= 1 && node.activity.invocations.every((i: { ok: boolean }) => i.ok));
  // AND Ctrl-C stops both
  dev.kill('SIGINT');
  const code = await new Promise((resolve) => dev.once('exit', resolve));
  assert.equal(code, 0);
});

test('sluice console refuses a port already taken, naming it', async (t) => {
  // GIVEN a port taken on 127.0.0.1
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.after(() => taken.close());
  const port = (taken.address() as { port: number }).port;
  // WHEN the console is asked for it THEN it exits 2 with SLUICE_E_CONSOLE_PORT_IN_USE
  const r = await sluiceAwait(['console', '--port', String(port), '--json'], { cwd: EXAMPLE_DIR, timeoutMs: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  const error = JSON.parse(r.stdout);
  assert.equal(error.code, 'SLUICE_E_CONSOLE_PORT_IN_USE');
  assert.match(error.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is not available \\(EADDRINUSE\\)`));
});
